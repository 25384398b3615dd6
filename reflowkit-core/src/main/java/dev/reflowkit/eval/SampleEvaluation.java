package dev.reflowkit.eval;

import ai.djl.ndarray.NDManager;
import dev.reflowkit.field.VelocityField;
import dev.reflowkit.metrics.MetricSummary;
import dev.reflowkit.metrics.MetricSummaries;
import dev.reflowkit.metrics.PointMetrics;
import dev.reflowkit.metrics.SampleMetrics;
import dev.reflowkit.metrics.SamplePair;
import dev.reflowkit.sampling.BatchSampler;
import dev.reflowkit.sampling.GeneratedSamples;
import dev.reflowkit.solver.SamplerPlan;
import dev.reflowkit.train.StepRandom;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

/**
 * Scores generative models: for each repeat, {@code count} samples from per-sample seeded noise
 * are compared with an independent held-out reference of the same size by a {@link SampleMetrics}
 * (by default point-cloud metrics: exact W2, energy distance, RBF-MMD, whose bandwidth is the
 * median heuristic on the first reference, shared by every run and the floor; image metrics for
 * images); the floor compares two independent held-out samples the same way.
 *
 * <p>Every run also measures its trajectories ({@link TrajectoryMetrics}): the straightness of the
 * sampler's paths and the transport cost between noise and sample. {@link #evaluateWithReference}
 * adds the discretization error of each few-step run against the adaptive reference run: the noise
 * of repeat {@code r} is the same for every run (seed {@code derive(seed, r, STREAM_NOISE)}), so
 * sample {@code i} of a few-step run and of the reference start from the same point; the reference
 * is integrated once per repeat and reused for every setting.
 */
public final class SampleEvaluation {

    /** The stream id of evaluation noise seeds. */
    public static final long STREAM_NOISE = 201;

    /** The grid name reported for an adaptive solver. */
    public static final String ADAPTIVE_GRID = "adaptive";

    private final EvalData data;
    private final int count;
    private final int repeats;
    private final long seed;
    private final int batchSize;
    private final SampleMetrics metrics;

    /**
     * Creates an evaluation.
     *
     * @param data held-out data
     * @param count points per sample
     * @param repeats independent repeats
     * @param seed the evaluation seed (noise of repeat r derives from it)
     * @param batchSize sampling batch size
     */
    public SampleEvaluation(EvalData data, int count, int repeats, long seed, int batchSize) {
        this(data, count, repeats, seed, batchSize,
                PointMetrics.builder().setMmdMedianBandwidth(data.reference(0, count)).build());
    }

    /**
     * Creates an evaluation with the given metrics (e.g. image metrics).
     *
     * @param data held-out data
     * @param count samples per repeat
     * @param repeats independent repeats
     * @param seed the evaluation seed (noise of repeat r derives from it)
     * @param batchSize sampling batch size
     * @param metrics the metrics that score a sample against the reference data
     */
    public SampleEvaluation(EvalData data, int count, int repeats, long seed, int batchSize,
            SampleMetrics metrics) {
        if (count < 2 || repeats < 1 || batchSize < 1) {
            throw new IllegalArgumentException("evaluation needs count >= 2, repeats >= 1 and batch size >= 1, got "
                    + count + ", " + repeats + ", " + batchSize);
        }
        this.data = data;
        this.count = count;
        this.repeats = repeats;
        this.seed = seed;
        this.batchSize = batchSize;
        this.metrics = metrics;
    }

    /**
     * The data-vs-data floor.
     *
     * @return the floor metrics over the repeats
     */
    public MetricSummaries floor() {
        List<SamplePair> pairs = new ArrayList<>();
        for (int r = 0; r < repeats; r++) {
            pairs.add(new SamplePair(data.floorPartner(r, count), data.reference(r, count)));
        }
        return metrics.floorRepeats(pairs);
    }

    /**
     * Samples a model and scores it, with its straightness and transport cost (no discretization
     * error: see {@link #evaluateWithReference}).
     *
     * @param model the model name for the report
     * @param field the velocity field
     * @param sampleShape shape of one sample
     * @param plan the sampler plan
     * @param solver the solver name for the report
     * @param grid the grid name for the report
     * @param manager manager for sampling
     * @return the run's metrics
     */
    public EvalRun evaluate(String model, VelocityField field, long[] sampleShape, SamplerPlan plan,
            String solver, String grid, NDManager manager) {
        RunAccumulator run = new RunAccumulator(model, new EvalSetting(solver, grid, plan));
        for (int r = 0; r < repeats; r++) {
            run.add(r, sample(field, plan, sampleShape, r, manager), null);
        }
        return run.finish();
    }

    /**
     * Samples a model with several settings and with an adaptive reference, and scores every run;
     * each few-step run also gets its discretization error against the reference samples from the
     * same noise.
     *
     * @param model the model name for the report
     * @param field the velocity field (a guided field counts both networks in the NFE)
     * @param sampleShape shape of one sample
     * @param settings the few-step settings, in report order
     * @param reference the reference setting, e.g. dopri5 with grid {@value #ADAPTIVE_GRID}
     * @param manager manager for sampling
     * @param onRun called with each run when it is complete (the reference first); may be null
     * @return the runs of {@code settings} in order, then the reference run
     */
    public List<EvalRun> evaluateWithReference(String model, VelocityField field, long[] sampleShape,
            List<EvalSetting> settings, EvalSetting reference, NDManager manager, Consumer<EvalRun> onRun) {
        Consumer<EvalRun> report = onRun == null ? r -> { } : onRun;
        Reference ref = reference(model, field, sampleShape, reference, manager);
        report.accept(ref.run());
        List<EvalRun> out = new ArrayList<>(evaluateAgainst(model, field, sampleShape, settings, ref.samples(),
                manager, report));
        out.add(ref.run());
        return out;
    }

    /**
     * Samples a model with the adaptive reference setting and scores it.
     *
     * @param model the model name for the report
     * @param field the velocity field
     * @param sampleShape shape of one sample
     * @param reference the reference setting, e.g. dopri5 with grid {@value #ADAPTIVE_GRID}
     * @param manager manager for sampling
     * @return the reference run and its samples, repeat by repeat
     */
    public Reference reference(String model, VelocityField field, long[] sampleShape, EvalSetting reference,
            NDManager manager) {
        List<float[]> samples = new ArrayList<>();
        RunAccumulator ref = new RunAccumulator(model, reference);
        for (int r = 0; r < repeats; r++) {
            Sampled s = sample(field, reference.plan(), sampleShape, r, manager);
            samples.add(s.samples().data());
            ref.add(r, s, null);
        }
        return new Reference(ref.finish(), List.copyOf(samples));
    }

    /**
     * Samples a model with several settings and scores every run, each with its discretization
     * error against reference samples from the same noise.
     *
     * @param model the model name for the report
     * @param field the velocity field
     * @param sampleShape shape of one sample
     * @param settings the few-step settings, in report order
     * @param referenceSamples the reference samples of each repeat (flat, sample-major), from
     *     {@link #reference} now or in an earlier run
     * @param manager manager for sampling
     * @param onRun called with each run when it is complete; may be null
     * @return the runs of {@code settings} in order
     */
    public List<EvalRun> evaluateAgainst(String model, VelocityField field, long[] sampleShape,
            List<EvalSetting> settings, List<float[]> referenceSamples, NDManager manager, Consumer<EvalRun> onRun) {
        if (referenceSamples.size() != repeats) {
            throw new IllegalArgumentException("reference samples of " + referenceSamples.size() + " repeats, the"
                    + " evaluation has " + repeats);
        }
        List<EvalRun> out = new ArrayList<>();
        for (EvalSetting setting : settings) {
            RunAccumulator run = new RunAccumulator(model, setting);
            for (int r = 0; r < repeats; r++) {
                run.add(r, sample(field, setting.plan(), sampleShape, r, manager), referenceSamples.get(r));
            }
            EvalRun done = run.finish();
            if (onRun != null) {
                onRun.accept(done);
            }
            out.add(done);
        }
        return out;
    }

    /**
     * An adaptive reference run with its samples.
     *
     * @param run the scored run
     * @param samples each repeat's samples, flat and sample-major ({@code count × dim})
     */
    public record Reference(EvalRun run, List<float[]> samples) {}

    /**
     * The data description.
     *
     * @return the description
     */
    public String dataDescription() {
        return data.describe();
    }

    /**
     * The number of points per sample.
     *
     * @return the count
     */
    public int count() {
        return count;
    }

    /**
     * The number of repeats.
     *
     * @return the repeats
     */
    public int repeats() {
        return repeats;
    }

    private Sampled sample(VelocityField field, SamplerPlan plan, long[] sampleShape, int repeat,
            NDManager manager) {
        int dim = 1;
        for (long s : sampleShape) {
            dim = Math.multiplyExact(dim, (int) s);
        }
        TrajectoryRecorder recorder = new TrajectoryRecorder(count, dim);
        GeneratedSamples g = BatchSampler.generate(field, plan, count, batchSize,
                StepRandom.derive(seed, repeat, STREAM_NOISE), sampleShape, manager, recorder);
        return new Sampled(g, dim, recorder.straightness(), recorder.transportCost());
    }

    /** One repeat's samples with their trajectory metrics. */
    private record Sampled(GeneratedSamples samples, int dim, double straightness, double transportCost) {}

    /** Collects one setting's repeats. */
    private final class RunAccumulator {
        private final String model;
        private final EvalSetting setting;
        private final List<SamplePair> pairs = new ArrayList<>();
        private final double[] straightness = new double[repeats];
        private final double[] transport = new double[repeats];
        private final double[] error = new double[repeats];
        private final double[] rms = new double[repeats];
        private boolean hasError;
        private double nfe;
        private double seconds;

        RunAccumulator(String model, EvalSetting setting) {
            this.model = model;
            this.setting = setting;
        }

        void add(int r, Sampled s, float[] reference) {
            pairs.add(new SamplePair(s.samples().points(), data.reference(r, count)));
            straightness[r] = s.straightness();
            transport[r] = s.transportCost();
            if (reference != null) {
                DiscretizationError e = TrajectoryMetrics.discretizationError(s.samples().data(), reference, s.dim());
                error[r] = e.meanSquared();
                rms[r] = e.rms();
                hasError = true;
            }
            nfe += s.samples().nfe() / repeats;
            seconds += s.samples().seconds();
        }

        EvalRun finish() {
            TrajectorySummary t = new TrajectorySummary(MetricSummary.of(straightness), MetricSummary.of(transport),
                    hasError ? MetricSummary.of(error) : null, hasError ? MetricSummary.of(rms) : null);
            return new EvalRun(model, setting.solver(), setting.grid(), nfe, metrics.evaluateRepeats(pairs),
                    seconds, t);
        }
    }
}
