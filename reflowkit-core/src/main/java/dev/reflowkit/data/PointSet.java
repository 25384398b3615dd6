package dev.reflowkit.data;

import java.util.Arrays;

/**
 * A set of {@code n} points in {@code d} dimensions, stored row-major in one float array.
 *
 * @param n number of points
 * @param d dimension of each point
 * @param data row-major values, length {@code n * d}; point {@code i} is {@code data[i*d .. i*d+d)}
 */
public record PointSet(int n, int d, float[] data) {

    /** Checks the shape. */
    public PointSet {
        if (n < 0 || d <= 0) {
            throw new IllegalArgumentException("bad point-set shape [" + n + ", " + d + "]");
        }
        if ((long) n * d != data.length) {
            throw new IllegalArgumentException(
                    "point-set data has " + data.length + " values, expected " + n + " x " + d);
        }
    }

    /**
     * Coordinate {@code j} of point {@code i}.
     *
     * @param i point index
     * @param j coordinate index
     * @return the value
     */
    public float get(int i, int j) {
        return data[i * d + j];
    }

    /**
     * The first {@code count} points (a copy).
     *
     * @param count how many
     * @return a new point set
     */
    public PointSet head(int count) {
        return slice(0, count);
    }

    /**
     * Points {@code from} (inclusive) to {@code to} (exclusive), copied.
     *
     * @param from first index
     * @param to end index
     * @return a new point set
     */
    public PointSet slice(int from, int to) {
        if (from < 0 || to > n || from > to) {
            throw new IndexOutOfBoundsException("slice [" + from + ", " + to + ") of " + n);
        }
        return new PointSet(to - from, d, Arrays.copyOfRange(data, from * d, to * d));
    }

    /**
     * Whether every value is finite.
     *
     * @return true if no NaN or infinity
     */
    public boolean allFinite() {
        for (float v : data) {
            if (!Float.isFinite(v)) {
                return false;
            }
        }
        return true;
    }
}
