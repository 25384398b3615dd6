package dev.reflowkit.metrics;

import dev.reflowkit.data.PointSet;

/**
 * The energy distance between two empirical distributions, with the Euclidean norm (Székely and
 * Rizzo, "Energy statistics", 2013).
 *
 * <p>Population form {@code D^2(P, Q) = 2 E|X - Y| - E|X - X'| - E|Y - Y'|}, with
 * {@code X, X' ~ P} and {@code Y, Y' ~ Q} independent. This class computes the V-statistic, i.e.
 * the energy distance between the two empirical measures themselves:
 *
 * <pre>
 *   E(a, b) = 2/(n m) sum_{i,j} |a_i - b_j| - 1/n^2 sum_{i,j} |a_i - a_j| - 1/m^2 sum_{i,j} |b_i - b_j|
 * </pre>
 *
 * <p>It is always {@code >= 0}, is exactly 0 when the two sets are equal as multisets, and is
 * biased upward by {@code O(1/n + 1/m)} for two samples from one distribution (compare against a
 * data-vs-data floor of the same sizes). The value is the squared energy distance, not its square
 * root. Sizes may differ; {@code O((n + m)^2 d)} time.
 */
public final class EnergyDistance {

    private static final String NAME = "EnergyDistance";

    private EnergyDistance() {}

    /**
     * The energy distance V-statistic between two point sets.
     *
     * @param a the first set, {@code n >= 1} points
     * @param b the second set, {@code m >= 1} points of the same dimension
     * @return {@code E(a, b) >= 0} as defined in the class documentation
     * @throws IllegalArgumentException if dimensions differ, a set is empty or has a non-finite
     *     value
     */
    public static double compute(PointSet a, PointSet b) {
        Pairwise.checkComparable(NAME, a, b, 1);
        double n = a.n();
        double m = b.n();
        double cross = Pairwise.crossSum(a, b, Math::sqrt) / (n * m);
        double withinA = Pairwise.withinSum(a, Math::sqrt) / (n * n);
        double withinB = Pairwise.withinSum(b, Math::sqrt) / (m * m);
        // Mathematically >= 0; clamp round-off for identical sets.
        return Math.max(0, 2 * cross - withinA - withinB);
    }
}
