package dev.reflowkit.eval;

import java.util.List;

/**
 * Trajectory metrics of a sampler, as pure functions of flat {@code float} arrays (samples
 * sample-major, {@code dim} values each; {@code dim} is the product of the sample shape).
 *
 * <p><b>Straightness</b> (Liu et al. 2022, "Flow Straight and Fast", the straightness {@code S(Z)
 * = int_0^1 E ||(X_1 - X_0) - v(X_t, t)||^2 dt}, in our convention t = 0 data, t = 1 noise),
 * discretized on the states {@code x_0 .. x_K} a sampler visits at times {@code t_0 .. t_K}
 * ({@code t_0 = 1} the noise, {@code t_K = 0} the sample):
 *
 * <pre>
 *   a_k = (x_{k+1} - x_k) / (t_{k+1} - t_k)             the step's mean velocity
 *   u   = (x_K - x_0) / (t_K - t_0)  (= X_1 - X_0 when generating from 1 to 0)
 *   w_k = (t_{k+1} - t_k) / (t_K - t_0)                  the step's share of the time span
 *   S_i = sum_k w_k ||a_k - u||^2  =  sum_k w_k ||a_k||^2 - ||u||^2
 *   S   = mean_i S_i
 * </pre>
 *
 * Since {@code sum_k w_k a_k = u}, {@code S_i} is the time-weighted variance of the step velocities:
 * 0 exactly when the sample moves along a straight line at constant speed. For Euler steps
 * {@code a_k = v(x_k, t_k)}, so {@code S} is the left Riemann sum of Liu's integral; a one-step
 * sampler scores 0 by construction, and an adaptive solver's many steps approach the integral.
 *
 * <p><b>Transport cost</b>: {@code C = mean_i ||x1_i - x0_i||^2} between each noise {@code x1}
 * and the sample {@code x0} generated from it (the quantity optimal-transport couplings minimise).
 *
 * <p><b>Discretization error</b>: {@code E = mean_i ||x_i - xref_i||^2} between a few-step sample
 * and the reference (adaptive-solver) sample from the same noise, and its root {@code RMS =
 * sqrt(E)}; it isolates the solver's error from the model's.
 */
public final class TrajectoryMetrics {

    private TrajectoryMetrics() {}

    /**
     * The straightness of each sample's discrete path (formula in the class comment).
     *
     * @param states the states at each time, {@code n * dim} values each, start and end included
     * @param times the times of the states, strictly monotone, at least two
     * @param dim values per sample
     * @return {@code S_i} for each of the {@code n} samples
     * @throws IllegalArgumentException if the sizes disagree or the times are not strictly monotone
     */
    public static double[] straightnessPerSample(List<float[]> states, double[] times, int dim) {
        if (states == null || times == null || states.size() != times.length || times.length < 2) {
            throw new IllegalArgumentException("straightness needs one state per time and at least two times, got "
                    + (states == null ? "null" : states.size()) + " states and "
                    + (times == null ? "null" : times.length) + " times");
        }
        int n = samples(states.get(0), dim, "state 0");
        for (int k = 1; k < states.size(); k++) {
            if (samples(states.get(k), dim, "state " + k) != n) {
                throw new IllegalArgumentException("state " + k + " holds " + states.get(k).length
                        + " values, state 0 holds " + states.get(0).length);
            }
        }
        double span = times[times.length - 1] - times[0];
        for (int k = 1; k < times.length; k++) {
            double dt = times[k] - times[k - 1];
            if (!(dt != 0 && Math.signum(dt) == Math.signum(span) && Double.isFinite(dt))) {
                throw new IllegalArgumentException("times must be strictly monotone and finite, got "
                        + times[k - 1] + " then " + times[k] + " at index " + k);
            }
        }
        float[] first = states.get(0);
        float[] last = states.get(states.size() - 1);
        double[] out = new double[n];
        for (int k = 0; k + 1 < states.size(); k++) {
            float[] x = states.get(k);
            float[] y = states.get(k + 1);
            double dt = times[k + 1] - times[k];
            double w = dt / span;
            for (int i = 0; i < n; i++) {
                double s = 0;
                for (int j = i * dim; j < (i + 1) * dim; j++) {
                    double a = ((double) y[j] - x[j]) / dt;
                    double u = ((double) last[j] - first[j]) / span;
                    s += (a - u) * (a - u);
                }
                out[i] += w * s;
            }
        }
        return out;
    }

    /**
     * The straightness {@code S}: the mean of {@link #straightnessPerSample}.
     *
     * @param states the states at each time, {@code n * dim} values each, start and end included
     * @param times the times of the states, strictly monotone, at least two
     * @param dim values per sample
     * @return {@code S}
     */
    public static double straightness(List<float[]> states, double[] times, int dim) {
        return mean(straightnessPerSample(states, times, dim));
    }

    /**
     * The squared distance of each sample pair, {@code ||a_i - b_i||^2}.
     *
     * @param a samples, {@code n * dim} values
     * @param b samples, {@code n * dim} values
     * @param dim values per sample
     * @return the {@code n} squared distances
     * @throws IllegalArgumentException if the sizes disagree
     */
    public static double[] squaredDistances(float[] a, float[] b, int dim) {
        int n = samples(a, dim, "first set");
        if (b == null || b.length != a.length) {
            throw new IllegalArgumentException("sample sets differ in size: " + a.length + " and "
                    + (b == null ? "null" : b.length) + " values");
        }
        double[] out = new double[n];
        for (int i = 0; i < n; i++) {
            double s = 0;
            for (int j = i * dim; j < (i + 1) * dim; j++) {
                double d = (double) a[j] - b[j];
                s += d * d;
            }
            out[i] = s;
        }
        return out;
    }

    /**
     * The transport cost {@code C = mean_i ||x1_i - x0_i||^2}.
     *
     * @param noise the start noise {@code x1}, {@code n * dim} values
     * @param samples the samples {@code x0} generated from it, same size
     * @param dim values per sample
     * @return {@code C}
     */
    public static double transportCost(float[] noise, float[] samples, int dim) {
        return mean(squaredDistances(noise, samples, dim));
    }

    /**
     * The discretization error of samples against reference samples from the same noise.
     *
     * @param samples the few-step samples, {@code n * dim} values
     * @param reference the reference samples from the same noise, same size
     * @param dim values per sample
     * @return {@code E = mean_i ||x_i - xref_i||^2} and {@code sqrt(E)}
     */
    public static DiscretizationError discretizationError(float[] samples, float[] reference, int dim) {
        double e = mean(squaredDistances(samples, reference, dim));
        return new DiscretizationError(e, Math.sqrt(e));
    }

    private static int samples(float[] values, int dim, String what) {
        if (dim < 1) {
            throw new IllegalArgumentException("values per sample must be >= 1, got " + dim);
        }
        if (values == null || values.length == 0 || values.length % dim != 0) {
            throw new IllegalArgumentException(what + " must hold a positive multiple of " + dim + " values, got "
                    + (values == null ? "null" : values.length));
        }
        return values.length / dim;
    }

    static double mean(double[] values) {
        double s = 0;
        for (double v : values) {
            s += v;
        }
        return s / values.length;
    }
}
