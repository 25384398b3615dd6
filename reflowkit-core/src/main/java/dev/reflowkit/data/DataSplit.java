package dev.reflowkit.data;

import java.util.Objects;
import java.util.SplittableRandom;

/**
 * A point set divided into a training part and a held-out part (e.g. for W2 on unseen points).
 *
 * @param train the training points
 * @param heldOut the held-out points
 */
public record DataSplit(PointSet train, PointSet heldOut) {

    /** Checks that both parts exist and have the same dimension. */
    public DataSplit {
        Objects.requireNonNull(train, "train");
        Objects.requireNonNull(heldOut, "heldOut");
        if (train.d() != heldOut.d()) {
            throw new IllegalArgumentException("train has dimension " + train.d() + " but held-out has " + heldOut.d());
        }
    }

    /**
     * Splits points after a seeded shuffle: a uniformly random permutation (Fisher-Yates) is drawn
     * from {@code seed}; its first {@code holdOut} points are held out, the rest (in permuted
     * order) are the training set. The same points, count and seed always give the same split.
     *
     * @param points the points
     * @param holdOut how many to hold out, {@code 0 <= holdOut <= points.n()}
     * @param seed the shuffle seed
     * @return the split; together the parts hold every point exactly once
     * @throws IllegalArgumentException if {@code holdOut} is out of range
     */
    public static DataSplit split(PointSet points, int holdOut, long seed) {
        Objects.requireNonNull(points, "points");
        int n = points.n();
        if (holdOut < 0 || holdOut > n) {
            throw new IllegalArgumentException("hold-out count " + holdOut + " is not in [0, " + n + "]");
        }
        int[] perm = permutation(n, Rngs.of(seed, "data/split"));
        return new DataSplit(gather(points, perm, holdOut, n), gather(points, perm, 0, holdOut));
    }

    /** A uniformly random permutation of {@code 0..n-1}. */
    static int[] permutation(int n, SplittableRandom rng) {
        int[] perm = new int[n];
        for (int i = 0; i < n; i++) {
            perm[i] = i;
        }
        for (int i = n - 1; i > 0; i--) {
            int j = rng.nextInt(i + 1);
            int t = perm[i];
            perm[i] = perm[j];
            perm[j] = t;
        }
        return perm;
    }

    /** The points {@code perm[from..to)}, in that order. */
    static PointSet gather(PointSet points, int[] perm, int from, int to) {
        int d = points.d();
        float[] out = new float[(to - from) * d];
        for (int k = from; k < to; k++) {
            System.arraycopy(points.data(), perm[k] * d, out, (k - from) * d, d);
        }
        return new PointSet(to - from, d, out);
    }
}
