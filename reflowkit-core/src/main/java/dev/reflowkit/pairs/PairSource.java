package dev.reflowkit.pairs;

import java.nio.file.Path;

/**
 * A finished pair store as training reads it: pair {@code i} copied into caller arrays. {@link
 * PairStore} holds the pairs in memory; {@link StreamingPairStore} reads each pair from its shard
 * file when asked, for stores larger than memory. Both give the same values, so training does not
 * depend on which one reads the store.
 */
public interface PairSource {

    /**
     * The store's directory.
     *
     * @return the directory
     */
    Path directory();

    /**
     * The store's settings.
     *
     * @return the settings of its manifest
     */
    PairSettings settings();

    /**
     * The number of pairs.
     *
     * @return the count
     */
    default int count() {
        return settings().count();
    }

    /**
     * The direction the pairs were drawn in.
     *
     * @return backward, forward or projected
     */
    default PairDirection direction() {
        return settings().direction();
    }

    /**
     * The shape of one sample.
     *
     * @return the shape
     */
    default long[] sampleShape() {
        return settings().sampleShape();
    }

    /**
     * The values per sample.
     *
     * @return the sample size
     */
    default int sampleSize() {
        return settings().sampleSize();
    }

    /**
     * Copies pair {@code index} into two arrays.
     *
     * @param index the pair, in {@code [0, count())}
     * @param x0 receives the data endpoint
     * @param at0 where in {@code x0} it starts
     * @param x1 receives the noise endpoint
     * @param at1 where in {@code x1} it starts
     */
    void read(int index, float[] x0, int at0, float[] x1, int at1);

    /**
     * The class of pair {@code index} in a class-conditional teacher's store.
     *
     * @param index the pair
     * @return its class, or -1 in a store without labels
     */
    int label(int index);

    /**
     * Whether the pairs carry class labels.
     *
     * @return true for a class-conditional teacher's store
     */
    default boolean hasLabels() {
        return settings().classes() > 0;
    }
}
