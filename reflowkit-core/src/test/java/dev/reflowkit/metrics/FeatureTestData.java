package dev.reflowkit.metrics;

import java.util.Random;

/** Random feature matrices and matrices shared by the image-metric tests. */
final class FeatureTestData {

    private FeatureTestData() {}

    /** {@code n x k} standard normal rows plus {@code shift} in every column. */
    static double[][] gaussian(int n, int k, double shift, long seed) {
        Random rng = new Random(seed);
        double[][] x = new double[n][k];
        for (double[] row : x) {
            for (int j = 0; j < k; j++) {
                row[j] = rng.nextGaussian() + shift;
            }
        }
        return x;
    }

    /** A random symmetric matrix with standard normal entries. */
    static double[][] symmetric(int k, long seed) {
        Random rng = new Random(seed);
        double[][] a = new double[k][k];
        for (int i = 0; i < k; i++) {
            for (int j = 0; j <= i; j++) {
                a[i][j] = rng.nextGaussian();
                a[j][i] = a[i][j];
            }
        }
        return a;
    }

    /** A random orthogonal matrix (Gram-Schmidt on normal columns). */
    static double[][] orthogonal(int k, long seed) {
        double[][] q = gaussian(k, k, 0, seed);
        for (int j = 0; j < k; j++) {
            for (int p = 0; p < j; p++) {
                double dot = 0;
                for (int i = 0; i < k; i++) {
                    dot += q[i][j] * q[i][p];
                }
                for (int i = 0; i < k; i++) {
                    q[i][j] -= dot * q[i][p];
                }
            }
            double norm = 0;
            for (int i = 0; i < k; i++) {
                norm += q[i][j] * q[i][j];
            }
            norm = Math.sqrt(norm);
            for (int i = 0; i < k; i++) {
                q[i][j] /= norm;
            }
        }
        return q;
    }

    /** {@code a b}. */
    static double[][] multiply(double[][] a, double[][] b) {
        int n = a.length;
        int m = b[0].length;
        double[][] out = new double[n][m];
        for (int i = 0; i < n; i++) {
            for (int l = 0; l < b.length; l++) {
                for (int j = 0; j < m; j++) {
                    out[i][j] += a[i][l] * b[l][j];
                }
            }
        }
        return out;
    }

    /** {@code a^T}. */
    static double[][] transpose(double[][] a) {
        double[][] t = new double[a[0].length][a.length];
        for (int i = 0; i < a.length; i++) {
            for (int j = 0; j < a[0].length; j++) {
                t[j][i] = a[i][j];
            }
        }
        return t;
    }

    /** {@code Q diag(w) Q^T}. */
    static double[][] withSpectrum(double[][] q, double[] w) {
        int k = w.length;
        double[][] qw = new double[k][k];
        for (int i = 0; i < k; i++) {
            for (int j = 0; j < k; j++) {
                qw[i][j] = q[i][j] * w[j];
            }
        }
        return multiply(qw, transpose(q));
    }

    /** Largest absolute entry of {@code a - b}. */
    static double maxAbsDiff(double[][] a, double[][] b) {
        double m = 0;
        for (int i = 0; i < a.length; i++) {
            for (int j = 0; j < a[i].length; j++) {
                m = Math.max(m, Math.abs(a[i][j] - b[i][j]));
            }
        }
        return m;
    }
}
