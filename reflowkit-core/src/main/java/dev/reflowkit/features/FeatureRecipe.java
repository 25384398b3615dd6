package dev.reflowkit.features;

/**
 * How a {@link FeatureNetwork} is trained: everything that, with the data, determines its weights
 * (training is deterministic given the recipe).
 *
 * <p>Training runs {@code steps} Adam steps ({@code beta = (0.9, 0.999)}, no weight decay) on
 * batches of {@code batchSize} images drawn without replacement from a fresh seeded permutation
 * of the training split each epoch, with the softmax cross-entropy loss and a cosine learning-rate
 * decay {@code lr_k = lr (1 + cos(pi k / steps)) / 2}.
 *
 * @param steps the number of optimizer steps, {@code >= 1}
 * @param batchSize images per step, {@code >= 1}
 * @param learningRate the peak Adam learning rate, {@code > 0}
 * @param seed the seed of the initialization and the batch order
 * @param width the network's base width ({@link FeatureNetwork.Builder#optWidth})
 * @param featureDim the feature width ({@link FeatureNetwork.Builder#optFeatureDim})
 */
public record FeatureRecipe(int steps, int batchSize, double learningRate, long seed, int width, int featureDim) {

    /** Checks ranges. */
    public FeatureRecipe {
        if (steps < 1 || batchSize < 1 || !(learningRate > 0) || !Double.isFinite(learningRate) || width < 1
                || featureDim < 1) {
            throw new IllegalArgumentException("bad feature recipe: steps " + steps + " (>= 1), batch size "
                    + batchSize + " (>= 1), learning rate " + learningRate + " (> 0), width " + width
                    + " (>= 1), features " + featureDim + " (>= 1)");
        }
    }

    /**
     * The default recipe for MNIST-scale data: 1000 steps of 128 images (about 2 epochs of 60k
     * images), learning rate {@code 2e-3}, width 32, 128 features, seed 0.
     *
     * <p>Measured on MNIST at 1 x 16 x 16 (60k training images, 2-core CPU, PyTorch 2.7.1): 50 s
     * of training (about 2,500 images/s, i.e. 4 s per 10k images) and 98.96% test accuracy; with
     * width 16 and 500 steps, 16 s and 97.6%. When other processes compete for the two cores,
     * PyTorch's two spinning intra-op threads can make training several times slower (down to a
     * few hundred images/s); one thread ({@code -Dai.djl.pytorch.num_threads=1}) avoids that.
     *
     * @return the recipe
     */
    public static FeatureRecipe defaults() {
        return new FeatureRecipe(1000, 128, 2e-3, 0, 32, 128);
    }

    /**
     * This recipe with another step count.
     *
     * @param newSteps the steps
     * @return a new recipe
     */
    public FeatureRecipe withSteps(int newSteps) {
        return new FeatureRecipe(newSteps, batchSize, learningRate, seed, width, featureDim);
    }

    /**
     * This recipe with another seed.
     *
     * @param newSeed the seed
     * @return a new recipe
     */
    public FeatureRecipe withSeed(long newSeed) {
        return new FeatureRecipe(steps, batchSize, learningRate, newSeed, width, featureDim);
    }

    /**
     * The number of steps that covers the given number of epochs.
     *
     * @param epochs passes over the data
     * @param images the training-set size
     * @param batchSize images per step
     * @return {@code ceil(epochs * images / batchSize)}
     */
    public static int stepsForEpochs(double epochs, int images, int batchSize) {
        return (int) Math.max(1, Math.ceil(epochs * images / batchSize));
    }

    /**
     * A canonical text form, used in cache keys (stable across versions of this class).
     *
     * @return e.g. {@code steps=1000,batch=128,lr=0.002,seed=0,width=32,features=128}
     */
    public String canonical() {
        return "steps=" + steps + ",batch=" + batchSize + ",lr=" + learningRate + ",seed=" + seed + ",width=" + width
                + ",features=" + featureDim;
    }
}
