/**
 * Sample-quality metrics for point clouds ({@link dev.reflowkit.data.PointSet}), pure Java: an
 * exact assignment solver ({@link dev.reflowkit.metrics.LinearAssignment}), exact W2
 * ({@link dev.reflowkit.metrics.Wasserstein2}), the energy distance
 * ({@link dev.reflowkit.metrics.EnergyDistance}), RBF-kernel MMD^2
 * ({@link dev.reflowkit.metrics.RbfMmd}) and {@link dev.reflowkit.metrics.PointMetrics}, which
 * scores a sample against data next to the data-vs-data floor.
 */
package dev.reflowkit.metrics;
