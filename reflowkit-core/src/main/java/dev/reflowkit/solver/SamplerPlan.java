package dev.reflowkit.solver;

import ai.djl.ndarray.NDArray;
import dev.reflowkit.field.VelocityField;
import java.util.Arrays;

/**
 * A sampler chosen by its NFE budget: a solver, the time grid it runs on, and the exact NFE per
 * sample it will cost. Create one with {@link Samplers#plan}.
 *
 * @param solver the solver, configured for the budget (e.g. Heun with its Euler last step)
 * @param grid the time grid, start and end included (a defensive copy)
 * @param nfe the exact NFE per sample, or 0 for an adaptive solver (its count is in {@link
 *     SampleResult#nfe()})
 */
public record SamplerPlan(OdeSolver solver, double[] grid, int nfe) {

    /** Checks and copies the fields. */
    public SamplerPlan {
        if (solver == null) {
            throw new IllegalArgumentException("sampler plan needs a solver, got null");
        }
        if (grid == null || grid.length < 2) {
            throw new IllegalArgumentException("sampler plan needs a grid of at least two "
                    + "points, got " + (grid == null ? "null" : grid.length));
        }
        if (nfe < 0) {
            throw new IllegalArgumentException("sampler plan NFE must be >= 0, got " + nfe);
        }
        grid = grid.clone();
    }

    /**
     * The time grid (a copy).
     *
     * @return the grid, start and end included
     */
    @Override
    public double[] grid() {
        return grid.clone();
    }

    /**
     * The number of grid intervals.
     *
     * @return {@code grid().length - 1}
     */
    public int steps() {
        return grid.length - 1;
    }

    /**
     * Whether the NFE is decided by the solver at run time.
     *
     * @return true for an adaptive solver
     */
    public boolean isAdaptive() {
        return nfe == 0;
    }

    /**
     * Runs the plan.
     *
     * @param field the velocity field
     * @param x the start state
     * @param keepTrajectory whether to keep the state at each grid point
     * @param callback called after every accepted step
     * @return the solver's result
     */
    public SampleResult sample(
            VelocityField field, NDArray x, boolean keepTrajectory, StepCallback callback) {
        return solver.solve(field, x, grid, keepTrajectory, callback);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof SamplerPlan p
                && p.solver.equals(solver)
                && Arrays.equals(p.grid, grid)
                && p.nfe == nfe;
    }

    @Override
    public int hashCode() {
        return 31 * (31 * solver.hashCode() + Arrays.hashCode(grid)) + nfe;
    }

    @Override
    public String toString() {
        return "SamplerPlan[" + solver + ", steps=" + steps() + ", nfe="
                + (isAdaptive() ? "adaptive" : nfe) + ", grid=" + Arrays.toString(grid) + "]";
    }
}
