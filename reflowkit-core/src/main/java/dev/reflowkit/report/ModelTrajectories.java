package dev.reflowkit.report;

import dev.reflowkit.data.PointSet;
import java.util.List;

/**
 * Solver paths of one model at one NFE: the states of the same {@code n} samples at every grid
 * point, from the noise ({@code t = 1}) to the generated sample ({@code t = 0}).
 *
 * @param model the model name
 * @param nfe velocity evaluations per sample
 * @param states one point set per grid point, in solver order, all with the same {@code n} and
 *     {@code d}; at least two
 */
public record ModelTrajectories(String model, int nfe, List<PointSet> states) {

    /** Checks and copies the fields. */
    public ModelTrajectories {
        ReportData.requireName(model);
        String what = "trajectories of model '" + model + "' at NFE " + nfe;
        if (nfe < 1) {
            throw new IllegalArgumentException(what + ": NFE must be >= 1");
        }
        if (states == null || states.size() < 2) {
            throw new IllegalArgumentException(what + " need at least two states (start and end), got "
                    + (states == null ? "null" : states.size()));
        }
        states = List.copyOf(states);
        PointSet first = states.get(0);
        ReportData.requirePlottable(first, what);
        for (int k = 1; k < states.size(); k++) {
            PointSet s = states.get(k);
            if (s.n() != first.n() || s.d() != first.d()) {
                throw new IllegalArgumentException(what + ": state " + k + " has shape [" + s.n() + ", " + s.d()
                        + "], state 0 has [" + first.n() + ", " + first.d() + "]");
            }
        }
    }

    /**
     * The number of paths.
     *
     * @return {@code n}
     */
    public int paths() {
        return states.get(0).n();
    }

    /**
     * How straight the paths are: the mean over paths of chord length over path length,
     *
     * <pre>
     *   S = 1/n sum_i |x_i(end) - x_i(start)| / sum_k |x_i(k+1) - x_i(k)|,
     * </pre>
     *
     * <p>in all {@code d} dimensions; 1 for straight paths, smaller for curved ones. A path that
     * does not move counts as straight.
     *
     * @return S in [0, 1]
     */
    public double straightness() {
        PointSet start = states.get(0);
        PointSet end = states.get(states.size() - 1);
        int n = start.n();
        double sum = 0;
        for (int i = 0; i < n; i++) {
            double length = 0;
            for (int k = 0; k + 1 < states.size(); k++) {
                length += distance(states.get(k), states.get(k + 1), i);
            }
            double chord = distance(start, end, i);
            sum += length > 0 ? Math.min(1.0, chord / length) : 1.0;
        }
        return sum / n;
    }

    private static double distance(PointSet a, PointSet b, int i) {
        double s = 0;
        for (int j = 0; j < a.d(); j++) {
            double diff = (double) a.get(i, j) - b.get(i, j);
            s += diff * diff;
        }
        return Math.sqrt(s);
    }
}
