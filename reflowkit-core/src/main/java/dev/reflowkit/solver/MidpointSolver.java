package dev.reflowkit.solver;

import ai.djl.ndarray.NDArray;

/**
 * The explicit midpoint method, second order, 2 NFE per step:
 *
 * <pre>
 *   k1 = v(x_i, t_i)
 *   x_{i+1} = x_i + h v(x_i + (h/2) k1, t_i + h/2),   h = t_{i+1} - t_i
 * </pre>
 */
public final class MidpointSolver extends FixedStepSolver {

    /** The solver's name, {@value}. */
    public static final String NAME = "midpoint";

    /** Creates the solver. */
    public MidpointSolver() {}

    /** {@inheritDoc} */
    @Override
    protected NDArray step(
            FieldCalls calls, NDArray x, double t, double tNext, boolean lastStep) {
        double h = tNext - t;
        NDArray k1 = calls.velocity(x, t);
        NDArray mid = x.add(k1.mul(h / 2));
        return x.add(calls.velocity(mid, t + h / 2).mul(h));
    }

    /** {@inheritDoc} */
    @Override
    public String name() {
        return NAME;
    }
}
