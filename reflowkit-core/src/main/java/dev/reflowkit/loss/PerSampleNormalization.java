package dev.reflowkit.loss;

import ai.djl.ndarray.NDArray;
import java.util.Locale;

/**
 * Simple ReFlow's loss normalization (spec section 4, item 1): the per-sample weight
 *
 * <pre>
 *   w_i = 1 / (sg[l_i] + eps)
 * </pre>
 *
 * where {@code sg} stops the gradient. The weighted loss then has the gradient of {@code log(l_i
 * + eps)}: {@code grad (w_i l_i) = grad l_i / (l_i + eps) = grad log(l_i + eps)}, so every sample
 * contributes a relative rather than absolute improvement, whatever the scale of its loss (which
 * for ReFlow varies by orders of magnitude over {@code t}). The value of the weighted loss is
 * about 1 whatever the model: log the unweighted loss to see progress.
 *
 * <p>Where it keeps the flow-matching minimizer: {@code 1/sg[l_i]} is the paper's {@code
 * 1/sg[L(theta; x_t, t)]}, the expected loss given {@code (x_t, t)}, only when the coupling is
 * deterministic given {@code x_t} (backward ReFlow pairs). Otherwise it weights the targets of one
 * {@code x_t} unequally and pulls the minimiser toward their conditional mode: for targets 0 with
 * probability 0.7 and 3 with probability 0.3 the weighted loss is minimised at 0.00014 (eps =
 * 1e-3) instead of the mean 0.9. So teacher runs refuse it and mixed or projected stores warn
 * ({@code FlowTraining}); {@link TimeBinEmaNormalization} depends on {@code t} only and is always
 * covered.
 *
 * <p>{@code eps} is ours (the paper's is unknown; the spec asks for a small configurable one):
 * default {@code 1e-3}, small against the per-element MSE of unit-variance data, and it caps the
 * weight at {@code 1/eps = 1000} so that a sample whose loss is almost zero is not amplified
 * without bound. {@code eps = 0} gives the exact {@code grad log l_i}.
 */
public final class PerSampleNormalization implements LossWeight {

    /** Default offset {@code eps}. */
    public static final double DEFAULT_EPS = 1e-3;

    private final double eps;

    private PerSampleNormalization(Builder builder) {
        this.eps = builder.eps;
    }

    /**
     * A builder; {@code eps} defaults to {@code 1e-3}.
     *
     * @return a new builder
     */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * The offset {@code eps}.
     *
     * @return {@code eps}
     */
    public double eps() {
        return eps;
    }

    @Override
    public NDArray weight(NDArray perSampleLoss, NDArray t) {
        NDArray detached = perSampleLoss.stopGradient();
        NDArray one = Tensors.constant(detached, 1.0);
        return one.div(detached.add(Tensors.constant(detached, eps))).stopGradient();
    }

    @Override
    public String name() {
        return String.format(Locale.ROOT, "per-sample(eps=%s)", eps);
    }

    @Override
    public String toString() {
        return name();
    }

    /** Builder for {@link PerSampleNormalization}. */
    public static final class Builder {

        private double eps = DEFAULT_EPS;

        private Builder() {}

        /**
         * Sets the offset {@code eps} added to the detached loss.
         *
         * @param eps finite and {@code >= 0}; default {@code 1e-3}
         * @return this builder
         */
        public Builder optEps(double eps) {
            if (!(eps >= 0.0) || Double.isInfinite(eps)) {
                throw new IllegalArgumentException(
                        "per-sample normalization eps must be finite and >= 0, got " + eps);
            }
            this.eps = eps;
            return this;
        }

        /**
         * Builds the weight.
         *
         * @return the weight
         */
        public PerSampleNormalization build() {
            return new PerSampleNormalization(this);
        }
    }
}
