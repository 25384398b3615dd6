package dev.reflowkit.metrics;

import dev.reflowkit.data.PointSet;
import java.util.Arrays;

/**
 * The squared maximum mean discrepancy (MMD) between two samples with a Gaussian RBF kernel
 * (Gretton et al., "A Kernel Two-Sample Test", JMLR 2012).
 *
 * <p>Kernel {@code k(x, y) = exp(-||x - y||^2 / (2 sigma^2))}. For samples {@code a} (size
 * {@code n}) and {@code b} (size {@code m}) the default unbiased U-statistic is
 *
 * <pre>
 *   MMD_u^2 = 1/(n(n-1)) sum_{i != j} k(a_i, a_j) + 1/(m(m-1)) sum_{i != j} k(b_i, b_j)
 *             - 2/(n m) sum_{i, j} k(a_i, b_j)
 * </pre>
 *
 * <p>whose expectation is the population MMD^2: it is near 0 (and may be slightly negative) for two
 * samples of one distribution. {@link Estimator#BIASED} gives the V-statistic (sums over all
 * {@code i, j}, divided by {@code n^2} and {@code m^2}), which is {@code >= 0}.
 *
 * <p>The bandwidth {@code sigma} is either fixed ({@link Builder#setBandwidth}) or the median
 * heuristic {@code sigma = median_{i < j} ||r_i - r_j||} over a reference set
 * ({@link Builder#setMedianBandwidth}), computed once at build time, so that a model sample and a
 * data-vs-data floor are scored with the same kernel. {@code O((n + m)^2 d)} time.
 *
 * <pre>
 *   RbfMmd mmd = RbfMmd.builder().setMedianBandwidth(data).build();
 *   double value = mmd.compute(sample, data);
 * </pre>
 */
public final class RbfMmd {

    private static final String NAME = "RbfMmd";

    /** Which estimator of MMD^2 to compute. */
    public enum Estimator {
        /** The unbiased U-statistic (diagonal kernel terms excluded); may be slightly negative. */
        UNBIASED,
        /** The biased V-statistic (all pairs, diagonal included); always {@code >= 0}. */
        BIASED
    }

    private final double bandwidth;
    private final Estimator estimator;

    private RbfMmd(Builder builder) {
        this.bandwidth = builder.bandwidth;
        this.estimator = builder.estimator;
    }

    /**
     * Creates a builder.
     *
     * @return a new builder
     */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * The median heuristic: the median Euclidean distance over all pairs {@code i < j} of a
     * reference set (for an even number of pairs, the mean of the two middle values).
     *
     * @param reference at least two points, finite
     * @return the median pairwise distance, {@code > 0}
     * @throws IllegalArgumentException if the set has fewer than two points, a non-finite value,
     *     or a median distance of 0 (more than half the pairs coincide)
     */
    public static double medianBandwidth(PointSet reference) {
        Pairwise.checkUsable(NAME, "reference", reference, 2);
        int n = reference.n();
        int d = reference.d();
        float[] x = reference.data();
        long pairs = (long) n * (n - 1) / 2;
        if (pairs > Integer.MAX_VALUE - 8) {
            throw new IllegalArgumentException(
                    NAME + ": reference set of " + n + " points is too large for the median "
                            + "heuristic; subsample it first");
        }
        double[] dist2 = new double[(int) pairs];
        int k = 0;
        for (int i = 0; i < n; i++) {
            for (int j = i + 1; j < n; j++) {
                dist2[k++] = Pairwise.squaredDistance(x, i, x, j, d);
            }
        }
        Arrays.sort(dist2);
        int mid = dist2.length / 2;
        double median = dist2.length % 2 == 1
                ? Math.sqrt(dist2[mid])
                : 0.5 * (Math.sqrt(dist2[mid - 1]) + Math.sqrt(dist2[mid]));
        if (!(median > 0)) {
            throw new IllegalArgumentException(
                    NAME + ": median pairwise distance of the reference set is " + median
                            + "; set a fixed bandwidth instead");
        }
        return median;
    }

    /**
     * The squared MMD between two samples.
     *
     * @param a the first sample, {@code n} points ({@code n >= 2} for the unbiased estimator)
     * @param b the second sample, {@code m} points of the same dimension
     * @return the estimate of {@code MMD^2} defined in the class documentation
     * @throws IllegalArgumentException if dimensions differ, a sample is too small or has a
     *     non-finite value
     */
    public double compute(PointSet a, PointSet b) {
        Pairwise.checkComparable(NAME, a, b, estimator == Estimator.UNBIASED ? 2 : 1);
        double gamma = 1.0 / (2 * bandwidth * bandwidth);
        Pairwise.SquaredDistanceFunction k = s -> Math.exp(-gamma * s);
        double n = a.n();
        double m = b.n();
        double offA = Pairwise.withinSum(a, k);
        double offB = Pairwise.withinSum(b, k);
        double cross = Pairwise.crossSum(a, b, k) / (n * m);
        if (estimator == Estimator.UNBIASED) {
            return offA / (n * (n - 1)) + offB / (m * (m - 1)) - 2 * cross;
        }
        // k(x, x) = 1 on the diagonal.
        return Math.max(0, (offA + n) / (n * n) + (offB + m) / (m * m) - 2 * cross);
    }

    /**
     * The kernel bandwidth {@code sigma} in use.
     *
     * @return sigma
     */
    public double bandwidth() {
        return bandwidth;
    }

    /**
     * The estimator in use.
     *
     * @return the estimator
     */
    public Estimator estimator() {
        return estimator;
    }

    /** Builder for {@link RbfMmd}: exactly one bandwidth setter is required (the last one wins). */
    public static final class Builder {
        private double bandwidth = Double.NaN;
        private Estimator estimator = Estimator.UNBIASED;

        private Builder() {}

        /**
         * Sets a fixed kernel bandwidth.
         *
         * @param sigma the bandwidth, finite and {@code > 0}
         * @return this builder
         */
        public Builder setBandwidth(double sigma) {
            if (!(sigma > 0) || !Double.isFinite(sigma)) {
                throw new IllegalArgumentException(
                        NAME + ": bandwidth must be finite and > 0, got " + sigma);
            }
            this.bandwidth = sigma;
            return this;
        }

        /**
         * Sets the bandwidth by the median heuristic on a reference set, computed now.
         *
         * @param reference the reference set (usually the data), at least two points
         * @return this builder
         * @see RbfMmd#medianBandwidth(PointSet)
         */
        public Builder setMedianBandwidth(PointSet reference) {
            this.bandwidth = medianBandwidth(reference);
            return this;
        }

        /**
         * Sets the estimator; {@link Estimator#UNBIASED} by default.
         *
         * @param estimator the estimator
         * @return this builder
         */
        public Builder optEstimator(Estimator estimator) {
            if (estimator == null) {
                throw new IllegalArgumentException(NAME + ": estimator must not be null");
            }
            this.estimator = estimator;
            return this;
        }

        /**
         * Builds the metric.
         *
         * @return the metric
         * @throws IllegalStateException if no bandwidth was set
         */
        public RbfMmd build() {
            if (Double.isNaN(bandwidth)) {
                throw new IllegalStateException(
                        NAME + ": no bandwidth set; call setBandwidth(sigma) or "
                                + "setMedianBandwidth(referenceData)");
            }
            return new RbfMmd(this);
        }
    }
}
