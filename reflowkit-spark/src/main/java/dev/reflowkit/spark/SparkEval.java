package dev.reflowkit.spark;

import ai.djl.ndarray.NDManager;
import dev.reflowkit.data.PointSet;
import dev.reflowkit.engine.Engines;
import dev.reflowkit.features.FeatureExtractor;
import dev.reflowkit.features.FeatureNetworks;
import dev.reflowkit.features.TrainedFeatureNetwork;
import dev.reflowkit.io.AtomicFiles;
import dev.reflowkit.io.Checksums;
import dev.reflowkit.metrics.FrechetDistance;
import dev.reflowkit.metrics.GaussianStats;
import dev.reflowkit.metrics.MomentSums;
import dev.reflowkit.pipeline.Components;
import dev.reflowkit.pipeline.Evaluations;
import dev.reflowkit.pipeline.GridTuning;
import dev.reflowkit.pipeline.Preflight;
import dev.reflowkit.pipeline.RunData;
import dev.reflowkit.pipeline.TrainedModel;
import dev.reflowkit.sampling.BatchSampler;
import dev.reflowkit.sampling.GeneratedSamples;
import dev.reflowkit.solver.SamplerPlan;
import dev.reflowkit.solver.Samplers;
import dev.reflowkit.solver.grid.TimeGrids;
import dev.reflowkit.solver.grid.UniformGrid;
import java.io.IOException;
import java.io.Serializable;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.api.java.function.FlatMapFunction;
import org.apache.spark.broadcast.Broadcast;

/**
 * A large evaluation as a Spark job: a model sampled {@code N} times at several NFEs, each task
 * sampling one index range at every NFE and reducing its samples to mergeable statistics.
 *
 * <p>The driver broadcasts the checkpoint and splits the sample indices into contiguous,
 * batch-aligned ranges; a task loads the model once and, for each NFE, samples its range (sample
 * {@code i} from noise {@code i} of the seed, the same bits as one machine would produce:
 * {@link BatchSampler#generateRange}) and sums its moments ({@link MomentSums}: count, mean and
 * second moments, in double precision) in the space the metric lives in. Only those sums travel
 * back. The driver merges them per NFE into the samples' mean and covariance and scores them
 * against the model's held-out data: the Fréchet distance between the two Gaussians. For images
 * with class labels the space is the run's feature network (the one {@code reflow eval} uses,
 * from its cache or trained once on the driver, broadcast like the model), so the distance is
 * ReflowKit's FD; otherwise it is the samples themselves (points, or pixels).
 *
 * <p>Before any of it the driver checks that the solver can take every NFE on the grid; with the
 * grid {@code tuned}, each NFE's grid must be recorded beside the checkpoint ({@code reflow
 * tune-grid}): the driver reads them and the tasks sample on them, as they cannot tune.
 */
public final class SparkEval {

    private SparkEval() {}

    /**
     * One NFE's result: the Fréchet distance, the statistics it came from and the mean cost.
     *
     * @param nfe the NFE budget
     * @param frechet the Fréchet distance between the samples' and the held-out data's Gaussians
     * @param space {@code features} (the run's feature network, for labelled images) or
     *     {@code samples} (points, or pixels)
     * @param samples the samples' mean and covariance in that space
     * @param meanNfe network evaluations per sample
     */
    public record Row(int nfe, double frechet, String space, GaussianStats samples, double meanNfe)
            implements Serializable {}

    /** One task's sums for one NFE. */
    private record Part(int nfe, MomentSums sums, long nfeTotal) implements Serializable {}

    /**
     * Runs the evaluation.
     *
     * @param sc the Spark context
     * @param job what to measure
     * @return one row per NFE, in the job's order
     * @throws IOException if the checkpoint or the model's data cannot be read
     */
    public static List<Row> run(JavaSparkContext sc, EvalJob job) throws IOException {
        Path model = Path.of(job.model());
        byte[] bytes = Files.readAllBytes(model);
        GaussianStats reference;
        byte[] features = null;
        Map<Integer, double[]> tuned;
        try (NDManager m = Engines.newManager()) {
            TrainedModel t = TrainedModel.load(model, job.useEma(), m);
            // before the data, the feature network or any task: every NFE the solver must take, and a tuned
            // grid recorded for each (tasks cannot tune one)
            Preflight.sampler(t.config(), "--solver", job.solver(), "--grid", job.grid(), "--nfe", job.nfes());
            tuned = job.grid().equals(GridTuning.NAME) && !job.solver().equals("dopri5")
                    ? GridTuning.recorded(model, job.solver(), job.nfes()) : Map.of();
            RunData data = RunData.load(t.config());
            PointSet held = data.eval().reference(0, job.count());
            if (data.isImages() && data.images().train().isLabelled()) {
                // the same feature network a single-machine evaluation uses (cached, or trained once here)
                TrainedFeatureNetwork net = Evaluations.featureNetwork(t.config(), data, m, System.err);
                reference = GaussianStats.of(net.extractor(m).features(held));
                Path tmp = Files.createTempFile("reflowkit-features-", ".zip");
                try {
                    FeatureNetworks.write(tmp, net);
                    features = Files.readAllBytes(tmp);
                } finally {
                    Files.deleteIfExists(tmp);
                }
            } else {
                reference = GaussianStats.of(held);
            }
        }
        List<int[]> ranges = ranges(job.count(), job.batchSize(),
                job.partitions() > 0 ? job.partitions() : sc.defaultParallelism());
        Broadcast<byte[]> teacher = sc.broadcast(bytes);
        Broadcast<byte[]> featureNet = features == null ? null : sc.broadcast(features);
        List<Part> parts;
        try {
            parts = sc.parallelize(ranges, ranges.size())
                    .mapPartitions(new SampleTask(job, teacher, Checksums.sha256(bytes), featureNet,
                            features == null ? null : Checksums.sha256(features), reference.dim(), new HashMap<>(tuned)))
                    .collect();
        } finally {
            teacher.destroy();
            if (featureNet != null) {
                featureNet.destroy();
            }
        }
        String space = features == null ? "samples" : "features";
        int dim = reference.dim();
        List<Row> rows = new ArrayList<>();
        for (int nfe : job.nfes()) {
            MomentSums all = new MomentSums(dim);
            long cost = 0;
            for (Part p : parts) {
                if (p.nfe() == nfe) {
                    all.merge(p.sums());
                    cost += p.nfeTotal();
                }
            }
            if (all.count() != job.count()) {
                throw new IllegalStateException("NFE " + nfe + ": " + all.count() + " samples reduced, expected "
                        + job.count());
            }
            GaussianStats stats = all.toGaussian();
            rows.add(new Row(nfe, FrechetDistance.compute(stats, reference), space, stats, cost / (double) job.count()));
        }
        return rows;
    }

    /**
     * Splits {@code [0, count)} into at most {@code parts} contiguous ranges that start on batch
     * boundaries, as even as whole batches allow.
     *
     * @param count the number of samples
     * @param batchSize samples per batch
     * @param parts the wanted number of ranges
     * @return {@code {first, end}} pairs, in order
     */
    static List<int[]> ranges(int count, int batchSize, int parts) {
        int batches = (count + batchSize - 1) / batchSize;
        int n = Math.max(1, Math.min(parts, batches));
        List<int[]> out = new ArrayList<>();
        for (int p = 0; p < n; p++) {
            int firstBatch = (int) ((long) batches * p / n);
            int endBatch = (int) ((long) batches * (p + 1) / n);
            out.add(new int[] {firstBatch * batchSize, Math.min(count, endBatch * batchSize)});
        }
        return out;
    }

    /** One task: the model (and feature network) loaded once, its index range sampled at every NFE. */
    private static final class SampleTask implements FlatMapFunction<Iterator<int[]>, Part> {

        private static final long serialVersionUID = 1L;

        private final EvalJob job;
        private final Broadcast<byte[]> checkpoint;
        private final String sha256;
        private final Broadcast<byte[]> featureNet;
        private final String featureSha256;
        private final int dim;
        private final HashMap<Integer, double[]> tuned;

        SampleTask(EvalJob job, Broadcast<byte[]> checkpoint, String sha256, Broadcast<byte[]> featureNet,
                String featureSha256, int dim, HashMap<Integer, double[]> tuned) {
            this.job = job;
            this.checkpoint = checkpoint;
            this.sha256 = sha256;
            this.featureNet = featureNet;
            this.featureSha256 = featureSha256;
            this.dim = dim;
            this.tuned = tuned;
        }

        /** The plan of one NFE: a tuned grid as recorded on the driver (one interval: [1, 0]), else the named grid. */
        private SamplerPlan plan(TrainedModel model, int nfe) {
            if (!job.grid().equals(GridTuning.NAME) || job.solver().equals("dopri5")) {
                return Components.plan(model.config(), job.solver(), job.grid(), nfe);
            }
            double[] times = tuned.get(nfe);
            return Samplers.plan(job.solver(), times == null ? new UniformGrid() : TimeGrids.custom(times), nfe, 1.0, 0.0);
        }

        @Override
        public Iterator<Part> call(Iterator<int[]> ranges) {
            List<Part> out = new ArrayList<>();
            try (LocalTeacher local = LocalTeacher.of(checkpoint.value(), sha256);
                    NDManager m = Engines.newManager()) {
                TrainedModel model = TrainedModel.load(local.file(), job.useEma(), m);
                FeatureExtractor extractor = null;
                if (featureNet != null) {
                    try (LocalTeacher net = LocalTeacher.of(featureNet.value(), featureSha256)) {
                        extractor = FeatureNetworks.read(net.file(), m).extractor(m);
                    }
                }
                while (ranges.hasNext()) {
                    int[] r = ranges.next();
                    for (int nfe : job.nfes()) {
                        GeneratedSamples g = BatchSampler.generateRange(model.field(), plan(model, nfe), r[0], r[1] - r[0],
                                job.batchSize(), job.seed(), model.sampleShape(), m);
                        float[] rows = extractor == null ? g.data() : extractor.featurePoints(g.points()).data();
                        out.add(new Part(nfe, new MomentSums(dim).add(rows), Math.round(g.nfe() * g.count())));
                    }
                }
            }
            return out.iterator();
        }
    }

    /**
     * The {@code spark-submit} entry point: {@code --model CKPT --count N --nfe N[,N...]
     * [--seed S] [--solver heun] [--grid uniform] [--batch-size B] [--partitions P]
     * [--weights ema|raw] [--out FILE.json]}; prints a row per NFE and writes them as JSON.
     *
     * @param args the arguments
     * @throws IOException if the run or the output fails
     */
    public static void main(String[] args) throws IOException {
        JobArguments.Eval parsed = JobArguments.eval(args);
        EvalJob job = parsed.job();
        try (JavaSparkContext sc = JobArguments.context("reflowkit-eval")) {
            long t0 = System.nanoTime();
            List<Row> rows = run(sc, job);
            double seconds = (System.nanoTime() - t0) / 1e9;
            StringBuilder json = new StringBuilder("{\n  \"model\": \"" + job.model() + "\", \"count\": " + job.count()
                    + ", \"seed\": " + job.seed() + ", \"seconds\": " + seconds + ",\n  \"runs\": [");
            for (int i = 0; i < rows.size(); i++) {
                Row r = rows.get(i);
                System.out.printf(Locale.ROOT, "NFE %d: Frechet distance %.6f in %s space (%d samples, mean"
                        + " NFE %.1f)%n", r.nfe(), r.frechet(), r.space(), r.samples().count(), r.meanNfe());
                json.append(i == 0 ? "\n" : ",\n").append("    {\"nfe\": ").append(r.nfe()).append(", \"frechet\": ")
                        .append(r.frechet()).append(", \"space\": \"").append(r.space()).append("\", \"mean_nfe\": ").append(r.meanNfe()).append('}');
            }
            json.append("\n  ]\n}\n");
            if (parsed.out() != null) {
                AtomicFiles.writeString(parsed.out(), json.toString());
            }
        }
    }
}
