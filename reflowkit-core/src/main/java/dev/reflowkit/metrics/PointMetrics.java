package dev.reflowkit.metrics;

import dev.reflowkit.data.PointSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Scores a point sample against reference data with exact W2, the energy distance and RBF MMD^2,
 * and computes the data-vs-data floor: the same metrics between two independent data samples of
 * the sample's size, the value a perfect model would get.
 *
 * <p>The MMD bandwidth is fixed when the metrics are built (a number, or the median heuristic on
 * one reference set), so model scores and floors use the same kernel.
 *
 * <pre>
 *   PointMetrics metrics = PointMetrics.builder().setMmdMedianBandwidth(data).build();
^ *   Map<String, Double> model = metrics.evaluate(sample, heldOut);
 *   Map<String, Double> floor = metrics.floor(dataA, dataB);
 * </pre>
 */
public final class PointMetrics implements SampleMetrics {

    private static final List<String> NAMES = List.of("w2", "energy", "mmd");

    private final RbfMmd mmd;
    private final int w2Points;

    private PointMetrics(Builder builder) {
        this.mmd = RbfMmd.builder()
                .setBandwidth(builder.mmdBandwidth)
                .optEstimator(builder.mmdEstimator)
                .build();
        this.w2Points = builder.w2Points;
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
     * All three metrics between a sample and the reference data.
     *
     * @param sample the sample, e.g. model output
     * @param reference the reference data, same dimension; same size unless
     *     {@link Builder#optW2Points} is set (the exact W2 matches points one to one)
     * @return {@code w2}, {@code energy} and {@code mmd} (MMD^2), in that order
     * @throws IllegalArgumentException if the sets cannot be compared (see each metric)
     */
    @Override
    public List<String> names() {
        return NAMES;
    }

    @Override
    public Map<String, Double> evaluate(PointSet sample, PointSet reference) {
        PointSet wa = sample;
        PointSet wb = reference;
        if (w2Points > 0) {
            if (sample.n() < w2Points || reference.n() < w2Points) {
                throw new IllegalArgumentException(
                        "W2 is set to use " + w2Points + " points but the sets have " + sample.n()
                                + " and " + reference.n());
            }
            wa = sample.head(w2Points);
            wb = reference.head(w2Points);
        }
        Map<String, Double> out = new LinkedHashMap<>();
        out.put("w2", Wasserstein2.exact(wa, wb));
        out.put("energy", EnergyDistance.compute(sample, reference));
        out.put("mmd", mmd.compute(sample, reference));
        return out;
    }

    /**
     * The MMD bandwidth in use.
     *
     * @return sigma
     */
    public double mmdBandwidth() {
        return mmd.bandwidth();
    }

    /**
     * Builder for {@link PointMetrics}: an MMD bandwidth is required (fixed, or the median
     * heuristic on a reference set; the last setter wins).
     */
    public static final class Builder {
        private double mmdBandwidth = Double.NaN;
        private RbfMmd.Estimator mmdEstimator = RbfMmd.Estimator.UNBIASED;
        private int w2Points;

        private Builder() {}

        /**
         * Sets a fixed MMD kernel bandwidth.
         *
         * @param sigma the bandwidth, finite and {@code > 0}
         * @return this builder
         */
        public Builder setMmdBandwidth(double sigma) {
            if (!(sigma > 0) || !Double.isFinite(sigma)) {
                throw new IllegalArgumentException(
                        "MMD bandwidth must be finite and > 0, got " + sigma);
            }
            this.mmdBandwidth = sigma;
            return this;
        }

        /**
         * Sets the MMD bandwidth by the median heuristic on a reference set (usually the data),
         * computed now and used for every later evaluation and floor.
         *
         * @param reference the reference set, at least two points
         * @return this builder
         * @see RbfMmd#medianBandwidth(PointSet)
         */
        public Builder setMmdMedianBandwidth(PointSet reference) {
            this.mmdBandwidth = RbfMmd.medianBandwidth(reference);
            return this;
        }

        /**
         * Sets the MMD estimator; unbiased by default.
         *
         * @param estimator the estimator
         * @return this builder
         */
        public Builder optMmdEstimator(RbfMmd.Estimator estimator) {
            if (estimator == null) {
                throw new IllegalArgumentException("MMD estimator must not be null");
            }
            this.mmdEstimator = estimator;
            return this;
        }

        /**
         * Makes W2 use only the first {@code count} points of the sample and of the reference
         * (exact W2 costs {@code O(n^3)}); by default it uses all points and needs equal sizes.
         * Energy distance and MMD always use all points.
         *
         * @param count points for W2, {@code >= 1}
         * @return this builder
         */
        public Builder optW2Points(int count) {
            if (count < 1) {
                throw new IllegalArgumentException("W2 point count must be >= 1, got " + count);
            }
            this.w2Points = count;
            return this;
        }

        /**
         * Builds the metrics.
         *
         * @return the metrics
         * @throws IllegalStateException if no MMD bandwidth was set
         */
        public PointMetrics build() {
            if (Double.isNaN(mmdBandwidth)) {
                throw new IllegalStateException(
                        "no MMD bandwidth set; call setMmdBandwidth(sigma) or "
                                + "setMmdMedianBandwidth(referenceData)");
            }
            return new PointMetrics(this);
        }
    }
}
