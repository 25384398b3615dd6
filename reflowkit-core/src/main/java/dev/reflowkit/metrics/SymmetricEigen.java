package dev.reflowkit.metrics;

import java.util.Arrays;
import java.util.function.DoubleUnaryOperator;

/**
 * The eigendecomposition {@code A = V diag(w) V^T} of a real symmetric matrix, computed with the
 * cyclic Jacobi method.
 *
 * <p>Each Jacobi rotation {@code J} in the plane {@code (p, q)} zeroes the off-diagonal entry
 * {@code a_pq} of {@code A <- J^T A J}: with {@code theta = (a_qq - a_pp) / (2 a_pq)},
 * {@code t = sgn(theta) / (|theta| + sqrt(theta^2 + 1))}, {@code c = 1 / sqrt(t^2 + 1)} and
 * {@code s = t c}, the diagonal becomes {@code a_pp - t a_pq} and {@code a_qq + t a_pq}, and
 * {@code V <- V J} accumulates the eigenvectors. Sweeps over all pairs {@code p < q} repeat until
 * the off-diagonal Frobenius norm is below {@code 1e-15} times the matrix norm (quadratic
 * convergence: typically 6 to 10 sweeps). The method is backward stable and computes small
 * eigenvalues to high relative accuracy; cost {@code O(k^3)} per sweep (about 10 ms for
 * {@code k = 128}).
 *
 * <pre>{@code
 * SymmetricEigen e = SymmetricEigen.of(cov);
 * double[] w = e.values();        // ascending
 * double[][] v = e.vectors();     // column j is the eigenvector of w[j]
 * }</pre>
 */
public final class SymmetricEigen {

    private static final int MAX_SWEEPS = 100;
    private static final double TOLERANCE = 1e-15;

    private final double[] values;
    private final double[][] vectors;

    private SymmetricEigen(double[] values, double[][] vectors) {
        this.values = values;
        this.vectors = vectors;
    }

    /**
     * Decomposes a symmetric matrix (the input is not modified; only its lower triangle and
     * diagonal are read after a symmetry check).
     *
     * @param a a square symmetric {@code k x k} matrix, {@code k >= 1}, finite
     * @return the decomposition, eigenvalues ascending
     * @throws IllegalArgumentException if the matrix is not square, not finite or not symmetric
     *     (relative asymmetry above {@code 1e-8})
     * @throws ArithmeticException if the iteration does not converge (not expected for finite input)
     */
    public static SymmetricEigen of(double[][] a) {
        int k = checkSymmetric(a);
        double[][] m = new double[k][k];
        for (int i = 0; i < k; i++) {
            for (int j = 0; j <= i; j++) {
                m[i][j] = a[i][j];
                m[j][i] = a[i][j];
            }
        }
        double[][] v = new double[k][k];
        for (int i = 0; i < k; i++) {
            v[i][i] = 1;
        }
        double norm2 = 0;
        for (double[] row : m) {
            for (double x : row) {
                norm2 += x * x;
            }
        }
        int sweep = 0;
        while (offDiagonal2(m) > TOLERANCE * TOLERANCE * norm2) {
            if (++sweep > MAX_SWEEPS) {
                throw new ArithmeticException("Jacobi eigenvalue iteration did not converge in "
                        + MAX_SWEEPS + " sweeps for a " + k + " x " + k + " matrix");
            }
            for (int p = 0; p < k - 1; p++) {
                for (int q = p + 1; q < k; q++) {
                    rotate(m, v, p, q);
                }
            }
        }
        return sorted(m, v);
    }

    /**
     * The eigenvalues, ascending (a copy).
     *
     * @return {@code w}
     */
    public double[] values() {
        return values.clone();
    }

    /**
     * The orthonormal eigenvectors as columns (a copy): column {@code j} belongs to
     * {@code values()[j]}.
     *
     * @return {@code V}, {@code k x k}
     */
    public double[][] vectors() {
        double[][] out = new double[vectors.length][];
        for (int i = 0; i < out.length; i++) {
            out[i] = vectors[i].clone();
        }
        return out;
    }

    /**
     * {@code V diag(f(w)) V^T}: a function of the matrix, e.g. its square root with
     * {@code f = sqrt(max(w, 0))}.
     *
     * @param f the function applied to each eigenvalue
     * @return the symmetric {@code k x k} matrix
     */
    public double[][] apply(DoubleUnaryOperator f) {
        int k = values.length;
        double[] fw = new double[k];
        for (int j = 0; j < k; j++) {
            fw[j] = f.applyAsDouble(values[j]);
        }
        double[][] out = new double[k][k];
        for (int i = 0; i < k; i++) {
            double[] vi = vectors[i];
            for (int l = 0; l <= i; l++) {
                double[] vl = vectors[l];
                double s = 0;
                for (int j = 0; j < k; j++) {
                    s += vi[j] * fw[j] * vl[j];
                }
                out[i][l] = s;
                out[l][i] = s;
            }
        }
        return out;
    }

    private static void rotate(double[][] m, double[][] v, int p, int q) {
        double apq = m[p][q];
        if (apq == 0) {
            return;
        }
        double app = m[p][p];
        double aqq = m[q][q];
        double theta = (aqq - app) / (2 * apq);
        double t = Math.signum(theta) / (Math.abs(theta) + Math.sqrt(theta * theta + 1));
        if (theta == 0) {
            t = 1;
        } else if (Double.isInfinite(theta * theta)) {
            t = 1 / (2 * theta); // the rotation is tiny; avoid overflow
        }
        double c = 1 / Math.sqrt(t * t + 1);
        double s = t * c;
        int k = m.length;
        // Columns p and q of M <- M J, then rows p and q of J^T M.
        for (int r = 0; r < k; r++) {
            double mrp = m[r][p];
            double mrq = m[r][q];
            m[r][p] = c * mrp - s * mrq;
            m[r][q] = s * mrp + c * mrq;
        }
        double[] rowP = m[p];
        double[] rowQ = m[q];
        for (int r = 0; r < k; r++) {
            double mpr = rowP[r];
            double mqr = rowQ[r];
            rowP[r] = c * mpr - s * mqr;
            rowQ[r] = s * mpr + c * mqr;
        }
        m[p][q] = 0;
        m[q][p] = 0;
        m[p][p] = app - t * apq;
        m[q][q] = aqq + t * apq;
        for (int r = 0; r < k; r++) {
            double vrp = v[r][p];
            double vrq = v[r][q];
            v[r][p] = c * vrp - s * vrq;
            v[r][q] = s * vrp + c * vrq;
        }
    }

    private static double offDiagonal2(double[][] m) {
        double s = 0;
        for (int i = 0; i < m.length; i++) {
            for (int j = 0; j < m.length; j++) {
                if (i != j) {
                    s += m[i][j] * m[i][j];
                }
            }
        }
        return s;
    }

    private static SymmetricEigen sorted(double[][] m, double[][] v) {
        int k = m.length;
        Integer[] order = new Integer[k];
        for (int i = 0; i < k; i++) {
            order[i] = i;
        }
        Arrays.sort(order, (x, y) -> Double.compare(m[x][x], m[y][y]));
        double[] w = new double[k];
        double[][] vs = new double[k][k];
        for (int j = 0; j < k; j++) {
            int src = order[j];
            w[j] = m[src][src];
            for (int i = 0; i < k; i++) {
                vs[i][j] = v[i][src];
            }
        }
        return new SymmetricEigen(w, vs);
    }

    private static int checkSymmetric(double[][] a) {
        if (a == null || a.length == 0) {
            throw new IllegalArgumentException("SymmetricEigen: empty matrix");
        }
        int k = a.length;
        double scale = 0;
        for (int i = 0; i < k; i++) {
            if (a[i] == null || a[i].length != k) {
                throw new IllegalArgumentException("SymmetricEigen: matrix is not square, row " + i
                        + " has " + (a[i] == null ? 0 : a[i].length) + " entries, expected " + k);
            }
            for (int j = 0; j < k; j++) {
                if (!Double.isFinite(a[i][j])) {
                    throw new IllegalArgumentException("SymmetricEigen: entry (" + i + ", " + j
                            + ") is " + a[i][j]);
                }
                scale = Math.max(scale, Math.abs(a[i][j]));
            }
        }
        for (int i = 0; i < k; i++) {
            for (int j = 0; j < i; j++) {
                if (Math.abs(a[i][j] - a[j][i]) > 1e-8 * scale) {
                    throw new IllegalArgumentException("SymmetricEigen: matrix is not symmetric, entry ("
                            + i + ", " + j + ") = " + a[i][j] + " but (" + j + ", " + i + ") = " + a[j][i]);
                }
            }
        }
        return k;
    }
}
