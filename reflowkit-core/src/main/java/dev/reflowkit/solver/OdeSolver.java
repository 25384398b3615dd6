package dev.reflowkit.solver;

import ai.djl.ndarray.NDArray;
import dev.reflowkit.field.VelocityField;

/**
 * An ODE solver for {@code dx/dt = v(x, t)}: every solver has this one signature.
 *
 * <p>The time grid is separate from the stepper: {@code grid} lists the times to pass through,
 * from start to end exactly, and its order gives the direction (descending 1 -> 0 generates,
 * ascending 0 -> 1 inverts). Fixed-step solvers take one step per grid interval; the adaptive
 * solver integrates between consecutive grid points with its own steps.
 */
public interface OdeSolver {

    /**
     * Integrates from {@code grid[0]} to {@code grid[grid.length - 1]}.
     *
     * @param field the velocity field
     * @param x the start state, shape {@code (N, ...)}; not modified or closed
     * @param grid the time grid, strictly monotone, at least two points
     * @param keepTrajectory whether to return the state at every grid point
     * @param callback called after every accepted step
     * @return the final state, the NFE per sample and the optional trajectory
     */
    SampleResult solve(
            VelocityField field,
            NDArray x,
            double[] grid,
            boolean keepTrajectory,
            StepCallback callback);

    /**
     * The solver's name as used in configs and the CLI, e.g. {@code "heun"}.
     *
     * @return the name
     */
    String name();
}
