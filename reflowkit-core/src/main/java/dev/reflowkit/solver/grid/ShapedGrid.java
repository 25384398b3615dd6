package dev.reflowkit.solver.grid;

/**
 * A time grid defined by a normalized shape {@code g(u)} on {@code u in [0, 1]} with
 * {@code g(0) = 1}, {@code g(1) = 0}, strictly decreasing, given in the generation direction (from
 * the noise end toward the data end).
 *
 * <p>Mapping to an interval with {@code hi = max(start, end)}, {@code lo = min(start, end)}:
 *
 * <pre>
 *   q_i = lo + (hi - lo) * g(i / steps),   i = 0 .. steps      (q_0 = hi, q_steps = lo)
 * </pre>
 *
 * For {@code start > end} the points are {@code q_0 .. q_steps}; for {@code start < end}
 * (inversion) the same points in reverse order. The two end points are set to {@code start} and
 * {@code end} exactly, so no rounding in {@code lo + (hi - lo) * 1} can move them.
 */
public abstract class ShapedGrid implements TimeGrid {

    /**
     * The normalized shape {@code g(u)}; must satisfy {@code g(0) = 1}, {@code g(1) = 0} and be
     * strictly decreasing.
     *
     * @param u the fraction of the way from the noise end to the data end, in {@code [0, 1]}
     * @return the normalized time, in {@code [0, 1]}
     */
    public abstract double shape(double u);

    /** {@inheritDoc} */
    @Override
    public double[] points(double start, double end, int steps) {
        checkInterval(start, end, steps);
        double hi = Math.max(start, end);
        double lo = Math.min(start, end);
        double[] q = new double[steps + 1];
        for (int i = 1; i < steps; i++) {
            q[i] = lo + (hi - lo) * shape((double) i / steps);
        }
        q[0] = hi;
        q[steps] = lo;
        double[] p = new double[steps + 1];
        boolean descending = start > end;
        for (int i = 0; i <= steps; i++) {
            p[i] = descending ? q[i] : q[steps - i];
        }
        checkStrictlyMonotone(p, name());
        return p;
    }

    /**
     * Validates an interval and step count.
     *
     * @param start first time
     * @param end last time
     * @param steps number of intervals
     * @throws IllegalArgumentException if a value is not finite, {@code start == end} or
     *     {@code steps < 1}
     */
    static void checkInterval(double start, double end, int steps) {
        if (!Double.isFinite(start) || !Double.isFinite(end)) {
            throw new IllegalArgumentException(
                    "grid interval must be finite, got start=" + start + ", end=" + end);
        }
        if (start == end) {
            throw new IllegalArgumentException(
                    "grid interval is empty: start == end == " + start);
        }
        if (steps < 1) {
            throw new IllegalArgumentException("grid needs steps >= 1, got " + steps);
        }
    }

    /**
     * Checks that times are strictly monotone (increasing or decreasing).
     *
     * @param p the times, at least two
     * @param what the grid's name, for the message
     * @throws IllegalArgumentException if two neighbours are equal, out of order or not finite
     */
    static void checkStrictlyMonotone(double[] p, String what) {
        if (p.length < 2) {
            throw new IllegalArgumentException(
                    what + " grid needs at least two points, got " + p.length);
        }
        double sign = Math.signum(p[p.length - 1] - p[0]);
        for (int i = 0; i < p.length; i++) {
            if (!Double.isFinite(p[i])) {
                throw new IllegalArgumentException(
                        what + " grid point " + i + " is not finite: " + p[i]);
            }
            if (i > 0 && Math.signum(p[i] - p[i - 1]) != sign) {
                throw new IllegalArgumentException(
                        what + " grid is not strictly monotone at index " + i + ": "
                                + p[i - 1] + " then " + p[i]
                                + " (too many steps for this shape, or a bad time list)");
            }
        }
    }

    @Override
    public String toString() {
        return name();
    }
}
