package dev.reflowkit.solver.grid;

/**
 * Equally spaced times: {@code g(u) = 1 - u}, i.e. {@code p_i = start + (end - start) i / steps}.
 */
public final class UniformGrid extends ShapedGrid {

    /** The grid's name, {@value}. */
    public static final String NAME = "uniform";

    /** Creates the uniform grid (it has no parameters). */
    public UniformGrid() {}

    /** {@inheritDoc} */
    @Override
    public double shape(double u) {
        return 1 - u;
    }

    /** {@inheritDoc} */
    @Override
    public String name() {
        return NAME;
    }
}
