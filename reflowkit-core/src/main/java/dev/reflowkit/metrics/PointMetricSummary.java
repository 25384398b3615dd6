package dev.reflowkit.metrics;

/**
 * Each point-cloud metric summarized over repeats.
 *
 * @param w2 exact 2-Wasserstein distance
 * @param energy energy distance V-statistic
 * @param mmd squared RBF-kernel MMD
 */
public record PointMetricSummary(MetricSummary w2, MetricSummary energy, MetricSummary mmd) {}
