package dev.reflowkit.loss;

import ai.djl.ndarray.NDArray;
import java.util.Locale;

/**
 * A fixed per-time weight {@code w(t) = (t + eps)^p}: a function of the time only, the same for
 * every sample at that time and constant over training.
 *
 * <p>{@code p < 0} up-weights the data end ({@code t -> 0}), {@code p > 0} the noise end; {@code
 * eps > 0} keeps the weight finite and positive at {@code t = 0} (required when {@code p < 0}).
 * Combined with a time distribution {@code p_T(t)}, it is equivalent in expectation to sampling
 * times from {@code p_T(t) w(t)} (normalized), so it is a cheap way to reshape the time emphasis
 * without changing the sampler. Our option, for ablations.
 */
public final class TimePowerWeight implements LossWeight {

    /** Default offset {@code eps}. */
    public static final double DEFAULT_EPS = 1e-3;

    private final double power;
    private final double eps;

    private TimePowerWeight(Builder builder) {
        this.power = builder.power;
        this.eps = builder.eps;
    }

    /**
     * A builder; the power is required, {@code eps} defaults to {@code 1e-3}.
     *
     * @return a new builder
     */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * The exponent {@code p}.
     *
     * @return {@code p}
     */
    public double power() {
        return power;
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
        long n = perSampleLoss.getShape().get(0);
        NDArray time = Tensors.perSampleVector(t, n, "time").stopGradient();
        if (time.getDataType() != perSampleLoss.getDataType()) {
            time = time.toType(perSampleLoss.getDataType(), false);
        }
        return time.add(Tensors.constant(time, eps))
                .pow(Tensors.constant(time, power))
                .stopGradient();
    }

    @Override
    public String name() {
        return String.format(Locale.ROOT, "time-power(p=%s,eps=%s)", power, eps);
    }

    @Override
    public String toString() {
        return name();
    }

    /** Builder for {@link TimePowerWeight}. */
    public static final class Builder {

        private double power = Double.NaN;
        private double eps = DEFAULT_EPS;

        private Builder() {}

        /**
         * Sets the exponent {@code p} (required).
         *
         * @param power a finite value
         * @return this builder
         */
        public Builder setPower(double power) {
            if (!Double.isFinite(power)) {
                throw new IllegalArgumentException("time-power exponent must be finite, got " + power);
            }
            this.power = power;
            return this;
        }

        /**
         * Sets the offset {@code eps}.
         *
         * @param eps finite and {@code >= 0}; default {@code 1e-3}
         * @return this builder
         */
        public Builder optEps(double eps) {
            if (!(eps >= 0.0) || Double.isInfinite(eps)) {
                throw new IllegalArgumentException(
                        "time-power eps must be finite and >= 0, got " + eps);
            }
            this.eps = eps;
            return this;
        }

        /**
         * Builds the weight.
         *
         * @return the weight
         * @throws IllegalStateException if the power was not set, or {@code p < 0} with {@code eps
         *     = 0} (infinite weight at {@code t = 0})
         */
        public TimePowerWeight build() {
            if (Double.isNaN(power)) {
                throw new IllegalStateException("time-power weight needs setPower(p)");
            }
            if (power < 0.0 && eps == 0.0) {
                throw new IllegalStateException(
                        "time-power weight with negative power " + power
                                + " needs eps > 0 (infinite weight at t = 0)");
            }
            return new TimePowerWeight(this);
        }
    }
}
