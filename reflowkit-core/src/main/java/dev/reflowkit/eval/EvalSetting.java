package dev.reflowkit.eval;

import dev.reflowkit.solver.SamplerPlan;

/**
 * One sampler setting to evaluate: the plan and the names it is reported under.
 *
 * @param solver the solver name, e.g. {@code "heun"}
 * @param grid the time-grid name, {@code "adaptive"} for an adaptive solver
 * @param plan the sampler plan
 */
public record EvalSetting(String solver, String grid, SamplerPlan plan) {

    /** Checks the fields. */
    public EvalSetting {
        if (solver == null || grid == null || plan == null) {
            throw new IllegalArgumentException("an eval setting needs a solver name, a grid name and a plan, got "
                    + solver + ", " + grid + ", " + plan);
        }
    }
}
