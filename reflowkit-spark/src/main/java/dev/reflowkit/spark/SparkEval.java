package dev.reflowkit.spark;

import ai.djl.ndarray.NDManager;
import dev.reflowkit.engine.Engines;
import dev.reflowkit.io.Checksums;
import dev.reflowkit.metrics.FrechetDistance;
import dev.reflowkit.metrics.GaussianStats;
import dev.reflowkit.metrics.MomentSums;
import dev.reflowkit.pipeline.Components;
import dev.reflowkit.pipeline.RunData;
import dev.reflowkit.pipeline.TrainedModel;
import dev.reflowkit.sampling.BatchSampler;
import dev.reflowkit.sampling.GeneratedSamples;
import java.io.IOException;
import java.io.Serializable;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
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
 * second moments, in double precision). Only those sums travel back. The driver merges them per
 * NFE into the samples' mean and covariance and scores them against the model's held-out data:
 * the Fréchet distance between the two Gaussians, in sample space (points, or pixels for images).
 */
public final class SparkEval {

    private SparkEval() {}

    /** One NFE's result: the Fréchet distance, the samples' statistics and their mean cost. */
    public record Row(int nfe, double frechet, GaussianStats samples, double meanNfe) implements Serializable {}

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
        int dim;
        try (NDManager m = Engines.newManager()) {
            TrainedModel t = TrainedModel.load(model, job.useEma(), m);
            reference = GaussianStats.of(RunData.load(t.config()).eval().reference(0, job.count()));
            dim = reference.dim();
        }
        List<int[]> ranges = ranges(job.count(), job.batchSize(),
                job.partitions() > 0 ? job.partitions() : sc.defaultParallelism());
        Broadcast<byte[]> teacher = sc.broadcast(bytes);
        List<Part> parts = sc.parallelize(ranges, ranges.size())
                .mapPartitions(new SampleTask(job, teacher, Checksums.sha256(bytes), dim))
                .collect();
        teacher.destroy();
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
            rows.add(new Row(nfe, FrechetDistance.compute(stats, reference), stats, cost / (double) job.count()));
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

    /** One task: the model loaded once, its index range sampled at every NFE. */
    private static final class SampleTask implements FlatMapFunction<Iterator<int[]>, Part> {

        private static final long serialVersionUID = 1L;

        private final EvalJob job;
        private final Broadcast<byte[]> checkpoint;
        private final String sha256;
        private final int dim;

        SampleTask(EvalJob job, Broadcast<byte[]> checkpoint, String sha256, int dim) {
            this.job = job;
            this.checkpoint = checkpoint;
            this.sha256 = sha256;
            this.dim = dim;
        }

        @Override
        public Iterator<Part> call(Iterator<int[]> ranges) {
            List<Part> out = new ArrayList<>();
            try (LocalTeacher local = LocalTeacher.of(checkpoint.value(), sha256);
                    NDManager m = Engines.newManager()) {
                TrainedModel model = TrainedModel.load(local.file(), job.useEma(), m);
                while (ranges.hasNext()) {
                    int[] r = ranges.next();
                    for (int nfe : job.nfes()) {
                        GeneratedSamples g = BatchSampler.generateRange(model.field(),
                                Components.plan(model.config(), job.solver(), job.grid(), nfe), r[0], r[1] - r[0],
                                job.batchSize(), job.seed(), model.sampleShape(), m);
                        out.add(new Part(nfe, new MomentSums(dim).add(g.data()), Math.round(g.nfe() * g.count())));
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
        EvalJob job = JobArguments.evalJob(args);
        String out = null;
        for (int i = 0; i + 1 < args.length; i++) {
            if (args[i].equals("--out")) {
                out = args[i + 1];
            }
        }
        try (JavaSparkContext sc = JobArguments.context("reflowkit-eval")) {
            long t0 = System.nanoTime();
            List<Row> rows = run(sc, job);
            double seconds = (System.nanoTime() - t0) / 1e9;
            StringBuilder json = new StringBuilder("{\n  \"model\": \"" + job.model() + "\", \"count\": " + job.count()
                    + ", \"seed\": " + job.seed() + ", \"seconds\": " + seconds + ",\n  \"runs\": [");
            for (int i = 0; i < rows.size(); i++) {
                Row r = rows.get(i);
                System.out.printf(java.util.Locale.ROOT, "NFE %d: Frechet distance %.6f (%d samples, mean NFE %.1f)%n",
                        r.nfe(), r.frechet(), r.samples().count(), r.meanNfe());
                json.append(i == 0 ? "\n" : ",\n").append("    {\"nfe\": ").append(r.nfe()).append(", \"frechet\": ")
                        .append(r.frechet()).append(", \"mean_nfe\": ").append(r.meanNfe()).append('}');
            }
            json.append("\n  ]\n}\n");
            if (out != null) {
                dev.reflowkit.io.AtomicFiles.writeString(Path.of(out), json.toString());
            }
        }
    }
}
