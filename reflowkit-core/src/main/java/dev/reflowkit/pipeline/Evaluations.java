package dev.reflowkit.pipeline;

import ai.djl.ndarray.NDManager;
import dev.reflowkit.config.Config;
import dev.reflowkit.data.ImageSet;
import dev.reflowkit.eval.SampleEvaluation;
import dev.reflowkit.features.FeatureRecipe;
import dev.reflowkit.features.FeatureNetworks;
import dev.reflowkit.features.LabeledImages;
import dev.reflowkit.features.TrainedFeatureNetwork;
import dev.reflowkit.metrics.ImageMetrics;
import dev.reflowkit.metrics.PointMetrics;
import dev.reflowkit.metrics.SampleMetrics;
import dev.reflowkit.train.StepRandom;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;

/**
 * Builds the evaluation a configuration asks for: point-cloud metrics (exact W2, energy, MMD) for
 * point data, image metrics (FD, KID, precision/recall on the features of a feature network
 * trained once per data set and cached, plus sliced W2 on pixels) for image data.
 */
public final class Evaluations {

    private Evaluations() {}

    /**
     * The evaluation of a run's data.
     *
     * @param config the configuration ({@code eval.*}, {@code sample.batch_size}, {@code seed})
     * @param data the run's data
     * @param count samples per repeat (usually {@code eval.count})
     * @param manager owns the feature network of image data (keep it open while evaluating)
     * @param log receives progress lines (feature-network training or cache use)
     * @return the evaluation
     * @throws IOException if the feature-network cache cannot be written
     */
    public static SampleEvaluation create(Config config, RunData data, int count, NDManager manager,
            PrintStream log) throws IOException {
        return create(config, data, count, 0, manager, log);
    }

    /**
     * The evaluation of a run's data, for samples generated with sample {@code i} of class {@code
     * i mod classes} (classifier-free guidance with an even spread): image metrics then add the
     * feature network's class accuracy of the samples.
     *
     * @param config the configuration
     * @param data the run's data
     * @param count samples per repeat
     * @param classes the class count of the spread, or 0 for unconditional samples
     * @param manager owns the feature network of image data
     * @param log receives progress lines
     * @return the evaluation
     * @throws IOException if the feature-network cache cannot be written
     * @throws IllegalArgumentException for class accuracy on data without labelled images
     */
    public static SampleEvaluation create(Config config, RunData data, int count, int classes, NDManager manager,
            PrintStream log) throws IOException {
        return new SampleEvaluation(data.eval(), count, config.getInt("eval.repeats"), config.getLong("seed"),
                config.getInt("sample.batch_size"), metrics(config, data, count, classes, manager, log));
    }

    /**
     * The metrics of a run's data.
     *
     * @param config the configuration
     * @param data the run's data
     * @param count samples per repeat
     * @param manager owns the feature network of image data
     * @param log receives progress lines
     * @return the metrics
     * @throws IOException if the feature-network cache cannot be written
     */
    public static SampleMetrics metrics(Config config, RunData data, int count, NDManager manager, PrintStream log)
            throws IOException {
        return metrics(config, data, count, 0, manager, log);
    }

    private static SampleMetrics metrics(Config config, RunData data, int count, int classes, NDManager manager,
            PrintStream log) throws IOException {
        if (classes > 0 && !(data.isImages() && data.images().train().isLabelled())) {
            throw new IllegalArgumentException("class accuracy needs a labelled image set (its feature network is"
                    + " the classifier); " + config.getString("data.source") + " is not one");
        }
        if (!data.isImages()) {
            return PointMetrics.builder().setMmdMedianBandwidth(data.eval().reference(0, count)).build();
        }
        ImageMetrics.Builder b = ImageMetrics.builder()
                .optKidSubsets(config.getInt("eval.kid_subsets"))
                .optKidSubsetSize(Math.min(count, config.getInt("eval.kid_subset_size")))
                .optProjections(config.getInt("eval.sw2_projections"))
                .optSeed(StepRandom.derive(config.getLong("seed"), 0, Streams.EVAL_METRICS));
        ImageSet train = data.images().train();
        if (train.isLabelled()) {
            TrainedFeatureNetwork net = featureNetwork(config, data, manager, log);
            b.optFeatureMap(net.extractor(manager));
            if (classes > 0) {
                b.optClassAccuracy(net.extractor(manager), classes, net.info().testAccuracy());
            }
        } else {
            log.println("  " + data.images().name() + " has no class labels: no feature network, so only sw2 is reported");
        }
        return b.build();
    }

    /**
     * The feature network of a run's image data: loaded from the cache, or trained on the full
     * train split (and scored on the test split) and cached.
     *
     * @param config the configuration ({@code eval.feature_*})
     * @param data the run's data, images with labels
     * @param manager owns the network
     * @param log receives progress lines
     * @return the network with its recipe, data hash and test accuracy
     * @throws IOException if the cache cannot be written
     */
    public static TrainedFeatureNetwork featureNetwork(Config config, RunData data, NDManager manager, PrintStream log)
            throws IOException {
        ImageSet train = data.images().train();
        ImageSet test = data.images().test();
        FeatureRecipe d = FeatureRecipe.defaults();
        FeatureRecipe recipe = new FeatureRecipe(config.getInt("eval.feature_steps"), config.getInt("eval.feature_batch"),
                d.learningRate(), d.seed(), d.width(), d.featureDim());
        return FeatureNetworks.loadOrTrain(featureCache(config), data.images().contentHash(), recipe,
                labeled(train), labeled(test), manager, line -> log.println("  " + line));
    }

    private static LabeledImages labeled(ImageSet s) {
        return new LabeledImages(s.pixels(), s.labels(), s.classes(), s.sampleShape());
    }

    /** {@code eval.feature_cache}, else {@code $REFLOWKIT_CACHE/features}, else {@code ~/.cache/reflowkit/features}. */
    static Path featureCache(Config config) {
        String dir = config.getString("eval.feature_cache");
        if (!dir.isEmpty()) {
            return Path.of(dir);
        }
        String env = System.getenv("REFLOWKIT_CACHE");
        if (env != null && !env.isBlank()) {
            return Path.of(env, "features");
        }
        return Path.of(System.getProperty("user.home"), ".cache", "reflowkit", "features");
    }
}
