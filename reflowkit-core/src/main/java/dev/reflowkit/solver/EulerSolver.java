package dev.reflowkit.solver;

import ai.djl.ndarray.NDArray;

/**
 * The explicit Euler method, first order, 1 NFE per step:
 *
 * <pre>
 *   x_{i+1} = x_i + h v(x_i, t_i),   h = t_{i+1} - t_i
 * </pre>
 */
public final class EulerSolver extends FixedStepSolver {

    /** The solver's name, {@value}. */
    public static final String NAME = "euler";

    /** Creates the solver. */
    public EulerSolver() {}

    /** {@inheritDoc} */
    @Override
    protected NDArray step(
            FieldCalls calls, NDArray x, double t, double tNext, boolean lastStep) {
        double h = tNext - t;
        return x.add(calls.velocity(x, t).mul(h));
    }

    /** {@inheritDoc} */
    @Override
    public String name() {
        return NAME;
    }
}
