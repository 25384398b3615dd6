package dev.reflowkit.metrics;

import dev.reflowkit.data.PointSet;
import java.util.SplittableRandom;

/**
 * A sample to score and the reference data to score it against (for a floor: two data samples).
 *
 * @param sample the sample, e.g. model output
 * @param reference the reference data
 */
public record SamplePair(PointSet sample, PointSet reference) {

    /** Checks that neither set is null. */
    public SamplePair {
        if (sample == null || reference == null) {
            throw new IllegalArgumentException("sample and reference must not be null");
        }
    }

    /**
     * Two disjoint random subsets of one pool, each of {@code size} points: independent samples of
     * the pool's distribution when the pool is i.i.d., as a data-vs-data floor needs.
     *
     * @param pool the data, at least {@code 2 * size} points
     * @param size points per subset, {@code >= 1}
     * @param seed random seed; the same seed gives the same pair
     * @return the pair (first subset as sample, second as reference)
     * @throws IllegalArgumentException if the pool is too small
     */
    public static SamplePair disjointFrom(PointSet pool, int size, long seed) {
        if (size < 1 || 2L * size > pool.n()) {
            throw new IllegalArgumentException(
                    "need 2 x " + size + " points for two disjoint subsets, pool has " + pool.n());
        }
        int n = pool.n();
        int d = pool.d();
        int[] idx = new int[n];
        for (int i = 0; i < n; i++) {
            idx[i] = i;
        }
        SplittableRandom rng = new SplittableRandom(seed);
        // Partial Fisher-Yates: the first 2 * size entries become a uniform random selection.
        for (int i = 0; i < 2 * size; i++) {
            int j = i + rng.nextInt(n - i);
            int t = idx[i];
            idx[i] = idx[j];
            idx[j] = t;
        }
        float[] first = new float[size * d];
        float[] second = new float[size * d];
        float[] src = pool.data();
        for (int i = 0; i < size; i++) {
            System.arraycopy(src, idx[i] * d, first, i * d, d);
            System.arraycopy(src, idx[size + i] * d, second, i * d, d);
        }
        return new SamplePair(new PointSet(size, d, first), new PointSet(size, d, second));
    }
}
