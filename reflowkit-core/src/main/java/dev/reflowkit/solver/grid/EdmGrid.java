package dev.reflowkit.solver.grid;

/**
 * The EDM rho-schedule (Karras et al. 2022, "Elucidating the Design Space of Diffusion-Based
 * Generative Models", eq. 5) converted to our time by {@code t = sigma / (1 + sigma)}.
 *
 * <p>Shape, for {@code u in [0, 1]}:
 *
 * <pre>
 *   sigma(u) = ( smax^(1/rho) + u (smin^(1/rho) - smax^(1/rho)) )^rho
 *   T(u)     = sigma(u) / (1 + sigma(u))
 *   g(u)     = (T(u) - T(1)) / (T(0) - T(1))
 * </pre>
 *
 * The normalization makes the ends map exactly ({@code g(0) = 1}, {@code g(1) = 0}); see {@link
 * ShapedGrid} for how {@code g} is placed on {@code [end, start]}. On {@code 1 -> 0} the interior
 * points are therefore an affine rescaling of EDM's times that stretches {@code [T(1), T(0)] =
 * [0.002/1.002, 80/81]} onto {@code [0, 1]}. (EDM's own sampler instead runs {@code N} points from
 * {@code smax} to {@code smin} and appends {@code sigma = 0}. That schedule cannot be reproduced
 * exactly here: a sampling plan always starts at t = 1 with unit-variance noise, while EDM's
 * starts at {@code t = 80/81} with noise of standard deviation 80, i.e. {@code x_t} of standard
 * deviation {@code sqrt((1/81)^2 + (80/81)^2)}. A {@link CustomGrid} can give the interior times,
 * not that start.) In {@code t} the default schedule takes small steps at both ends (with 10 steps
 * the first is 0.009 and the last 0.015 of the interval, the middle ones about 0.25, since
 * {@code t = sigma / (1 + sigma)} saturates at large sigma); a smaller {@code rho} moves steps
 * toward the noise end.
 */
public final class EdmGrid extends ShapedGrid {

    /** The grid's name, {@value}. */
    public static final String NAME = "edm";

    private final double sigmaMin;
    private final double sigmaMax;
    private final double rho;
    private final double tLo;
    private final double tHi;

    private EdmGrid(Builder builder) {
        sigmaMin = builder.sigmaMin;
        sigmaMax = builder.sigmaMax;
        rho = builder.rho;
        if (!(sigmaMin > 0) || !Double.isFinite(sigmaMin)) {
            throw new IllegalArgumentException("edm grid needs sigmaMin > 0, got " + sigmaMin);
        }
        if (!(sigmaMax > sigmaMin) || !Double.isFinite(sigmaMax)) {
            throw new IllegalArgumentException(
                    "edm grid needs finite sigmaMax > sigmaMin = " + sigmaMin + ", got "
                            + sigmaMax);
        }
        if (!(rho > 0) || !Double.isFinite(rho)) {
            throw new IllegalArgumentException("edm grid needs rho > 0, got " + rho);
        }
        tLo = sigmaMin / (1 + sigmaMin);
        tHi = sigmaMax / (1 + sigmaMax);
    }

    /**
     * A builder with EDM's defaults ({@code sigmaMin = 0.002}, {@code sigmaMax = 80},
     * {@code rho = 7}).
     *
     * @return a new builder
     */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * The EDM sigma at {@code u}: {@code (smax^(1/rho) + u (smin^(1/rho) - smax^(1/rho)))^rho}.
     *
     * @param u in {@code [0, 1]}
     * @return sigma, from {@code sigmaMax} at 0 to {@code sigmaMin} at 1
     */
    public double sigma(double u) {
        double a = Math.pow(sigmaMax, 1 / rho);
        double b = Math.pow(sigmaMin, 1 / rho);
        return Math.pow(a + u * (b - a), rho);
    }

    /** {@inheritDoc} */
    @Override
    public double shape(double u) {
        double s = sigma(u);
        double t = s / (1 + s);
        return (t - tLo) / (tHi - tLo);
    }

    /** {@inheritDoc} */
    @Override
    public String name() {
        return NAME;
    }

    /**
     * The smallest sigma.
     *
     * @return sigmaMin
     */
    public double getSigmaMin() {
        return sigmaMin;
    }

    /**
     * The largest sigma.
     *
     * @return sigmaMax
     */
    public double getSigmaMax() {
        return sigmaMax;
    }

    /**
     * The schedule exponent.
     *
     * @return rho
     */
    public double getRho() {
        return rho;
    }

    @Override
    public String toString() {
        return NAME + "(sigmaMin=" + sigmaMin + ", sigmaMax=" + sigmaMax + ", rho=" + rho + ")";
    }

    /** Builds an {@link EdmGrid}. */
    public static final class Builder {

        private double sigmaMin = 0.002;
        private double sigmaMax = 80;
        private double rho = 7;

        private Builder() {}

        /**
         * Sets the smallest sigma (default 0.002).
         *
         * @param sigmaMin a positive value
         * @return this builder
         */
        public Builder optSigmaMin(double sigmaMin) {
            this.sigmaMin = sigmaMin;
            return this;
        }

        /**
         * Sets the largest sigma (default 80).
         *
         * @param sigmaMax a value above sigmaMin
         * @return this builder
         */
        public Builder optSigmaMax(double sigmaMax) {
            this.sigmaMax = sigmaMax;
            return this;
        }

        /**
         * Sets the schedule exponent rho (default 7).
         *
         * @param rho a positive value
         * @return this builder
         */
        public Builder optRho(double rho) {
            this.rho = rho;
            return this;
        }

        /**
         * Builds the grid.
         *
         * @return the grid
         * @throws IllegalArgumentException if a parameter is out of range
         */
        public EdmGrid build() {
            return new EdmGrid(this);
        }
    }
}
