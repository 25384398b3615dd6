package dev.reflowkit.eval;

import dev.reflowkit.metrics.PointMetricSummary;

/**
 * The evaluation of one model with one sampler: the metrics (mean and std over repeats) at the
 * NFE actually spent.
 *
 * @param model the model name, e.g. {@code "teacher"}
 * @param solver the solver name
 * @param grid the time-grid name ({@code "adaptive"} for dopri5)
 * @param nfe network evaluations per sample (measured mean for adaptive solvers; a guided
 *     evaluation counts both networks)
 * @param metrics W2, energy distance and MMD against held-out data
 * @param seconds wall time of sampling, all repeats
 * @param trajectory straightness, transport cost and discretization error; null when not measured
 */
public record EvalRun(String model, String solver, String grid, double nfe, PointMetricSummary metrics,
        double seconds, TrajectorySummary trajectory) {

    /**
     * A run without trajectory metrics.
     *
     * @param model the model name
     * @param solver the solver name
     * @param grid the time-grid name
     * @param nfe network evaluations per sample
     * @param metrics W2, energy distance and MMD
     * @param seconds wall time of sampling
     */
    public EvalRun(String model, String solver, String grid, double nfe, PointMetricSummary metrics,
            double seconds) {
        this(model, solver, grid, nfe, metrics, seconds, null);
    }

    /**
     * Whether this run is the adaptive reference (its grid is {@code "adaptive"}).
     *
     * @return true for the reference run
     */
    public boolean isAdaptive() {
        return PointEvaluation.ADAPTIVE_GRID.equals(grid);
    }
}
