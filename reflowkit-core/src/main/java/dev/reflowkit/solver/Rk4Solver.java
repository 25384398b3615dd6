package dev.reflowkit.solver;

import ai.djl.ndarray.NDArray;

/**
 * The classical fourth-order Runge-Kutta method, 4 NFE per step:
 *
 * <pre>
 *   k1 = v(x, t)
 *   k2 = v(x + (h/2) k1, t + h/2)
 *   k3 = v(x + (h/2) k2, t + h/2)
 *   k4 = v(x + h k3, t + h)
 *   x_{i+1} = x + (h/6) (k1 + 2 k2 + 2 k3 + k4)
 * </pre>
 */
public final class Rk4Solver extends FixedStepSolver {

    /** The solver's name, {@value}. */
    public static final String NAME = "rk4";

    /** Creates the solver. */
    public Rk4Solver() {}

    /** {@inheritDoc} */
    @Override
    protected NDArray step(
            FieldCalls calls, NDArray x, double t, double tNext, boolean lastStep) {
        double h = tNext - t;
        NDArray k1 = calls.velocity(x, t);
        NDArray k2 = calls.velocity(x.add(k1.mul(h / 2)), t + h / 2);
        NDArray k3 = calls.velocity(x.add(k2.mul(h / 2)), t + h / 2);
        NDArray k4 = calls.velocity(x.add(k3.mul(h)), tNext);
        NDArray sum = k1.add(k2.mul(2)).add(k3.mul(2)).add(k4);
        return x.add(sum.mul(h / 6));
    }

    /** {@inheritDoc} */
    @Override
    public String name() {
        return NAME;
    }
}
