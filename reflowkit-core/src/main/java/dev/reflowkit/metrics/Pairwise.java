package dev.reflowkit.metrics;

import dev.reflowkit.data.PointSet;

/** Package-private helpers shared by the pairwise metrics: argument checks and distances. */
final class Pairwise {

    private Pairwise() {}

    /**
     * Checks that two point sets can be compared: same dimension, non-empty enough, finite.
     *
     * @param metric the metric's name, for messages
     * @param a the first set
     * @param b the second set
     * @param minPoints the least number of points each set needs
     */
    static void checkComparable(String metric, PointSet a, PointSet b, int minPoints) {
        if (a.d() != b.d()) {
            throw new IllegalArgumentException(
                    metric + ": point sets have different dimensions, " + a.d() + " vs " + b.d());
        }
        checkUsable(metric, "first", a, minPoints);
        checkUsable(metric, "second", b, minPoints);
    }

    /**
     * Checks that one point set has enough points and only finite values.
     *
     * @param metric the metric's name, for messages
     * @param which which argument, for messages
     * @param p the set
     * @param minPoints the least number of points it needs
     */
    static void checkUsable(String metric, String which, PointSet p, int minPoints) {
        if (p.n() < minPoints) {
            throw new IllegalArgumentException(
                    metric + ": the " + which + " point set has " + p.n() + " points, needs at least "
                            + minPoints);
        }
        if (!p.allFinite()) {
            throw new IllegalArgumentException(
                    metric + ": the " + which + " point set has a NaN or infinite value");
        }
    }

    /**
     * Squared Euclidean distance between point {@code i} of {@code x} and point {@code j} of
     * {@code y}, accumulated in double.
     *
     * @param x first data, row-major with {@code d} columns
     * @param i row in {@code x}
     * @param y second data, row-major with {@code d} columns
     * @param j row in {@code y}
     * @param d the dimension
     * @return {@code ||x_i - y_j||^2}
     */
    static double squaredDistance(float[] x, int i, float[] y, int j, int d) {
        int oi = i * d;
        int oj = j * d;
        double s = 0;
        for (int k = 0; k < d; k++) {
            double t = (double) x[oi + k] - y[oj + k];
            s += t * t;
        }
        return s;
    }

    /**
     * Sum of {@code f(||x_i - y_j||^2)} over all pairs of points from two sets.
     *
     * @param x first set
     * @param y second set
     * @param f the function of the squared distance
     * @return the sum over {@code n_x * n_y} pairs
     */
    static double crossSum(PointSet x, PointSet y, SquaredDistanceFunction f) {
        float[] xd = x.data();
        float[] yd = y.data();
        int d = x.d();
        double sum = 0;
        for (int i = 0; i < x.n(); i++) {
            double row = 0;
            for (int j = 0; j < y.n(); j++) {
                row += f.apply(squaredDistance(xd, i, yd, j, d));
            }
            sum += row;
        }
        return sum;
    }

    /**
     * Sum of {@code f(||x_i - x_j||^2)} over ordered pairs {@code i != j} of one set (twice the
     * sum over {@code i < j}).
     *
     * @param x the set
     * @param f the function of the squared distance
     * @return the sum over {@code n (n - 1)} ordered pairs
     */
    static double withinSum(PointSet x, SquaredDistanceFunction f) {
        float[] xd = x.data();
        int d = x.d();
        double sum = 0;
        for (int i = 0; i < x.n(); i++) {
            double row = 0;
            for (int j = i + 1; j < x.n(); j++) {
                row += f.apply(squaredDistance(xd, i, xd, j, d));
            }
            sum += row;
        }
        return 2 * sum;
    }

    /** A function of a squared distance, e.g. the distance itself or a Gaussian kernel. */
    @FunctionalInterface
    interface SquaredDistanceFunction {
        double apply(double squaredDistance);
    }
}
