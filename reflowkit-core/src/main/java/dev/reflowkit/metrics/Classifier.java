package dev.reflowkit.metrics;

import dev.reflowkit.data.PointSet;

/** A classifier of flat images, e.g. the feature network's logits ({@code FeatureExtractor}). */
@FunctionalInterface
public interface Classifier {

    /**
     * The most likely class of every image.
     *
     * @param images flat images
     * @return one class per image
     */
    int[] predict(PointSet images);
}
