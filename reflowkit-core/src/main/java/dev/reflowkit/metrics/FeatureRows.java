package dev.reflowkit.metrics;

import dev.reflowkit.data.PointSet;

/** Package-private checks and conversions for feature matrices ({@code n x k}, rows = samples). */
final class FeatureRows {

    private FeatureRows() {}

    /**
     * Checks that a feature matrix is rectangular, finite and has enough rows.
     *
     * @param metric the metric's name, for messages
     * @param which which argument, for messages
     * @param x the rows
     * @param minRows the least number of rows
     * @return the number of columns {@code k}
     */
    static int check(String metric, String which, double[][] x, int minRows) {
        if (x == null || x.length < minRows) {
            throw new IllegalArgumentException(metric + ": the " + which + " feature set has "
                    + (x == null ? 0 : x.length) + " rows, needs at least " + minRows);
        }
        if (x.length == 0) {
            return 0;
        }
        int k = x[0].length;
        if (k == 0) {
            throw new IllegalArgumentException(metric + ": the " + which + " feature set has 0 columns");
        }
        for (int i = 0; i < x.length; i++) {
            if (x[i].length != k) {
                throw new IllegalArgumentException(metric + ": the " + which + " feature set is ragged, row "
                        + i + " has " + x[i].length + " columns, row 0 has " + k);
            }
            for (double v : x[i]) {
                if (!Double.isFinite(v)) {
                    throw new IllegalArgumentException(metric + ": the " + which + " feature set has a "
                            + "NaN or infinite value in row " + i);
                }
            }
        }
        return k;
    }

    /**
     * Checks two feature matrices for a two-sample metric: enough rows and equal widths.
     *
     * @param metric the metric's name
     * @param x the first set
     * @param y the second set
     * @param minRows the least number of rows of each
     * @return the common width {@code k}
     */
    static int checkPair(String metric, double[][] x, double[][] y, int minRows) {
        int kx = check(metric, "first", x, minRows);
        int ky = check(metric, "second", y, minRows);
        if (kx != ky) {
            throw new IllegalArgumentException(metric + ": feature sets have different widths, " + kx
                    + " vs " + ky);
        }
        return kx;
    }

    /**
     * The rows of a point set as doubles.
     *
     * @param p the points
     * @return {@code n x d}
     */
    static double[][] of(PointSet p) {
        double[][] x = new double[p.n()][p.d()];
        float[] data = p.data();
        for (int i = 0; i < p.n(); i++) {
            for (int j = 0; j < p.d(); j++) {
                x[i][j] = data[i * p.d() + j];
            }
        }
        return x;
    }

    /**
     * Dot product, four accumulators (the JIT keeps them in registers).
     *
     * @param a first vector
     * @param b second vector, same length
     * @return {@code a . b}
     */
    static double dot(double[] a, double[] b) {
        int k = a.length;
        double s0 = 0;
        double s1 = 0;
        double s2 = 0;
        double s3 = 0;
        int j = 0;
        for (; j + 3 < k; j += 4) {
            s0 += a[j] * b[j];
            s1 += a[j + 1] * b[j + 1];
            s2 += a[j + 2] * b[j + 2];
            s3 += a[j + 3] * b[j + 3];
        }
        for (; j < k; j++) {
            s0 += a[j] * b[j];
        }
        return (s0 + s1) + (s2 + s3);
    }

    /**
     * Squared norms of the rows.
     *
     * @param x the rows
     * @return {@code |x_i|^2}
     */
    static double[] squaredNorms(double[][] x) {
        double[] out = new double[x.length];
        for (int i = 0; i < x.length; i++) {
            out[i] = dot(x[i], x[i]);
        }
        return out;
    }
}
