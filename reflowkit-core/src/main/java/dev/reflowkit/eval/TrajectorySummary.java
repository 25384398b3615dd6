package dev.reflowkit.eval;

import dev.reflowkit.metrics.MetricSummary;

/**
 * The trajectory metrics of a run ({@link TrajectoryMetrics}), each summarized over repeats.
 *
 * @param straightness the straightness {@code S} of the sampler's paths
 * @param transportCost {@code E ||x1 - x0||^2} between noise and sample
 * @param discretizationError {@code E ||x - xref||^2} against the reference samples from the same
 *     noise; null when not computed (the reference run itself, or a run scored without reference)
 * @param discretizationRms {@code sqrt} of the discretization error of each repeat, summarized;
 *     null exactly when {@code discretizationError} is
 */
public record TrajectorySummary(MetricSummary straightness, MetricSummary transportCost,
        MetricSummary discretizationError, MetricSummary discretizationRms) {

    /** Checks the fields. */
    public TrajectorySummary {
        if (straightness == null || transportCost == null) {
            throw new IllegalArgumentException("straightness and transport cost are required");
        }
        if ((discretizationError == null) != (discretizationRms == null)) {
            throw new IllegalArgumentException("discretization error and its RMS come together");
        }
    }

    /**
     * Whether the discretization error was computed.
     *
     * @return true if {@link #discretizationError()} is not null
     */
    public boolean hasDiscretizationError() {
        return discretizationError != null;
    }
}
