package dev.reflowkit.solver.grid;

/**
 * The uniform grid with its times shifted toward the noise end (the time shift of Stable Diffusion
 * 3, Esser et al. 2024): for the uniform time {@code tau = 1 - u},
 *
 * <pre>
 *   g(u) = s tau / (1 + (s - 1) tau)
 * </pre>
 *
 * so {@code g(0) = 1}, {@code g(1) = 0} and, for a shift {@code s > 1}, small steps near t = 1 and
 * large ones toward the data: with s = 3 the uniform 0.75, 0.5, 0.25 become 0.9, 0.75, 0.5. The grids
 * that {@code reflow tune-grid} found for ReFlow models on MNIST have this shape (docs/RESULTS.md).
 * {@code s = 1} is the uniform grid.
 */
public final class ShiftedGrid extends ShapedGrid {

    /** The grid's name, {@value}. */
    public static final String NAME = "shifted";

    /** The default shift. */
    public static final double DEFAULT_SHIFT = 3;

    private final double shift;

    private ShiftedGrid(Builder builder) {
        shift = builder.shift;
        if (!(shift > 0) || !Double.isFinite(shift)) {
            throw new IllegalArgumentException("shifted grid needs a finite shift > 0, got " + shift);
        }
    }

    /**
     * A builder with the default shift 3.
     *
     * @return the builder
     */
    public static Builder builder() {
        return new Builder();
    }

    /** {@inheritDoc} */
    @Override
    public double shape(double u) {
        double tau = 1 - u;
        return shift * tau / (1 + (shift - 1) * tau);
    }

    /** {@inheritDoc} */
    @Override
    public String name() {
        return NAME;
    }

    /**
     * The shift {@code s}.
     *
     * @return s
     */
    public double shift() {
        return shift;
    }

    @Override
    public String toString() {
        return NAME + "(shift=" + shift + ")";
    }

    /** Builds a {@link ShiftedGrid}. */
    public static final class Builder {

        private double shift = DEFAULT_SHIFT;

        private Builder() {}

        /**
         * Sets the shift (default 3).
         *
         * @param shift finite and > 0; 1 is the uniform grid
         * @return this builder
         */
        public Builder optShift(double shift) {
            this.shift = shift;
            return this;
        }

        /**
         * Builds the grid.
         *
         * @return the grid
         */
        public ShiftedGrid build() {
            return new ShiftedGrid(this);
        }
    }
}
