package dev.reflowkit.features;

import java.util.Arrays;

/**
 * What is known about a trained {@link FeatureNetwork}: how it was trained, on what, and how well
 * it classifies the test split. Stored as JSON next to the weights in the cache file.
 *
 * @param recipe the training recipe
 * @param sampleShape the image shape {@code {C, H, W}}
 * @param classes the number of classes
 * @param dataHash the caller's hash of the training data (identifies the data set and split)
 * @param testAccuracy the classification accuracy on the test split, in {@code [0, 1]}
 * @param trainLoss the mean cross-entropy over the last 10% of the training steps
 * @param trainImages the number of training images
 * @param trainSeconds the wall-clock training time
 * @param engine the engine, DJL and Java versions that trained it
 * @param version the ReflowKit version that trained it
 */
public record FeatureNetworkInfo(FeatureRecipe recipe, long[] sampleShape, int classes, String dataHash,
        double testAccuracy, double trainLoss, int trainImages, double trainSeconds, String engine, String version) {

    /** Copies the shape. */
    public FeatureNetworkInfo {
        sampleShape = sampleShape.clone();
    }

    /**
     * The image shape (a copy).
     *
     * @return {@code {C, H, W}}
     */
    @Override
    public long[] sampleShape() {
        return sampleShape.clone();
    }

    /** {@inheritDoc} */
    @Override
    public String toString() {
        return "FeatureNetworkInfo[" + recipe.canonical() + ", shape=" + Arrays.toString(sampleShape) + ", classes="
                + classes + ", data=" + dataHash + ", test accuracy=" + testAccuracy + ", train loss=" + trainLoss
                + ", images=" + trainImages + ", " + trainSeconds + " s, " + engine + ", ReflowKit " + version + "]";
    }
}
