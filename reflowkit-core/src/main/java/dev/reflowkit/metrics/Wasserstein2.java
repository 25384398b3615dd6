package dev.reflowkit.metrics;

import dev.reflowkit.data.PointSet;

/**
 * The exact 2-Wasserstein distance between two empirical distributions with the same number of
 * points.
 *
 * <p>For uniform empirical measures on {@code a_1..a_n} and {@code b_1..b_n} an optimal coupling
 * is a permutation (Birkhoff), so
 * {@code W2(a, b) = sqrt( min over permutations s of (1/n) sum_i ||a_i - b_s(i)||^2 )}, computed
 * exactly with {@link LinearAssignment} on the squared Euclidean cost matrix: {@code O(n^3)} time
 * and {@code 8 n^2} bytes (about 1 s and 8 MB at n = 1000).
 */
public final class Wasserstein2 {

    private static final String NAME = "Wasserstein2";

    private Wasserstein2() {}

    /**
     * The exact W2 distance between two equal-size point sets.
     *
     * @param a the first set, {@code n} points in {@code d} dimensions
     * @param b the second set, {@code n} points in {@code d} dimensions
     * @return {@code sqrt(min_s (1/n) sum_i ||a_i - b_s(i)||^2)}
     * @throws IllegalArgumentException if sizes or dimensions differ, a set is empty or has a
     *     non-finite value
     */
    public static double exact(PointSet a, PointSet b) {
        Assignment m = optimalMatching(a, b);
        return Math.sqrt(Math.max(0, m.totalCost()) / a.n());
    }

    /**
     * The optimal matching behind {@link #exact}: point {@code i} of {@code a} is transported to
     * point {@code colForRow[i]} of {@code b}; the total cost is the sum of squared distances.
     *
     * @param a the first set
     * @param b the second set, same size and dimension
     * @return the optimal assignment of {@code a}'s points to {@code b}'s
     * @throws IllegalArgumentException as {@link #exact}
     */
    public static Assignment optimalMatching(PointSet a, PointSet b) {
        if (a.n() != b.n()) {
            throw new IllegalArgumentException(
                    NAME + ".exact needs point sets of equal size, got " + a.n() + " and " + b.n()
                            + " points; subsample both to the same size first, e.g. "
                            + "a.head(m) and b.head(m) with m = " + Math.min(a.n(), b.n()));
        }
        Pairwise.checkComparable(NAME, a, b, 1);
        int n = a.n();
        int d = a.d();
        float[] ad = a.data();
        float[] bd = b.data();
        double[] cost = new double[n * n];
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < n; j++) {
                cost[i * n + j] = Pairwise.squaredDistance(ad, i, bd, j, d);
            }
        }
        return LinearAssignment.solve(cost, n);
    }
}
