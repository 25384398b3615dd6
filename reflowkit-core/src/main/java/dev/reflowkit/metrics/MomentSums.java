package dev.reflowkit.metrics;

import java.io.Serializable;
import java.util.Arrays;

/**
 * Mergeable first and second moments of rows: the statistics that the parts of a distributed
 * evaluation reduce, from which the {@link GaussianStats} of all rows (and so a Fréchet distance)
 * follow.
 *
 * <p>For the rows seen, it keeps {@code n}, a shift {@code c} (the first row seen, for numerical
 * stability), {@code s = sum_i (x_i - c)} and {@code Q = sum_i (x_i - c)(x_i - c)^T}, in double
 * precision. Then {@code mu = c + s / n} and the unbiased covariance is
 * {@code (Q - s s^T / n) / (n - 1)}. Merging re-centres the other part's sums on this part's
 * shift, so parts may be reduced in any order and grouping; the result then agrees with one pass
 * over all rows to double-precision rounding (not bit for bit).
 */
public final class MomentSums implements Serializable {

    private static final long serialVersionUID = 1L;

    private final int dim;
    private long n;
    private double[] shift;
    private final double[] sum;
    private final double[] outer;

    /**
     * Empty sums for rows of a dimension.
     *
     * @param dim the row length, at least 1
     */
    public MomentSums(int dim) {
        if (dim < 1) {
            throw new IllegalArgumentException("MomentSums: dimension must be >= 1, got " + dim);
        }
        this.dim = dim;
        this.sum = new double[dim];
        this.outer = new double[dim * dim];
    }

    /**
     * Adds rows stored one after the other.
     *
     * @param rows {@code count x dim} values, row-major, finite
     * @return this
     * @throws IllegalArgumentException if the length is not a multiple of the dimension or a value
     *     is not finite
     */
    public MomentSums add(float[] rows) {
        if (rows.length % dim != 0) {
            throw new IllegalArgumentException("MomentSums: " + rows.length + " values are not rows of " + dim);
        }
        double[] d = new double[dim];
        for (int r = 0; r < rows.length; r += dim) {
            if (shift == null) {
                shift = new double[dim];
                for (int j = 0; j < dim; j++) {
                    shift[j] = rows[r + j];
                }
            }
            for (int j = 0; j < dim; j++) {
                float v = rows[r + j];
                if (!Float.isFinite(v)) {
                    throw new IllegalArgumentException("MomentSums: non-finite value " + v + " in row " + (r / dim));
                }
                d[j] = v - shift[j];
                sum[j] += d[j];
            }
            for (int i = 0; i < dim; i++) {
                double di = d[i];
                int base = i * dim;
                for (int j = 0; j < dim; j++) {
                    outer[base + j] += di * d[j];
                }
            }
            n++;
        }
        return this;
    }

    /**
     * Adds another part's sums to these.
     *
     * @param other sums of rows of the same dimension
     * @return this
     * @throws IllegalArgumentException if the dimensions differ
     */
    public MomentSums merge(MomentSums other) {
        if (other.dim != dim) {
            throw new IllegalArgumentException("MomentSums: cannot merge dimension " + other.dim + " into " + dim);
        }
        if (other.n == 0) {
            return this;
        }
        if (n == 0) {
            shift = other.shift.clone();
        }
        // other's rows relative to our shift: d' = d + delta, delta = other.shift - shift
        double[] delta = new double[dim];
        for (int j = 0; j < dim; j++) {
            delta[j] = other.shift[j] - shift[j];
        }
        for (int i = 0; i < dim; i++) {
            for (int j = 0; j < dim; j++) {
                outer[i * dim + j] += other.outer[i * dim + j] + delta[i] * other.sum[j] + other.sum[i] * delta[j]
                        + other.n * delta[i] * delta[j];
            }
        }
        for (int j = 0; j < dim; j++) {
            sum[j] += other.sum[j] + other.n * delta[j];
        }
        n += other.n;
        return this;
    }

    /**
     * The number of rows added.
     *
     * @return n
     */
    public long count() {
        return n;
    }

    /**
     * The mean and unbiased covariance of the rows added.
     *
     * @return the statistics
     * @throws IllegalStateException if fewer than 2 rows were added
     */
    public GaussianStats toGaussian() {
        if (n < 2) {
            throw new IllegalStateException("MomentSums: need at least 2 rows, have " + n);
        }
        double[] mean = new double[dim];
        for (int j = 0; j < dim; j++) {
            mean[j] = shift[j] + sum[j] / n;
        }
        double[][] cov = new double[dim][dim];
        for (int i = 0; i < dim; i++) {
            for (int j = 0; j < dim; j++) {
                cov[i][j] = (outer[i * dim + j] - sum[i] * sum[j] / n) / (n - 1);
            }
        }
        return new GaussianStats(mean, cov, Math.toIntExact(n));
    }

    @Override
    public String toString() {
        return "MomentSums(n=" + n + ", dim=" + dim + ", shift=" + Arrays.toString(shift) + ")";
    }
}
