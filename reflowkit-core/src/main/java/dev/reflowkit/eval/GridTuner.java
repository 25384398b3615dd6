package dev.reflowkit.eval;

import ai.djl.ndarray.NDManager;
import dev.reflowkit.field.VelocityField;
import dev.reflowkit.sampling.BatchSampler;
import dev.reflowkit.solver.SamplerPlan;
import dev.reflowkit.solver.Samplers;
import dev.reflowkit.solver.grid.CustomGrid;
import dev.reflowkit.solver.grid.TimeGrid;
import dev.reflowkit.train.StepRandom;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Tunes a time grid for one model, solver and NFE budget (ours, in the spirit of learned step
 * schedules such as Align Your Steps, Sabour et al. 2024): the monotone grid points that minimise
 * the discretization error of the few-step samples against the model's own adaptive solution,
 *
 * <pre>
 *   E(t_1, ..., t_{K-1}) = mean_i || x_i(t) - xref_i ||^2,   1 = t_0 > t_1 > ... > t_K = 0,
 * </pre>
 *
 * on a held-out batch of noise ({@code count} samples of the seed's tuning stream, which no
 * evaluation uses). {@code K} is the plan's step count for the NFE ({@link Samplers#steps}).
 *
 * <p>Search: start from the baseline grid with the smallest error (e.g. uniform, edm, sigmoid),
 * then coordinate descent: for each interior point in turn, a golden-section search of its
 * position between its two neighbours (8 evaluations, to 2% of the bracket), keeping the best
 * point seen; sweeps repeat until one improves {@code E} by less than 0.1% or {@code sweeps} are
 * done. Every step keeps the best grid seen, so the result is never worse than the best baseline on
 * the tuning batch. Deterministic: the noise is seeded and the search has no randomness. A tuner
 * computes the adaptive solution once and reuses it for every solver and NFE it tunes.
 */
public final class GridTuner {

    /** Stream id of the tuning noise, derived from the seed. */
    public static final long STREAM_TUNING = 301;

    private static final double GOLDEN = (Math.sqrt(5) - 1) / 2;
    private static final int SECTIONS = 8;
    /** The smallest share of a bracket a point keeps from either neighbour. */
    private static final double MARGIN = 1e-3;

    private final VelocityField field;
    private final long[] sampleShape;
    private final SamplerPlan reference;
    private final int count;
    private final long seed;
    private final int batchSize;
    private final int sweeps;
    private float[] target;

    private GridTuner(Builder b) {
        this.field = b.field;
        this.sampleShape = b.sampleShape.clone();
        this.reference = b.reference;
        this.count = b.count;
        this.seed = b.seed;
        this.batchSize = b.batchSize;
        this.sweeps = b.sweeps;
    }

    /**
     * A builder; {@code setField}, {@code setSampleShape} and {@code setReference} are required.
     *
     * @return the builder
     */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * Tunes the grid of a solver at an NFE budget, generating from t = 1 to t = 0.
     *
     * @param solver a fixed-step solver's name ({@link Samplers#NAMES})
     * @param nfe the NFE budget
     * @param baselines named grids to start from and compare with (at least one)
     * @param manager the manager for sampling
     * @return the tuned grid, its error and the baselines' errors on the tuning batch
     * @throws IllegalArgumentException if the solver or NFE is infeasible, or no baseline is given
     */
    public Result tune(String solver, int nfe, Map<String, TimeGrid> baselines, NDManager manager) {
        if (baselines.isEmpty()) {
            throw new IllegalArgumentException("grid tuning needs at least one baseline grid to start from");
        }
        int steps = Samplers.steps(solver, nfe);
        long t0 = System.nanoTime();
        long noiseSeed = StepRandom.derive(seed, 0, STREAM_TUNING);
        int dim = 1;
        for (long s : sampleShape) {
            dim = Math.multiplyExact(dim, (int) s);
        }
        if (target == null) { // the adaptive solution of the tuning noise, shared by every solver and NFE
            target = BatchSampler.generate(field, reference, count, batchSize, noiseSeed, sampleShape, manager).data();
        }
        Objective objective = new Objective(solver, nfe, target, dim, noiseSeed, manager);
        Map<String, Double> baselineErrors = new LinkedHashMap<>();
        double[] best = null;
        double bestError = Double.POSITIVE_INFINITY;
        for (Map.Entry<String, TimeGrid> g : baselines.entrySet()) {
            double[] times = g.getValue().points(1.0, 0.0, steps);
            double e = objective.error(times);
            baselineErrors.put(g.getKey(), e);
            if (e < bestError) {
                bestError = e;
                best = times;
            }
        }
        for (int sweep = 0; sweep < sweeps && steps > 1; sweep++) {
            double before = bestError;
            for (int k = 1; k < steps; k++) {
                double lo = best[k + 1];
                double hi = best[k - 1];
                double a = MARGIN;
                double b = 1 - MARGIN;
                double c = b - GOLDEN * (b - a);
                double d = a + GOLDEN * (b - a);
                double fc = objective.error(with(best, k, lo + c * (hi - lo)));
                double fd = objective.error(with(best, k, lo + d * (hi - lo)));
                double bestP = Double.NaN;
                double bestF = bestError;
                for (int i = 0; i < SECTIONS; i++) {
                    if (fc < bestF) {
                        bestF = fc;
                        bestP = c;
                    }
                    if (fd < bestF) {
                        bestF = fd;
                        bestP = d;
                    }
                    if (i == SECTIONS - 1) {
                        break;
                    }
                    if (fc < fd) {
                        b = d;
                        d = c;
                        fd = fc;
                        c = b - GOLDEN * (b - a);
                        fc = objective.error(with(best, k, lo + c * (hi - lo)));
                    } else {
                        a = c;
                        c = d;
                        fc = fd;
                        d = a + GOLDEN * (b - a);
                        fd = objective.error(with(best, k, lo + d * (hi - lo)));
                    }
                }
                if (!Double.isNaN(bestP)) {
                    best = with(best, k, lo + bestP * (hi - lo));
                    bestError = bestF;
                }
            }
            if (before - bestError < 1e-3 * before) {
                break;
            }
        }
        return new Result(solver, nfe, best, bestError, baselineErrors, objective.evaluations, count, seed,
                (System.nanoTime() - t0) / 1e9);
    }

    private static double[] with(double[] times, int k, double t) {
        double[] out = times.clone();
        out[k] = t;
        return out;
    }

    /** The mean squared distance to the reference of one grid's samples from the tuning noise. */
    private final class Objective {
        private final String solver;
        private final int nfe;
        private final float[] target;
        private final int dim;
        private final long noiseSeed;
        private final NDManager manager;
        private int evaluations;

        Objective(String solver, int nfe, float[] target, int dim, long noiseSeed, NDManager manager) {
            this.solver = solver;
            this.nfe = nfe;
            this.target = target;
            this.dim = dim;
            this.noiseSeed = noiseSeed;
            this.manager = manager;
        }

        double error(double[] times) {
            evaluations++;
            SamplerPlan plan = Samplers.plan(solver, CustomGrid.of(times), nfe, 1.0, 0.0);
            float[] x = BatchSampler.generate(field, plan, count, batchSize, noiseSeed, sampleShape, manager).data();
            return TrajectoryMetrics.discretizationError(x, target, dim).meanSquared();
        }
    }

    /**
     * A tuned grid.
     *
     * @param solver the solver it was tuned for
     * @param nfe the NFE budget
     * @param times the grid, from 1 to 0
     * @param error its mean squared distance to the adaptive solution on the tuning batch
     * @param baselineErrors each baseline grid's error on the same batch
     * @param evaluations few-step solves of the batch the search made
     * @param count tuning samples
     * @param seed the seed of the tuning noise
     * @param seconds wall time
     */
    public record Result(String solver, int nfe, double[] times, double error, Map<String, Double> baselineErrors,
            int evaluations, int count, long seed, double seconds) {

        /** Copies the arrays and maps. */
        public Result {
            times = times.clone();
            baselineErrors = Collections.unmodifiableMap(new LinkedHashMap<>(baselineErrors));
        }

        @Override
        public double[] times() {
            return times.clone();
        }

        /**
         * The tuned grid as a time grid.
         *
         * @return a custom grid through {@link #times()}
         */
        public CustomGrid grid() {
            return CustomGrid.of(times);
        }

        @Override
        public String toString() {
            return "tuned " + solver + " NFE " + nfe + ": " + Arrays.toString(times) + " (error " + error + ")";
        }
    }

    /** Builds a {@link GridTuner}. */
    public static final class Builder {
        private VelocityField field;
        private long[] sampleShape;
        private SamplerPlan reference;
        private int count = 256;
        private long seed;
        private int batchSize = 256;
        private int sweeps = 3;

        private Builder() {}

        /**
         * Sets the model's velocity field.
         *
         * @param field the field
         * @return this builder
         */
        public Builder setField(VelocityField field) {
            this.field = field;
            return this;
        }

        /**
         * Sets the shape of one sample.
         *
         * @param sampleShape e.g. {@code {2}} or {@code {1, 16, 16}}
         * @return this builder
         */
        public Builder setSampleShape(long[] sampleShape) {
            this.sampleShape = sampleShape.clone();
            return this;
        }

        /**
         * Sets the adaptive plan whose solution the grid is tuned to approach.
         *
         * @param reference e.g. dopri5 from 1 to 0
         * @return this builder
         */
        public Builder setReference(SamplerPlan reference) {
            this.reference = reference;
            return this;
        }

        /**
         * Sets the number of tuning samples (default 256).
         *
         * @param count at least 1
         * @return this builder
         */
        public Builder optCount(int count) {
            if (count < 1) {
                throw new IllegalArgumentException("tuning needs at least 1 sample, got " + count);
            }
            this.count = count;
            return this;
        }

        /**
         * Sets the seed of the tuning noise (default 0); its stream is {@link #STREAM_TUNING}.
         *
         * @param seed the seed
         * @return this builder
         */
        public Builder optSeed(long seed) {
            this.seed = seed;
            return this;
        }

        /**
         * Sets the samples integrated together (default 256); the result does not depend on it.
         *
         * @param batchSize at least 1
         * @return this builder
         */
        public Builder optBatchSize(int batchSize) {
            if (batchSize < 1) {
                throw new IllegalArgumentException("batch size must be >= 1, got " + batchSize);
            }
            this.batchSize = batchSize;
            return this;
        }

        /**
         * Sets the most coordinate-descent sweeps (default 3).
         *
         * @param sweeps at least 0 (0 picks the best baseline)
         * @return this builder
         */
        public Builder optSweeps(int sweeps) {
            if (sweeps < 0) {
                throw new IllegalArgumentException("sweeps must be >= 0, got " + sweeps);
            }
            this.sweeps = sweeps;
            return this;
        }

        /**
         * Builds the tuner.
         *
         * @return the tuner
         * @throws IllegalArgumentException if the field, the sample shape or the reference is missing
         */
        public GridTuner build() {
            if (field == null || sampleShape == null || reference == null) {
                throw new IllegalArgumentException("grid tuning needs a field, a sample shape and a reference plan");
            }
            return new GridTuner(this);
        }
    }
}
