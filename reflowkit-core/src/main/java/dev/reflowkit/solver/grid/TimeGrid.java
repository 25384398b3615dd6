package dev.reflowkit.solver.grid;

/**
 * A time discretization: a pure function from an interval and a step count to the times a
 * fixed-step solver passes through.
 *
 * <p>Contract: {@code points(start, end, steps)} returns {@code steps + 1} strictly monotone times
 * with {@code points[0] == start} and {@code points[steps] == end} exactly (no rounding at the
 * ends). Either direction is allowed: {@code start > end} generates (noise {@code t = 1} toward data
 * {@code t = 0}), {@code start < end} inverts. Grids defined by a shape (see {@link ShapedGrid})
 * return for an inversion the generation grid's points in reverse order, so a round trip
 * {@code 1 -> 0 -> 1} visits the same times.
 */
public interface TimeGrid {

    /**
     * The grid's times from {@code start} to {@code end}.
     *
     * @param start the first time, returned exactly as {@code points[0]}
     * @param end the last time, returned exactly as {@code points[steps]}; must differ from start
     * @param steps the number of intervals, at least 1
     * @return {@code steps + 1} strictly monotone times
     * @throws IllegalArgumentException if the interval or step count is invalid for this grid
     */
    double[] points(double start, double end, int steps);

    /**
     * The grid's name as used in configs and the CLI, e.g. {@code "edm"}.
     *
     * @return the name
     */
    String name();
}
