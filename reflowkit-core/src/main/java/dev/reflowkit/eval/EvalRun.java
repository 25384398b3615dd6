package dev.reflowkit.eval;

import dev.reflowkit.metrics.MetricSummaries;

/**
 * The evaluation of one model with one sampler: the metrics (mean and std over repeats) at the
 * NFE actually spent.
 *
 * @param model the model name, e.g. {@code "teacher"}
 * @param solver the solver name
 * @param grid the time-grid name ({@code "adaptive"} for dopri5)
 * @param nfe network evaluations per sample (measured mean for adaptive solvers; a guided
 *     evaluation counts both networks)
 * @param metrics the sample-quality metrics against held-out data (W2, energy, MMD for points; FD, KID, ... for images)
 * @param seconds wall time of sampling, all repeats
 * @param trajectory straightness, transport cost and discretization error; null when not measured
 */
public record EvalRun(String model, String solver, String grid, double nfe, MetricSummaries metrics,
        double seconds, TrajectorySummary trajectory) {

    /**
     * A run without trajectory metrics.
     *
     * @param model the model name
     * @param solver the solver name
     * @param grid the time-grid name
     * @param nfe network evaluations per sample
     * @param metrics the sample-quality metrics
     * @param seconds wall time of sampling
     */
    public EvalRun(String model, String solver, String grid, double nfe, MetricSummaries metrics,
            double seconds) {
        this(model, solver, grid, nfe, metrics, seconds, null);
    }

    /**
     * Whether this run is the adaptive reference (its grid is {@code "adaptive"}).
     *
     * @return true for the reference run
     */
    public boolean isAdaptive() {
        return SampleEvaluation.ADAPTIVE_GRID.equals(grid);
    }
}
