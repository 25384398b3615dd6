package dev.reflowkit.solver;

import ai.djl.ndarray.NDArray;
import dev.reflowkit.field.VelocityField;

/** Argument checks shared by the solvers. */
final class SolverInputs {

    private SolverInputs() {}

    /**
     * Checks a solve's arguments.
     *
     * @param solver the solver's name, for messages
     * @param field the field
     * @param x the start state
     * @param grid the time grid
     * @throws IllegalArgumentException naming the offending value
     */
    static void check(String solver, VelocityField field, NDArray x, double[] grid) {
        if (field == null) {
            throw new IllegalArgumentException(solver + ": the velocity field is null");
        }
        if (x == null) {
            throw new IllegalArgumentException(solver + ": the start state is null");
        }
        if (x.getShape().dimension() < 1) {
            throw new IllegalArgumentException(
                    solver + ": the state needs a batch axis, got shape " + x.getShape());
        }
        if (grid == null || grid.length < 2) {
            throw new IllegalArgumentException(solver + ": the time grid needs at least two "
                    + "points, got " + (grid == null ? "null" : grid.length));
        }
        double sign = Math.signum(grid[grid.length - 1] - grid[0]);
        for (int i = 0; i < grid.length; i++) {
            if (!Double.isFinite(grid[i])) {
                throw new IllegalArgumentException(
                        solver + ": grid point " + i + " is not finite: " + grid[i]);
            }
            if (i > 0 && Math.signum(grid[i] - grid[i - 1]) != sign) {
                throw new IllegalArgumentException(solver + ": the time grid is not strictly "
                        + "monotone at index " + i + ": " + grid[i - 1] + " then " + grid[i]);
            }
        }
    }
}
