package dev.reflowkit.eval;

import ai.djl.ndarray.NDManager;
import dev.reflowkit.field.VelocityField;
import dev.reflowkit.metrics.PointMetricSummary;
import dev.reflowkit.metrics.PointMetrics;
import dev.reflowkit.metrics.SamplePair;
import dev.reflowkit.sampling.BatchSampler;
import dev.reflowkit.sampling.GeneratedSamples;
import dev.reflowkit.solver.SamplerPlan;
import dev.reflowkit.train.StepRandom;
import java.util.ArrayList;
import java.util.List;

/**
 * Scores point-cloud models: for each repeat, {@code count} samples from per-sample seeded noise
 * are compared with an independent held-out reference of the same size (exact W2, energy
 * distance, RBF-MMD); the floor compares two independent held-out samples the same way. The MMD
 * bandwidth is the median heuristic on the first reference, shared by every run and the floor.
 */
public final class PointEvaluation {

    /** The stream id of evaluation noise seeds. */
    public static final long STREAM_NOISE = 201;

    private final EvalData data;
    private final int count;
    private final int repeats;
    private final long seed;
    private final int batchSize;
    private final PointMetrics metrics;

    /**
     * Creates an evaluation.
     *
     * @param data held-out data
     * @param count points per sample
     * @param repeats independent repeats
     * @param seed the evaluation seed (noise of repeat r derives from it)
     * @param batchSize sampling batch size
     */
    public PointEvaluation(EvalData data, int count, int repeats, long seed, int batchSize) {
        this.data = data;
        this.count = count;
        this.repeats = repeats;
        this.seed = seed;
        this.batchSize = batchSize;
        this.metrics = PointMetrics.builder().setMmdMedianBandwidth(data.reference(0, count)).build();
    }

    /**
     * The data-vs-data floor.
     *
     * @return the floor metrics over the repeats
     */
    public PointMetricSummary floor() {
        List<SamplePair> pairs = new ArrayList<>();
        for (int r = 0; r < repeats; r++) {
            pairs.add(new SamplePair(data.floorPartner(r, count), data.reference(r, count)));
        }
        return metrics.floorRepeats(pairs);
    }

    /**
     * Samples a model and scores it.
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
        List<SamplePair> pairs = new ArrayList<>();
        double nfe = 0;
        double seconds = 0;
        for (int r = 0; r < repeats; r++) {
            GeneratedSamples g = BatchSampler.generate(field, plan, count, batchSize,
                    StepRandom.derive(seed, r, STREAM_NOISE), sampleShape, manager);
            nfe += g.nfe() / repeats;
            seconds += g.seconds();
            pairs.add(new SamplePair(g.points(), data.reference(r, count)));
        }
        return new EvalRun(model, solver, grid, nfe, metrics.evaluateRepeats(pairs), seconds);
    }

    /**
     * The data description.
     *
     * @return the description
     */
    public String dataDescription() {
        return data.describe();
    }
}
