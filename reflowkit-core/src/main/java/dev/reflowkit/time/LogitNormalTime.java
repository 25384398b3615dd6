package dev.reflowkit.time;

import java.util.Locale;
import java.util.random.RandomGenerator;

/**
 * The logit-normal time distribution: {@code t = sigmoid(m + s z)} with {@code z ~ N(0, 1)}
 * (Esser et al. 2024, used by Stable Diffusion 3), which puts more mass in the middle for
 * {@code m = 0}.
 *
 * <pre>
 *   p(t) = exp(-(logit(t) - m)^2 / (2 s^2)) / (s sqrt(2 pi) t (1 - t)),   0 &lt; t &lt; 1
 * </pre>
 */
public final class LogitNormalTime implements TimeDistribution {

    private static final double INV_SQRT_2PI = 1.0 / Math.sqrt(2.0 * Math.PI);

    private final double mean;
    private final double std;

    private LogitNormalTime(Builder builder) {
        this.mean = builder.mean;
        this.std = builder.std;
    }

    /**
     * A builder; mean 0 and std 1 by default.
     *
     * @return a new builder
     */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * The location {@code m} of the underlying normal.
     *
     * @return {@code m}
     */
    public double mean() {
        return mean;
    }

    /**
     * The scale {@code s} of the underlying normal.
     *
     * @return {@code s}
     */
    public double std() {
        return std;
    }

    @Override
    public double sample(RandomGenerator rng) {
        double x = mean + std * rng.nextGaussian();
        return x >= 0 ? 1.0 / (1.0 + Math.exp(-x)) : Math.exp(x) / (1.0 + Math.exp(x));
    }

    @Override
    public double density(double t) {
        if (!(t > 0.0 && t < 1.0)) {
            return 0.0;
        }
        double z = (Math.log(t) - Math.log1p(-t) - mean) / std;
        return INV_SQRT_2PI / std * Math.exp(-0.5 * z * z) / (t * (1.0 - t));
    }

    @Override
    public String name() {
        return String.format(Locale.ROOT, "logit-normal(m=%s,s=%s)", mean, std);
    }

    @Override
    public String toString() {
        return name();
    }

    /** Builder for {@link LogitNormalTime}. */
    public static final class Builder {

        private double mean;
        private double std = 1.0;

        private Builder() {}

        /**
         * Sets the location {@code m} of the underlying normal.
         *
         * @param mean a finite value; default 0
         * @return this builder
         */
        public Builder optMean(double mean) {
            if (!Double.isFinite(mean)) {
                throw new IllegalArgumentException("logit-normal mean must be finite, got " + mean);
            }
            this.mean = mean;
            return this;
        }

        /**
         * Sets the scale {@code s} of the underlying normal.
         *
         * @param std a finite value {@code > 0}; default 1
         * @return this builder
         */
        public Builder optStd(double std) {
            if (!(std > 0.0) || Double.isInfinite(std)) {
                throw new IllegalArgumentException(
                        "logit-normal std must be finite and > 0, got " + std);
            }
            this.std = std;
            return this;
        }

        /**
         * Builds the distribution.
         *
         * @return the distribution
         */
        public LogitNormalTime build() {
            return new LogitNormalTime(this);
        }
    }
}
