package dev.reflowkit.solver.grid;

import java.util.Arrays;

/**
 * A user-given list of times, e.g. a grid tuned by hand or by {@code reflow tune-grid}. Sampling
 * plans run from t = 1 to t = 0, so a generation grid starts at 1 and ends at 0.
 *
 * <p>The list must be strictly monotone; its first and last times define the interval and its
 * length defines the step count. {@link #points} returns the list when asked for exactly that
 * interval and step count, the list reversed when asked for the reversed interval (so a custom
 * generation grid also serves inversion), and throws otherwise.
 */
public final class CustomGrid implements TimeGrid {

    /** The grid's name, {@value}. */
    public static final String NAME = "custom";

    private final double[] times;

    private CustomGrid(double[] times) {
        this.times = times.clone();
        ShapedGrid.checkStrictlyMonotone(this.times, NAME);
    }

    /**
     * A custom grid through the given times.
     *
     * @param times at least two finite, strictly monotone times
     * @return the grid
     * @throws IllegalArgumentException if the list is too short or not strictly monotone
     */
    public static CustomGrid of(double... times) {
        if (times == null) {
            throw new IllegalArgumentException("custom grid needs a list of times, got null");
        }
        return new CustomGrid(times);
    }

    /**
     * Parses a comma-separated list of times, e.g. {@code "1, 0.6, 0.25, 0"}.
     *
     * @param list the times
     * @return the grid
     * @throws IllegalArgumentException if a value is not a number or the list is invalid
     */
    public static CustomGrid parse(String list) {
        if (list == null || list.isBlank()) {
            throw new IllegalArgumentException("custom grid needs a list of times, got '"
                    + list + "'");
        }
        String[] parts = list.split(",");
        double[] t = new double[parts.length];
        for (int i = 0; i < parts.length; i++) {
            try {
                t[i] = Double.parseDouble(parts[i].trim());
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException(
                        "custom grid time " + i + " is not a number: '" + parts[i].trim() + "'",
                        e);
            }
        }
        return new CustomGrid(t);
    }

    /**
     * The list's times (a copy).
     *
     * @return the times, in the given order
     */
    public double[] times() {
        return times.clone();
    }

    /**
     * The number of intervals of the list.
     *
     * @return {@code times().length - 1}
     */
    public int steps() {
        return times.length - 1;
    }

    /**
     * Returns the list (or the list reversed) after checking that the request agrees with it.
     *
     * @param start must equal the list's first time (or its last, for the reversed list)
     * @param end must equal the list's last time (or its first)
     * @param steps must equal {@link #steps()}
     * @return a copy of the times, in the requested direction
     * @throws IllegalArgumentException if start, end or steps do not agree with the list
     */
    @Override
    public double[] points(double start, double end, int steps) {
        double first = times[0];
        double last = times[times.length - 1];
        if (steps != steps()) {
            throw new IllegalArgumentException(
                    "custom grid has " + steps() + " steps (" + times.length
                            + " times), but " + steps + " steps were requested");
        }
        if (start == first && end == last) {
            return times.clone();
        }
        if (start == last && end == first) {
            double[] r = new double[times.length];
            for (int i = 0; i < times.length; i++) {
                r[i] = times[times.length - 1 - i];
            }
            return r;
        }
        throw new IllegalArgumentException(
                "custom grid runs from " + first + " to " + last + " (or reversed), but ["
                        + start + " -> " + end + "] was requested");
    }

    /** {@inheritDoc} */
    @Override
    public String name() {
        return NAME;
    }

    @Override
    public String toString() {
        return NAME + Arrays.toString(times);
    }
}
