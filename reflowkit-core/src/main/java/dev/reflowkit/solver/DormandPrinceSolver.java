package dev.reflowkit.solver;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import dev.reflowkit.engine.Engines;
import dev.reflowkit.field.VelocityField;
import java.util.ArrayList;
import java.util.List;

/**
 * The adaptive Dormand-Prince 5(4) method (Dormand and Prince 1980; Hairer, Norsett and Wanner,
 * "Solving Ordinary Differential Equations I", II.5), with FSAL and a standard step controller.
 *
 * <p>A step of size {@code h} evaluates {@code k1 .. k7} with the nodes {@code c = (0, 1/5, 3/10,
 * 4/5, 8/9, 1, 1)} and the usual tableau {@code a}; the fifth-order solution is
 * {@code x5 = x + h sum_i b_i k_i} with {@code b = (35/384, 0, 500/1113, 125/192, -2187/6784,
 * 11/84, 0)} and the error estimate is {@code err = h sum_i e_i k_i} with {@code e = b - b*},
 * {@code b*} the embedded fourth-order weights. {@code k7 = v(x5, t + h)} is the next step's
 * {@code k1} (first same as last), so an accepted or rejected step costs 6 NFE, plus 1 for the
 * first {@code k1}, plus 1 for the automatic initial step (Hairer's algorithm, II.4) when no
 * {@link Builder#optInitialStep initial step} is given. The reported NFE is the exact count.
 *
 * <p>Error norm, over all elements {@code j} of the whole batch:
 *
 * <pre>
 *   E = sqrt( mean_j ( err_j / (atol + rtol max(|x_j|, |x5_j|)) )^2 )
 * </pre>
 *
 * A step is accepted when {@code E <= 1}; the next step is {@code h * clamp(0.9 E^(-1/5), 0.2,
 * 10)} (at most {@code h} right after a rejection). The solver integrates between consecutive
 * points of the grid and lands on each exactly (a step that would pass a grid point, or fall short
 * of it by less than 10%, is set to end on it), so the trajectory holds the states at the grid
 * points. The callback is called after every accepted step. The arithmetic is float32, so
 * tolerances much below {@code 1e-6} cannot be met and end in {@link NfeLimitExceededException}.
 */
public final class DormandPrinceSolver implements OdeSolver {

    /** The solver's name, {@value}. */
    public static final String NAME = "dopri5";

    private static final double C2 = 1.0 / 5;
    private static final double C3 = 3.0 / 10;
    private static final double C4 = 4.0 / 5;
    private static final double C5 = 8.0 / 9;
    private static final double[] A2 = {1.0 / 5};
    private static final double[] A3 = {3.0 / 40, 9.0 / 40};
    private static final double[] A4 = {44.0 / 45, -56.0 / 15, 32.0 / 9};
    private static final double[] A5 = {
        19372.0 / 6561, -25360.0 / 2187, 64448.0 / 6561, -212.0 / 729
    };
    private static final double[] A6 = {
        9017.0 / 3168, -355.0 / 33, 46732.0 / 5247, 49.0 / 176, -5103.0 / 18656
    };
    /** Fifth-order weights (also the seventh stage's row); b7 = 0. */
    private static final double[] B = {
        35.0 / 384, 0, 500.0 / 1113, 125.0 / 192, -2187.0 / 6784, 11.0 / 84
    };
    /** b - b*, the difference to the embedded fourth-order weights. */
    private static final double[] E = {
        71.0 / 57600, 0, -71.0 / 16695, 71.0 / 1920, -17253.0 / 339200, 22.0 / 525, -1.0 / 40
    };

    private static final double SAFETY = 0.9;
    private static final double MIN_FACTOR = 0.2;
    private static final double MAX_FACTOR = 10;
    private static final double LAND_SLACK = 1.1;

    private final double atol;
    private final double rtol;
    private final int maxNfe;
    private final double initialStep;

    private DormandPrinceSolver(Builder builder) {
        atol = builder.atol;
        rtol = builder.rtol;
        maxNfe = builder.maxNfe;
        initialStep = builder.initialStep;
        if (!(atol >= 0) || !(rtol >= 0) || !(atol + rtol > 0)
                || !Double.isFinite(atol) || !Double.isFinite(rtol)) {
            throw new IllegalArgumentException("dopri5 needs atol >= 0, rtol >= 0, not both 0, "
                    + "got atol=" + atol + ", rtol=" + rtol);
        }
        if (maxNfe < 8) {
            throw new IllegalArgumentException("dopri5 needs maxNfe >= 8, got " + maxNfe);
        }
        if (!Double.isNaN(initialStep) && !(initialStep > 0 && Double.isFinite(initialStep))) {
            throw new IllegalArgumentException(
                    "dopri5 initial step must be positive and finite, got " + initialStep);
        }
    }

    /** Creates the solver with the defaults (atol = rtol = 1e-5, maxNfe = 10000). */
    public DormandPrinceSolver() {
        this(builder());
    }

    /**
     * A builder with atol = rtol = 1e-5, maxNfe = 10000 and an automatic initial step.
     *
     * @return a new builder
     */
    public static Builder builder() {
        return new Builder();
    }

    /** {@inheritDoc} */
    @Override
    public SampleResult solve(
            VelocityField field,
            NDArray x,
            double[] grid,
            boolean keepTrajectory,
            StepCallback callback) {
        SolverInputs.check(NAME, field, x, grid);
        StepCallback cb = callback == null ? StepCallback.NONE : callback;
        double[] times = grid.clone();
        NDManager outer = x.getManager();
        FieldCalls calls = new FieldCalls(field, NAME, maxNfe);
        List<NDArray> trajectory = new ArrayList<>();
        List<Double> accepted = new ArrayList<>();
        double span = Math.abs(times[times.length - 1] - times[0]);
        NDArray state = null;
        NDArray k1 = null;
        try {
            if (keepTrajectory) {
                trajectory.add(FixedStepSolver.copyTo(x, outer));
            }
            state = FixedStepSolver.copyTo(x, outer);
            accepted.add(times[0]);
            double h = initialStep;
            boolean rejectedLast = false;
            int stepIndex = 0;
            for (int seg = 0; seg + 1 < times.length; seg++) {
                double t = times[seg];
                double target = times[seg + 1];
                double dir = Math.signum(target - t);
                while (t != target) {
                    try (NDManager sub = outer.newSubManager()) {
                        state.attach(sub);
                        if (k1 == null) {
                            k1 = calls.velocity(state, t);
                        } else {
                            k1.attach(sub);
                        }
                        if (Double.isNaN(h)) {
                            h = Math.min(initialStepSize(calls, state, k1, t, dir), span);
                        }
                        double remaining = Math.abs(target - t);
                        boolean lands = h * LAND_SLACK >= remaining;
                        double hAbs = lands ? remaining : h;
                        if (hAbs <= 1e-12 * Math.max(1, Math.abs(t))) {
                            throw new IllegalStateException("dopri5 step size underflow at t="
                                    + t + " (h=" + hAbs + "); the field may be non-finite");
                        }
                        double hs = dir * hAbs;
                        double tNew = lands ? target : t + hs;
                        NDArray[] k = stages(calls, state, k1, t, hs, tNew);
                        NDArray x5 = k[7];
                        double err = errorNorm(state, x5, k, hs);
                        if (err <= 1) {
                            double factor = err == 0
                                    ? MAX_FACTOR
                                    : clamp(SAFETY * Math.pow(err, -0.2));
                            if (rejectedLast) {
                                factor = Math.min(factor, 1);
                            }
                            double proposed = hAbs * factor;
                            h = lands ? Math.max(h, proposed) : proposed;
                            rejectedLast = false;
                            t = tNew;
                            state = x5;
                            k1 = k[6];
                            accepted.add(t);
                            cb.onStep(stepIndex++, t, state);
                        } else {
                            double factor = Double.isFinite(err)
                                    ? clamp(SAFETY * Math.pow(err, -0.2))
                                    : MIN_FACTOR;
                            h = hAbs * Math.min(factor, 1);
                            rejectedLast = true;
                        }
                        state.attach(outer);
                        k1.attach(outer);
                    }
                }
                if (keepTrajectory) {
                    trajectory.add(FixedStepSolver.copyTo(state, outer));
                }
            }
            k1.close();
            k1 = null;
        } catch (RuntimeException | Error e) {
            trajectory.forEach(NDArray::close);
            if (state != null) {
                state.close();
            }
            if (k1 != null) {
                k1.close();
            }
            throw e;
        }
        double[] resultTimes = keepTrajectory
                ? times
                : accepted.stream().mapToDouble(Double::doubleValue).toArray();
        return new SampleResult(
                state, calls.count(), keepTrajectory ? trajectory : List.of(), resultTimes);
    }

    /**
     * Evaluates stages 2 to 7.
     *
     * @return {@code k[0..6] = k1..k7}, {@code k[7] = x5}
     */
    private static NDArray[] stages(
            FieldCalls calls, NDArray x, NDArray k1, double t, double h, double tNew) {
        NDArray[] k = new NDArray[8];
        k[0] = k1;
        k[1] = calls.velocity(combine(x, h, A2, k), t + C2 * h);
        k[2] = calls.velocity(combine(x, h, A3, k), t + C3 * h);
        k[3] = calls.velocity(combine(x, h, A4, k), t + C4 * h);
        k[4] = calls.velocity(combine(x, h, A5, k), t + C5 * h);
        k[5] = calls.velocity(combine(x, h, A6, k), t + h);
        NDArray x5 = combine(x, h, B, k);
        k[6] = calls.velocity(x5, tNew);
        k[7] = x5;
        return k;
    }

    /** {@code x + h sum_i w_i k_i} over the nonzero weights. */
    private static NDArray combine(NDArray x, double h, double[] w, NDArray[] k) {
        NDArray acc = null;
        for (int i = 0; i < w.length; i++) {
            if (w[i] != 0) {
                NDArray term = k[i].mul(w[i]);
                acc = acc == null ? term : acc.add(term);
            }
        }
        return x.add(acc.mul(h));
    }

    /** The RMS error norm of {@code h sum_i e_i k_i} scaled by the mixed tolerance. */
    private double errorNorm(NDArray x, NDArray x5, NDArray[] k, double h) {
        NDArray err = combine(x.zerosLike(), h, E, k);
        NDArray scale = x.abs().maximum(x5.abs()).mul(rtol).add(atol);
        return rms(err, scale);
    }

    /** Hairer's initial step (II.4), costing one evaluation. */
    private double initialStepSize(
            FieldCalls calls, NDArray x, NDArray f0, double t, double dir) {
        NDArray scale = x.abs().mul(rtol).add(atol);
        double d0 = rms(x, scale);
        double d1 = rms(f0, scale);
        double h0 = (d0 < 1e-5 || d1 < 1e-5) ? 1e-6 : 0.01 * d0 / d1;
        NDArray x1 = x.add(f0.mul(dir * h0));
        NDArray f1 = calls.velocity(x1, t + dir * h0);
        double d2 = rms(f1.sub(f0), scale) / h0;
        double dmax = Math.max(d1, d2);
        double h1 = dmax <= 1e-15 ? Math.max(1e-6, h0 * 1e-3) : Math.pow(0.01 / dmax, 0.2);
        return Math.min(100 * h0, h1);
    }

    /** {@code sqrt(mean((a / scale)^2))}, added on one thread: the steps do not depend on the thread count. */
    private static double rms(NDArray a, NDArray scale) {
        return Math.sqrt(Engines.onOneThread(() -> a.div(scale).square().mean().getFloat()));
    }

    private static double clamp(double factor) {
        return Math.max(MIN_FACTOR, Math.min(MAX_FACTOR, factor));
    }

    /** {@inheritDoc} */
    @Override
    public String name() {
        return NAME;
    }

    @Override
    public String toString() {
        return NAME + "(atol=" + atol + ", rtol=" + rtol + ", maxNfe=" + maxNfe + ")";
    }

    /**
     * The absolute tolerance.
     *
     * @return atol
     */
    public double getAtol() {
        return atol;
    }

    /**
     * The relative tolerance.
     *
     * @return rtol
     */
    public double getRtol() {
        return rtol;
    }

    /**
     * The NFE cap.
     *
     * @return maxNfe
     */
    public int getMaxNfe() {
        return maxNfe;
    }

    /** Builds a {@link DormandPrinceSolver}. */
    public static final class Builder {

        private double atol = 1e-5;
        private double rtol = 1e-5;
        private int maxNfe = 10_000;
        private double initialStep = Double.NaN;

        private Builder() {}

        /**
         * Sets the absolute tolerance (default 1e-5).
         *
         * @param atol a value {@code >= 0}
         * @return this builder
         */
        public Builder optAtol(double atol) {
            this.atol = atol;
            return this;
        }

        /**
         * Sets the relative tolerance (default 1e-5).
         *
         * @param rtol a value {@code >= 0}
         * @return this builder
         */
        public Builder optRtol(double rtol) {
            this.rtol = rtol;
            return this;
        }

        /**
         * Sets the most velocity evaluations one solve may use (default 10000); the evaluation
         * that would exceed it throws {@link NfeLimitExceededException}.
         *
         * @param maxNfe the cap, at least 8 (one step plus the start)
         * @return this builder
         */
        public Builder optMaxNfe(int maxNfe) {
            this.maxNfe = maxNfe;
            return this;
        }

        /**
         * Sets the size of the first step, a positive magnitude in time units (default: chosen
         * automatically at the cost of one evaluation).
         *
         * @param initialStep the first step's size
         * @return this builder
         */
        public Builder optInitialStep(double initialStep) {
            this.initialStep = initialStep;
            return this;
        }

        /**
         * Builds the solver.
         *
         * @return the solver
         * @throws IllegalArgumentException if an option is out of range
         */
        public DormandPrinceSolver build() {
            return new DormandPrinceSolver(this);
        }
    }
}
