package dev.reflowkit.metrics;

/**
 * The three point-cloud metrics between a sample and reference data.
 *
 * @param w2 exact 2-Wasserstein distance ({@link Wasserstein2#exact})
 * @param energy energy distance V-statistic ({@link EnergyDistance#compute})
 * @param mmd squared RBF-kernel MMD ({@link RbfMmd#compute})
 */
public record PointMetricValues(double w2, double energy, double mmd) {}
