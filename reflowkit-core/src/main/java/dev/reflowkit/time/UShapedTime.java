package dev.reflowkit.time;

import java.util.Locale;
import java.util.random.RandomGenerator;

/**
 * The U-shaped time distribution of Lee et al. 2024 ("Improving the training of rectified flows"),
 * {@code p(t) ∝ cosh(a (t - 1/2))} on {@code [0, 1]}, which puts more mass at both ends.
 *
 * <p>Density and exact inverse-CDF sampler, {@code u ~ U(0, 1)}:
 *
 * <pre>
 *   p(t) = a cosh(a (t - 1/2)) / (2 sinh(a / 2))
 *   F(t) = (sinh(a (t - 1/2)) + sinh(a / 2)) / (2 sinh(a / 2))
 *   t    = 1/2 + asinh((2u - 1) sinh(a / 2)) / a
 * </pre>
 *
 * <p>{@code a = 4} is Lee et al.'s value and the default; {@code a = 0} is uniform.
 */
public final class UShapedTime implements TimeDistribution {

    /** Lee et al.'s concentration. */
    public static final double DEFAULT_A = 4.0;

    private final double a;
    private final double sinhHalfA;

    private UShapedTime(Builder builder) {
        this.a = builder.a;
        this.sinhHalfA = Math.sinh(a / 2.0);
    }

    /**
     * A builder; {@code a} defaults to 4.
     *
     * @return a new builder
     */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * The concentration {@code a}.
     *
     * @return {@code a}
     */
    public double a() {
        return a;
    }

    @Override
    public double sample(RandomGenerator rng) {
        double u = rng.nextDouble();
        if (a == 0.0) {
            return u;
        }
        double t = 0.5 + asinh((2.0 * u - 1.0) * sinhHalfA) / a;
        return Math.min(Math.max(t, 0.0), 1.0);
    }

    @Override
    public double density(double t) {
        if (!(t >= 0.0 && t <= 1.0)) {
            return 0.0;
        }
        if (a == 0.0) {
            return 1.0;
        }
        return a * Math.cosh(a * (t - 0.5)) / (2.0 * sinhHalfA);
    }

    @Override
    public String name() {
        return String.format(Locale.ROOT, "u-shaped(a=%s)", a);
    }

    @Override
    public String toString() {
        return name();
    }

    /** The inverse hyperbolic sine, {@code asinh(x) = sign(x) ln(|x| + sqrt(x^2 + 1))}. */
    static double asinh(double x) {
        double ax = Math.abs(x);
        double r = Math.log(ax + Math.sqrt(ax * ax + 1.0));
        return x < 0 ? -r : r;
    }

    /** Builder for {@link UShapedTime}. */
    public static final class Builder {

        private double a = DEFAULT_A;

        private Builder() {}

        /**
         * Sets the concentration {@code a} of {@code p(t) ∝ cosh(a (t - 1/2))}.
         *
         * @param a the concentration, finite and {@code >= 0} (at most 700, where cosh
         *     overflows); default 4
         * @return this builder
         */
        public Builder optA(double a) {
            if (!(a >= 0.0 && a <= 700.0)) {
                throw new IllegalArgumentException(
                        "u-shaped time concentration a must be in [0, 700], got " + a);
            }
            this.a = a;
            return this;
        }

        /**
         * Builds the distribution.
         *
         * @return the distribution
         */
        public UShapedTime build() {
            return new UShapedTime(this);
        }
    }
}
