package dev.reflowkit.solver.grid;

/**
 * A logit-spaced grid: the logits of the (normalized) times are equally spaced on
 * {@code [-kappa/2, kappa/2]}, which puts more points near both ends of the interval.
 *
 * <p>Shape, for {@code u in [0, 1]}, with {@code T(u) = sigmoid(kappa (1/2 - u))}:
 *
 * <pre>
 *   g(u) = (T(u) - T(1)) / (T(0) - T(1))
 *        = (tanh(kappa (1/2 - u) / 2) + tanh(kappa / 4)) / (2 tanh(kappa / 4))
 * </pre>
 *
 * (the second form is the same function, computed without cancellation). {@code g} is symmetric,
 * {@code g(1/2) = 1/2}; {@code kappa -> 0} gives the uniform grid, and larger {@code kappa} packs
 * the points more tightly at both ends: the ratio of the end step to the middle step is about
 * {@code 1 / cosh^2(kappa / 4)}. The default {@code kappa = 3} makes the first and last steps about
 * 0.6 times the middle ones. See {@link ShapedGrid} for how {@code g} is placed on
 * {@code [end, start]}.
 */
public final class SigmoidGrid extends ShapedGrid {

    /** The grid's name, {@value}. */
    public static final String NAME = "sigmoid";

    /** The default steepness. */
    public static final double DEFAULT_KAPPA = 3;

    private final double kappa;
    private final double halfRange;

    private SigmoidGrid(Builder builder) {
        kappa = builder.kappa;
        if (!(kappa > 0) || !Double.isFinite(kappa)) {
            throw new IllegalArgumentException(
                    "sigmoid grid needs finite kappa > 0, got " + kappa
                            + " (use the uniform grid for kappa = 0)");
        }
        halfRange = Math.tanh(kappa / 4);
    }

    /**
     * A builder with {@code kappa = 3}.
     *
     * @return a new builder
     */
    public static Builder builder() {
        return new Builder();
    }

    /** {@inheritDoc} */
    @Override
    public double shape(double u) {
        return (Math.tanh(kappa * (0.5 - u) / 2) + halfRange) / (2 * halfRange);
    }

    /** {@inheritDoc} */
    @Override
    public String name() {
        return NAME;
    }

    /**
     * The steepness.
     *
     * @return kappa
     */
    public double getKappa() {
        return kappa;
    }

    @Override
    public String toString() {
        return NAME + "(kappa=" + kappa + ")";
    }

    /** Builds a {@link SigmoidGrid}. */
    public static final class Builder {

        private double kappa = DEFAULT_KAPPA;

        private Builder() {}

        /**
         * Sets the steepness (default 3): the logit range of the normalized times is
         * {@code [-kappa/2, kappa/2]}.
         *
         * @param kappa a positive value
         * @return this builder
         */
        public Builder optKappa(double kappa) {
            this.kappa = kappa;
            return this;
        }

        /**
         * Builds the grid.
         *
         * @return the grid
         * @throws IllegalArgumentException if kappa is not positive
         */
        public SigmoidGrid build() {
            return new SigmoidGrid(this);
        }
    }
}
