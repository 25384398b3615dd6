package dev.reflowkit.loss;

import ai.djl.ndarray.NDArray;
import java.util.Locale;

/**
 * The pseudo-Huber loss per sample: {@code l_i = sqrt(||e_i||^2 + c^2) - c}, with the Euclidean
 * norm over all non-batch elements (Song and Dhariwal 2023; Lee et al. 2024).
 *
 * <p>The default constant is {@code c = 0.00054 sqrt(d)}, {@code d} the number of elements per
 * sample: the norm of a d-dimensional error grows like {@code sqrt(d)}, so {@code c} must too
 * (scaling it with {@code d}, as in rfpp issue #1, is a known bug). {@code c} can be fixed instead.
 *
 * <p><b>Not theory-compatible.</b> Pseudo-Huber is not {@code ||phi(e)||^2} for an invertible
 * linear {@code phi}, so Proposition 1 (spec section 3) does not apply: its minimizer is in
 * general not the flow-matching minimizer (a median-like rather than a mean velocity). It is
 * provided for baselines and ablations only.
 */
public final class PseudoHuberLoss implements VelocityLoss {

    /** The factor of {@code sqrt(d)} in the default constant. */
    public static final double DEFAULT_C_PER_SQRT_D = 0.00054;

    private final double fixedC;

    private PseudoHuberLoss(Builder builder) {
        this.fixedC = builder.c;
    }

    /**
     * A builder; the constant defaults to {@code 0.00054 sqrt(d)}.
     *
     * @return a new builder
     */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * The constant used for samples of {@code d} elements.
     *
     * @param d the number of elements per sample
     * @return {@code c}
     */
    public double constantFor(long d) {
        return Double.isNaN(fixedC) ? DEFAULT_C_PER_SQRT_D * Math.sqrt(d) : fixedC;
    }

    @Override
    public NDArray perSample(NDArray error) {
        NDArray flat = Tensors.flattenSamples(error, "velocity error");
        double c = constantFor(flat.getShape().get(1));
        NDArray squaredNorm = flat.square().sum(new int[] {1});
        return squaredNorm
                .add(Tensors.constant(squaredNorm, c * c))
                .sqrt()
                .sub(Tensors.constant(squaredNorm, c));
    }

    @Override
    public String name() {
        return Double.isNaN(fixedC)
                ? "pseudo-huber(c=0.00054*sqrt(d))"
                : String.format(Locale.ROOT, "pseudo-huber(c=%s)", fixedC);
    }

    @Override
    public String toString() {
        return name();
    }

    /** Builder for {@link PseudoHuberLoss}. */
    public static final class Builder {

        private double c = Double.NaN;

        private Builder() {}

        /**
         * Fixes the constant {@code c} instead of {@code 0.00054 sqrt(d)}.
         *
         * @param c the constant, finite and {@code > 0}
         * @return this builder
         */
        public Builder optC(double c) {
            if (!(c > 0.0) || Double.isInfinite(c)) {
                throw new IllegalArgumentException(
                        "pseudo-Huber constant c must be finite and > 0, got " + c);
            }
            this.c = c;
            return this;
        }

        /**
         * Builds the loss.
         *
         * @return the loss
         */
        public PseudoHuberLoss build() {
            return new PseudoHuberLoss(this);
        }
    }
}
