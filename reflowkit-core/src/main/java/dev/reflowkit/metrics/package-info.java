/**
 * Sample-quality metrics, pure Java, behind one interface ({@link dev.reflowkit.metrics.SampleMetrics}:
 * named values, summarized over repeats as {@link dev.reflowkit.metrics.MetricSummaries}).
 *
 * <p>Point clouds ({@link dev.reflowkit.metrics.PointMetrics}): an exact assignment solver
 * ({@link dev.reflowkit.metrics.LinearAssignment}), exact W2 ({@link dev.reflowkit.metrics.Wasserstein2}),
 * the energy distance ({@link dev.reflowkit.metrics.EnergyDistance}) and RBF-kernel MMD^2
 * ({@link dev.reflowkit.metrics.RbfMmd}).
 *
 * <p>Images ({@link dev.reflowkit.metrics.ImageMetrics}): on the features of a
 * {@link dev.reflowkit.metrics.FeatureMap} (a trained feature network), the Fréchet distance
 * ({@link dev.reflowkit.metrics.FrechetDistance} over {@link dev.reflowkit.metrics.GaussianStats},
 * with a Jacobi eigen solver, {@link dev.reflowkit.metrics.SymmetricEigen}), KID
 * ({@link dev.reflowkit.metrics.KernelInceptionDistance}) and improved precision/recall
 * ({@link dev.reflowkit.metrics.PrecisionRecall}); on pixels, the sliced Wasserstein distance
 * ({@link dev.reflowkit.metrics.SlicedWasserstein}).
 *
 * <p>Every metric is reported next to its floor: the same metric between two independent data
 * samples of the same size (for images: the test split against the train split).
 */
package dev.reflowkit.metrics;
