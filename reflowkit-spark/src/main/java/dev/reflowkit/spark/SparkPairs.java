package dev.reflowkit.spark;

import dev.reflowkit.io.AtomicFiles;
import dev.reflowkit.io.Checksums;
import dev.reflowkit.io.DirectoryLock;
import dev.reflowkit.pairs.PairGeneration;
import dev.reflowkit.pairs.PairGenerationResult;
import dev.reflowkit.pairs.PairManifest;
import dev.reflowkit.pairs.PairPlan;
import dev.reflowkit.pairs.ShardRange;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import org.apache.spark.TaskContext;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.api.java.function.FlatMapFunction;
import org.apache.spark.broadcast.Broadcast;

/**
 * ReFlow pair generation as a Spark job: the same pairs, shard files and manifest as
 * {@code reflow pairs}, with the shards spread over the cluster.
 *
 * <p>The driver takes the store's {@link DirectoryLock} and holds it until the job ends, so that
 * no other job (a second Spark job, {@code reflow pairs}, a pipeline stage) writes the store
 * meanwhile; the tasks write shard files under the driver's lock without taking it. The driver
 * opens the store ({@link PairGeneration#open}: settings checked, intact shards of an
 * earlier run kept, the rest planned) and broadcasts the teacher checkpoint's bytes. The shards
 * left, which are seed ranges, are split into contiguous partitions; each task writes the
 * checkpoint to a local file, loads the teacher once and generates its shards with the
 * single-machine code ({@link PairGeneration#writeShards}), returning their manifest entries. The
 * driver records them in the manifest once every task of a wave has succeeded
 * ({@link PairGeneration#commit}); a wave is {@code partitions x shardsPerTask} shards, so a job that
 * dies loses at most one wave, and rerunning it generates only the shards not yet listed.
 *
 * <p>Why retries and speculative copies cannot lose or duplicate pairs: a shard's files are named
 * by its seed range and written atomically (temporary file, rename), and its pairs depend only on
 * the seeds, so a second attempt rewrites the same bytes under the same names; the manifest lists
 * each shard index once and is written by the driver only after every task has succeeded; a shard
 * whose task never succeeded is not listed, and a rerun of the job generates just those.
 */
public final class SparkPairs {

    private SparkPairs() {}

    /**
     * Runs the job.
     *
     * @param sc the Spark context
     * @param job what to generate
     * @return what the run did
     * @throws IOException if the teacher or the store cannot be read or written
     */
    public static PairGenerationResult run(JavaSparkContext sc, PairJob job) throws IOException {
        return run(sc, job, ShardObserver.NONE);
    }

    /**
     * Runs the job, showing each written shard to an observer on the executors.
     *
     * @param sc the Spark context
     * @param job what to generate
     * @param observer sees each shard as its task writes it
     * @return what the run did
     * @throws IOException if the teacher or the store cannot be read or written
     * @throws dev.reflowkit.io.DirectoryLockedException if another job holds the store
     */
    @SuppressWarnings("try") // the lock is held for the block
    public static PairGenerationResult run(JavaSparkContext sc, PairJob job, ShardObserver observer)
            throws IOException {
        long t0 = System.nanoTime();
        PairGeneration generation = job.generation(job.teacher());
        try (DirectoryLock lock = DirectoryLock.acquire(job.store())) {
            return runLocked(sc, job, observer, generation, t0);
        }
    }

    /** The job once the driver holds the store's lock: plan, generate wave by wave, commit. */
    private static PairGenerationResult runLocked(JavaSparkContext sc, PairJob job, ShardObserver observer,
            PairGeneration generation, long t0) throws IOException {
        PairPlan plan = generation.open(job.store());
        List<ShardRange> todo = plan.todo();
        PairManifest m = plan.manifest();
        long pairs = 0;
        int generated = 0;
        if (!todo.isEmpty()) {
            byte[] bytes = Files.readAllBytes(job.teacher());
            String sha256 = Checksums.sha256(bytes);
            Broadcast<byte[]> teacher = sc.broadcast(bytes);
            int partitions = job.partitions() > 0 ? job.partitions() : sc.defaultParallelism();
            int wave = partitions * job.shardsPerTask();
            try {
                for (int from = 0; from < todo.size(); from += wave) {
                    List<ShardRange> shards = new ArrayList<>(todo.subList(from, Math.min(todo.size(), from + wave)));
                    List<PairManifest.ShardEntry> written = sc.parallelize(shards, Math.min(partitions, shards.size()))
                            .mapPartitions(new ShardTask(job, teacher, sha256, observer))
                            .collect();
                    m = generation.commit(job.store(), written); // a failure later loses at most one wave
                    generated += written.size();
                    pairs += written.stream().mapToLong(e -> e.end() - e.first()).sum();
                }
            } finally {
                teacher.destroy();
            }
            // temporary files of task attempts that died mid-write; every task has ended
            AtomicFiles.deleteLeftovers(job.store().resolve(ShardRange.FOLDER));
        }
        double seconds = (System.nanoTime() - t0) / 1e9;
        return new PairGenerationResult(job.store(), plan.settings().direction(), plan.settings().count(),
                plan.settings().shards().size(), generated, plan.finished().size(), pairs, seconds,
                plan.settings().nfe(), m.complete());
    }

    /** One task: a local copy of the teacher, loaded once, and the shards of its partition. */
    private static final class ShardTask implements FlatMapFunction<Iterator<ShardRange>, PairManifest.ShardEntry> {

        private static final long serialVersionUID = 1L;

        private final PairJob job;
        private final Broadcast<byte[]> teacher;
        private final String sha256;
        private final ShardObserver observer;

        ShardTask(PairJob job, Broadcast<byte[]> teacher, String sha256, ShardObserver observer) {
            this.job = job;
            this.teacher = teacher;
            this.sha256 = sha256;
            this.observer = observer;
        }

        @Override
        public Iterator<PairManifest.ShardEntry> call(Iterator<ShardRange> shards) throws Exception {
            List<ShardRange> mine = new ArrayList<>();
            shards.forEachRemaining(mine::add);
            if (mine.isEmpty()) {
                return List.<PairManifest.ShardEntry>of().iterator();
            }
            TaskContext task = TaskContext.get();
            int partition = task == null ? 0 : task.partitionId();
            int attempt = task == null ? 0 : task.attemptNumber();
            try (LocalTeacher local = LocalTeacher.of(teacher.value(), sha256)) {
                return job.generation(local.file())
                        .writeShards(job.store(), mine, e -> observer.written(e, partition, attempt)).iterator();
            }
        }
    }

    /**
     * The {@code spark-submit} entry point: {@code --teacher CKPT --out DIR --direction D
     * [--count N] [--seed S] [--partitions P] [--set pairs.KEY=VALUE]...}; the master and the
     * executors come from {@code spark-submit}.
     *
     * @param args the arguments
     * @throws IOException if the run fails
     */
    public static void main(String[] args) throws IOException {
        PairJob job = JobArguments.pairJob(args);
        DirectoryLock.setProcessCommand("spark-submit " + SparkPairs.class.getName() + " " + String.join(" ", args));
        try (JavaSparkContext sc = JobArguments.context("reflowkit-pairs")) {
            PairGenerationResult r = run(sc, job);
            System.out.printf("wrote %d %s pairs to %s (%d of %d shards generated, %d reused; %.1f s)%s%n",
                    r.pairsGenerated(), r.direction(), r.store(), r.shardsGenerated(), r.shards(), r.shardsReused(),
                    r.seconds(), r.complete() ? "" : "; store incomplete");
        }
    }
}
