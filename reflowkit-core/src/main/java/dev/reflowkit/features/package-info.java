/**
 * A feature network for image-quality metrics, trained inside the project: the small CNN
 * classifier {@link dev.reflowkit.features.FeatureNetwork} (its penultimate layer is the feature
 * space of FD, KID and precision/recall), its deterministic training recipe
 * ({@link dev.reflowkit.features.FeatureRecipe}, {@link dev.reflowkit.features.FeatureNetworkTrainer}),
 * an on-disk cache keyed by data and recipe ({@link dev.reflowkit.features.FeatureNetworks}), and
 * {@link dev.reflowkit.features.FeatureExtractor}, the {@link dev.reflowkit.metrics.FeatureMap} that
 * {@link dev.reflowkit.metrics.ImageMetrics} uses.
 *
 * <p>Typical use: train once per data set (about a minute for MNIST at 16 x 16, cached), then
 * score samples against the test split next to the train-vs-test floor at the same count:
 *
 * <pre>{@code
 * LabeledImages train = ..., test = ...;
 * TrainedFeatureNetwork net = FeatureNetworks.loadOrTrain(cacheDir, train.contentHash(),
 *         FeatureRecipe.defaults(), train, test, manager, System.err::println);
 * ImageMetrics metrics = ImageMetrics.builder().optFeatureMap(net.extractor(manager)).build();
 * Map<String, Double> floor = metrics.evaluate(train.images().head(n), test.images().head(n));
 * Map<String, Double> model = metrics.evaluate(samples, test.images().head(n));
 * }</pre>
 */
package dev.reflowkit.features;
