package dev.reflowkit.eval;

import dev.reflowkit.metrics.PointMetricSummary;

/**
 * The evaluation of one model with one sampler: the metrics (mean and std over repeats) at the
 * NFE actually spent.
 *
 * @param model the model name, e.g. {@code "teacher"}
 * @param solver the solver name
 * @param grid the time-grid name ({@code "adaptive"} for dopri5)
 * @param nfe velocity evaluations per sample (measured mean for adaptive solvers)
 * @param metrics W2, energy distance and MMD against held-out data
 * @param seconds wall time of sampling, all repeats
 */
public record EvalRun(String model, String solver, String grid, double nfe, PointMetricSummary metrics,
        double seconds) {}
