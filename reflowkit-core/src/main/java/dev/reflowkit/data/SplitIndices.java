package dev.reflowkit.data;

import java.util.Arrays;

/** Deterministic, seeded choices of image indices: hold-out splits and size caps. */
final class SplitIndices {

    private SplitIndices() {}

    /**
     * Splits {@code 0..n-1} into train and test indices: a seeded permutation's first
     * {@code k = clamp(round(n * fraction), 1, n - 1)} indices are the test split. Both parts are
     * returned sorted (source order).
     *
     * @return {@code {train, test}}
     * @throws IllegalArgumentException if {@code n < 2}
     */
    static int[][] holdOut(int n, double fraction, long seed, String what) {
        if (n < 2) {
            throw new IllegalArgumentException(what + " has " + n + " image" + (n == 1 ? "" : "s")
                    + "; at least 2 are needed to hold out a test split");
        }
        int k = (int) Math.max(1, Math.min(n - 1, Math.round(n * fraction)));
        int[] perm = DataSplit.permutation(n, Rngs.of(seed, "images/holdout"));
        int[] test = Arrays.copyOfRange(perm, 0, k);
        int[] train = Arrays.copyOfRange(perm, k, n);
        Arrays.sort(test);
        Arrays.sort(train);
        return new int[][] {train, test};
    }

    /**
     * At most {@code max} of the given indices: all of them if there are few enough, else a
     * seeded uniformly random subset, sorted.
     *
     * @param idx the candidate indices, sorted
     * @param purpose distinguishes the streams of different splits
     */
    static int[] cap(int[] idx, int max, long seed, String purpose) {
        if (idx.length <= max) {
            return idx;
        }
        int[] perm = DataSplit.permutation(idx.length, Rngs.of(seed, "images/cap/" + purpose));
        int[] chosen = new int[max];
        for (int i = 0; i < max; i++) {
            chosen[i] = idx[perm[i]];
        }
        Arrays.sort(chosen);
        return chosen;
    }

    /** {@code 0..n-1}. */
    static int[] all(int n) {
        int[] idx = new int[n];
        for (int i = 0; i < n; i++) {
            idx[i] = i;
        }
        return idx;
    }
}
