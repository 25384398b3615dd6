package dev.reflowkit.metrics;

import dev.reflowkit.data.PointSet;

/**
 * A map from samples (e.g. flat images) to feature vectors, the space in which FD, KID and
 * precision/recall are measured; {@code dev.reflowkit.features.FeatureExtractor} is the trained
 * network implementation.
 */
@FunctionalInterface
public interface FeatureMap {

    /**
     * The features of every sample.
     *
     * @param samples {@code n} samples
     * @return {@code n x k} features, one row per sample, in order
     */
    double[][] features(PointSet samples);
}
