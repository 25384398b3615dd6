package dev.reflowkit.time;

import java.util.Locale;
import java.util.random.RandomGenerator;

/**
 * The exponential time distribution {@code p(t) ∝ b^t} on {@code [0, 1]}; with {@code b = 10} it
 * is Simple ReFlow's {@code 10^t} (spec section 4, item 2), which puts more mass near the noise end.
 *
 * <p>Density and exact inverse-CDF sampler, {@code u ~ U(0, 1)}:
 *
 * <pre>
 *   p(t) = ln(b) b^t / (b - 1)
 *   F(t) = (b^t - 1) / (b - 1)
 *   t    = log_b(1 + (b - 1) u)
 *   E[t] = b / (b - 1) - 1 / ln(b)        (about 0.6768 for b = 10)
 * </pre>
 *
 * <p>Any base {@code b > 0} is allowed: {@code b < 1} favours the data end, {@code b = 1} is
 * uniform.
 */
public final class ExponentialTime implements TimeDistribution {

    /** The base of Simple ReFlow's time distribution. */
    public static final double SIMPLE_REFLOW_BASE = 10.0;

    private final double base;
    private final double logBase;
    private final boolean uniform;

    private ExponentialTime(Builder builder) {
        this.base = builder.base;
        this.logBase = Math.log(base);
        this.uniform = Math.abs(logBase) < 1e-12;
    }

    /**
     * Simple ReFlow's distribution, {@code p(t) ∝ 10^t}.
     *
     * @return the distribution with base 10
     */
    public static ExponentialTime simpleReflow() {
        return builder().build();
    }

    /**
     * A builder; the base defaults to 10.
     *
     * @return a new builder
     */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * The base {@code b}.
     *
     * @return the base
     */
    public double base() {
        return base;
    }

    /**
     * The exact mean {@code b / (b - 1) - 1 / ln(b)} (1/2 for {@code b = 1}).
     *
     * @return the mean of {@code t}
     */
    public double mean() {
        return uniform ? 0.5 : base / (base - 1.0) - 1.0 / logBase;
    }

    @Override
    public double sample(RandomGenerator rng) {
        double u = rng.nextDouble();
        if (uniform) {
            return u;
        }
        double t = Math.log1p((base - 1.0) * u) / logBase;
        return Math.min(Math.max(t, 0.0), 1.0);
    }

    @Override
    public double density(double t) {
        if (!(t >= 0.0 && t <= 1.0)) {
            return 0.0;
        }
        if (uniform) {
            return 1.0;
        }
        return logBase * Math.exp(logBase * t) / (base - 1.0);
    }

    @Override
    public String name() {
        return String.format(Locale.ROOT, "exponential(b=%s)", base);
    }

    @Override
    public String toString() {
        return name();
    }

    /** Builder for {@link ExponentialTime}. */
    public static final class Builder {

        private double base = SIMPLE_REFLOW_BASE;

        private Builder() {}

        /**
         * Sets the base {@code b} of {@code p(t) ∝ b^t}.
         *
         * @param base the base, finite and {@code > 0}; default 10
         * @return this builder
         */
        public Builder optBase(double base) {
            if (!(base > 0.0) || Double.isInfinite(base)) {
                throw new IllegalArgumentException(
                        "exponential time base must be finite and > 0, got " + base);
            }
            this.base = base;
            return this;
        }

        /**
         * Builds the distribution.
         *
         * @return the distribution
         */
        public ExponentialTime build() {
            return new ExponentialTime(this);
        }
    }
}
