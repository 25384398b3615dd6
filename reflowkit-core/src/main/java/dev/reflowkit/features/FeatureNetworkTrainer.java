package dev.reflowkit.features;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import ai.djl.training.GradientCollector;
import ai.djl.training.ParameterStore;
import ai.djl.util.Pair;
import dev.reflowkit.engine.Engines;
import dev.reflowkit.train.AdamOptimizer;
import dev.reflowkit.train.Gradients;
import dev.reflowkit.train.StepRandom;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import java.util.function.Consumer;

/**
 * Trains a {@link FeatureNetwork} classifier on labelled images, following a {@link FeatureRecipe}.
 *
 * <p>The initialization is seeded from {@code StepRandom.derive(seed, 0, STREAM_INIT)} and epoch
 * {@code e}'s batch order from {@code StepRandom.forStep(seed, e, STREAM_BATCH)}, so a recipe and a
 * data set determine the weights (on one engine build and intra-op thread count; a different
 * thread count can change float rounding). The loss is the mean
 * softmax cross-entropy {@code -(1/B) sum_i log softmax(z_i)[y_i]}, written with tensor operands
 * only; the optimizer is the project's {@link AdamOptimizer}. After training, the accuracy on the
 * test split is measured with a {@link FeatureExtractor}.
 *
 * <p>Cost on a 2-core CPU at width 32 and 1 x 16 x 16 images: about 4 s per 10k training images
 * (see {@link FeatureRecipe#defaults()}).
 */
public final class FeatureNetworkTrainer {

    private static final AdamOptimizer.Settings ADAM = new AdamOptimizer.Settings(0.9, 0.999, 1e-8, 0, false);

    private FeatureNetworkTrainer() {}

    /**
     * A new, seeded, initialized network for a recipe and an image shape.
     *
     * @param recipe the recipe (width, features, seed)
     * @param sampleShape the image shape {@code {C, H, W}}
     * @param classes the number of classes
     * @param manager the manager that will own the parameters
     * @return the initialized network
     */
    public static FeatureNetwork newNetwork(FeatureRecipe recipe, long[] sampleShape, int classes, NDManager manager) {
        FeatureNetwork net = FeatureNetwork.builder()
                .setInputChannels((int) sampleShape[0])
                .setClasses(classes)
                .optWidth(recipe.width())
                .optFeatureDim(recipe.featureDim())
                .build();
        Engines.engine().setRandomSeed((int) StepRandom.derive(recipe.seed(), 0, StepRandom.STREAM_INIT));
        net.initialize(manager, DataType.FLOAT32, new Shape(1, sampleShape[0], sampleShape[1], sampleShape[2]));
        return net;
    }

    /**
     * Trains a network without progress messages.
     *
     * @param recipe the recipe
     * @param train the training split
     * @param test the test split (same shape and classes), for the recorded accuracy
     * @param dataHash the caller's identifier of the data, recorded in the metadata
     * @param manager the manager that will own the parameters
     * @return the trained network and its metadata
     */
    public static TrainedFeatureNetwork train(FeatureRecipe recipe, LabeledImages train, LabeledImages test,
            String dataHash, NDManager manager) {
        return train(recipe, train, test, dataHash, manager, message -> { });
    }

    /**
     * Trains a network.
     *
     * @param recipe the recipe
     * @param train the training split, at least one image
     * @param test the test split (same shape and classes), for the recorded accuracy
     * @param dataHash the caller's identifier of the data, recorded in the metadata
     * @param manager the manager that will own the parameters
     * @param log receives about ten progress lines
     * @return the trained network and its metadata
     * @throws IllegalArgumentException if the splits differ in shape or classes, or the training
     *     split is empty
     * @throws ArithmeticException if the loss becomes NaN or infinite
     */
    public static TrainedFeatureNetwork train(FeatureRecipe recipe, LabeledImages train, LabeledImages test,
            String dataHash, NDManager manager, Consumer<String> log) {
        checkSplits(train, test);
        long[] shape = train.sampleShape();
        int n = train.size();
        int d = train.images().d();
        int classes = train.classes();
        long t0 = System.nanoTime();
        FeatureNetwork net = newNetwork(recipe, shape, classes, manager);
        List<NDArray> weights = new ArrayList<>();
        for (Pair<String, Parameter> p : net.getParameters()) {
            weights.add(p.getValue().getArray());
        }
        AdamOptimizer adam = new AdamOptimizer(ADAM, weights, manager);
        ParameterStore store = new ParameterStore(manager, false);
        Engine engine = Engines.engine();
        BatchOrder order = new BatchOrder(n, recipe.seed());
        int batch = recipe.batchSize();
        float[] x = new float[batch * d];
        int[] y = new int[batch];
        float[] pixels = train.images().data();
        int tailFrom = recipe.steps() - Math.max(1, recipe.steps() / 10);
        double tailSum = 0;
        int logEvery = Math.max(1, recipe.steps() / 10);
        double windowSum = 0;
        int windowCount = 0;
        for (int step = 0; step < recipe.steps(); step++) {
            for (int b = 0; b < batch; b++) {
                int i = order.next();
                System.arraycopy(pixels, i * d, x, b * d, d);
                y[b] = train.labels()[i];
            }
            double lr = recipe.learningRate() * 0.5 * (1 + Math.cos(Math.PI * step / recipe.steps()));
            double loss;
            try (NDManager sub = manager.newSubManager(); NDScope scope = new NDScope()) {
                scope.suppressNotUsedWarning();
                NDArray input = sub.create(x, new Shape(batch, shape[0], shape[1], shape[2]));
                NDArray target = sub.create(y).oneHot(classes);
                NDArray value;
                try (GradientCollector gc = engine.newGradientCollector()) {
                    if (step == 0) {
                        gc.zeroGradients(); // whatever earlier use left; later steps zero their own below
                    }
                    NDArray logits = net.forward(store, new NDList(input), true).get(0);
                    value = crossEntropy(logits, target);
                    gc.backward(value);
                }
                loss = value.getFloat();
                if (!Double.isFinite(loss)) {
                    throw new ArithmeticException("feature network: non-finite loss " + loss + " at step " + (step + 1)
                            + " of " + recipe.steps() + " (try a lower learning rate than " + recipe.learningRate() + ")");
                }
                List<NDArray> grads = Gradients.of(weights);
                adam.update(weights, grads, lr, 1.0);
                Gradients.zero(grads);
            }
            if (step >= tailFrom) {
                tailSum += loss;
            }
            windowSum += loss;
            windowCount++;
            if ((step + 1) % logEvery == 0 || step + 1 == recipe.steps()) {
                double elapsed = (System.nanoTime() - t0) / 1e9;
                log.accept(String.format("feature network step %d/%d loss %.4f (%.0f img/s)", step + 1, recipe.steps(),
                        windowSum / windowCount, (step + 1.0) * batch / elapsed));
                windowSum = 0;
                windowCount = 0;
            }
        }
        double seconds = (System.nanoTime() - t0) / 1e9;
        double accuracy = test.size() == 0 ? Double.NaN
                : new FeatureExtractor(net, shape, manager, FeatureExtractor.DEFAULT_BATCH).accuracy(test);
        log.accept(String.format("feature network trained in %.1f s, test accuracy %.4f", seconds, accuracy));
        FeatureNetworkInfo info = new FeatureNetworkInfo(recipe, shape, classes, dataHash, accuracy,
                tailSum / (recipe.steps() - tailFrom), n, seconds, Engines.describe(), FeatureNetworks.version());
        return new TrainedFeatureNetwork(net, info, false);
    }

    /**
     * The mean softmax cross-entropy against one-hot targets, gradient-safe.
     *
     * @param logits {@code (B, classes)}
     * @param oneHot {@code (B, classes)} one-hot targets
     * @return the scalar loss
     */
    static NDArray crossEntropy(NDArray logits, NDArray oneHot) {
        return logits.logSoftmax(1).mul(oneHot).sum(new int[] {1}).neg().mean();
    }

    private static void checkSplits(LabeledImages train, LabeledImages test) {
        if (train.size() == 0) {
            throw new IllegalArgumentException("feature network: the training split is empty");
        }
        if (!Arrays.equals(train.sampleShape(), test.sampleShape()) || train.classes() != test.classes()) {
            throw new IllegalArgumentException("feature network: train and test splits differ, shape "
                    + Arrays.toString(train.sampleShape()) + " with " + train.classes() + " classes vs "
                    + Arrays.toString(test.sampleShape()) + " with " + test.classes());
        }
    }

    /** Indices without replacement from a fresh seeded permutation per epoch. */
    private static final class BatchOrder {
        private final int[] perm;
        private final long seed;
        private long epoch = -1;
        private int pos;

        BatchOrder(int n, long seed) {
            this.perm = new int[n];
            this.seed = seed;
            this.pos = n;
        }

        int next() {
            if (pos == perm.length) {
                epoch++;
                for (int i = 0; i < perm.length; i++) {
                    perm[i] = i;
                }
                SplittableRandom rng = StepRandom.forStep(seed, epoch, StepRandom.STREAM_BATCH);
                for (int i = perm.length - 1; i > 0; i--) {
                    int j = rng.nextInt(i + 1);
                    int t = perm[i];
                    perm[i] = perm[j];
                    perm[j] = t;
                }
                pos = 0;
            }
            return perm[pos++];
        }
    }
}
