package dev.reflowkit.spark;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDManager;
import dev.reflowkit.config.Config;
import dev.reflowkit.config.ConfigLoader;
import dev.reflowkit.config.ReflowConfig;
import dev.reflowkit.engine.Engines;
import dev.reflowkit.io.DirectoryLock;
import dev.reflowkit.io.DirectoryLockedException;
import dev.reflowkit.metrics.FrechetDistance;
import dev.reflowkit.metrics.GaussianStats;
import dev.reflowkit.metrics.MomentSums;
import dev.reflowkit.pairs.PairDirection;
import dev.reflowkit.pairs.PairGeneration;
import dev.reflowkit.pairs.PairManifest;
import dev.reflowkit.pairs.PairStore;
import dev.reflowkit.pipeline.Components;
import dev.reflowkit.pipeline.Evaluations;
import dev.reflowkit.pipeline.FlowTraining;
import dev.reflowkit.pipeline.RunData;
import dev.reflowkit.pipeline.TrainedModel;
import dev.reflowkit.sampling.BatchSampler;
import dev.reflowkit.sampling.GeneratedSamples;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import org.apache.spark.SparkConf;
import org.apache.spark.SparkContext;
import org.apache.spark.TaskContext;
import org.apache.spark.SparkException;
import org.apache.spark.api.java.JavaSparkContext;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The Spark jobs on {@code local[2]} (two executor threads, up to 3 attempts per task): the same
 * pairs, bit for bit, as the single-machine path; a task that fails part-way is retried without
 * losing or duplicating a pair; a job that dies is resumed by rerunning it; the evaluation's
 * reduced statistics equal one machine's; the driver holds the store's lock while the job runs.
 */
class SparkJobsTest {

    /** Failures injected so far (executors are threads of this JVM in local mode). */
    private static final AtomicInteger INJECTED = new AtomicInteger();
    /** Shards written by relaunched attempts. */
    private static final AtomicInteger RELAUNCHED = new AtomicInteger();
    /** What the executors saw when they tried the store's lock. */
    private static final List<String> LOCK_PROBES = new CopyOnWriteArrayList<>();

    @TempDir
    static Path dir;

    private static JavaSparkContext sc;
    private static Path teacher;

    @BeforeAll
    static void setUp() throws IOException {
        Config c = ConfigLoader.load(ReflowConfig.schema(), null, List.of("seed=9", "train.steps=40",
                "train.batch_size=64", "model.hidden=32", "model.depth=2", "data.train_count=2000",
                "train.checkpoint_every=40", "eval.count=400"));
        FlowTraining.run(c, dir.resolve("teacher"), false, List.of(), null);
        teacher = dir.resolve("teacher/model.ckpt");
        sc = new JavaSparkContext(new SparkConf().setMaster("local[2,3]").setAppName("reflowkit-test")
                .set("spark.ui.enabled", "false").set("spark.driver.host", "127.0.0.1")
                .set("spark.driver.bindAddress", "127.0.0.1"));
        sc.setLogLevel("ERROR");
    }

    @AfterAll
    static void tearDown() {
        if (sc != null) {
            sc.close();
        }
    }

    private static PairJob.Builder job(Path store, PairDirection direction, int count) {
        return PairJob.builder().setTeacher(teacher).setStore(store).setDirection(direction).optCount(count)
                .addOverride("pairs.shard_size=100").addOverride("pairs.nfe=5").addOverride("pairs.batch_size=50");
    }

    private static Path singleMachine(String name, PairDirection direction, int count) throws IOException {
        Path store = dir.resolve(name);
        job(store, direction, count).build().generation(teacher).run(store);
        return store;
    }

    @Test
    void sparkPairsAreBitwiseThoseOfOneMachine() throws IOException {
        for (PairDirection d : List.of(PairDirection.BACKWARD, PairDirection.FORWARD)) {
            Path local = singleMachine("local-" + d, d, 1000);
            Path spark = dir.resolve("spark-" + d);
            var r = SparkPairs.run(sc, job(spark, d, 1000).optPartitions(3).optShardsPerTask(2).build());
            assertTrue(r.complete());
            assertEquals(10, r.shardsGenerated());
            assertEquals(1000, r.pairsGenerated());
            assertEquals(files(local.resolve("shards")), files(spark.resolve("shards")), d + ": every shard file");
            assertEquals(PairManifest.read(local).shards(), PairManifest.read(spark).shards());
            assertEquals(PairManifest.read(local).settings(), PairManifest.read(spark).settings());
            PairStore a = PairStore.open(local);
            PairStore b = PairStore.open(spark);
            assertArrayEquals(a.x0(), b.x0());
            assertArrayEquals(a.x1(), b.x1());
        }
    }

    @Test
    void aTaskThatFailsPartWayIsRetriedWithoutDuplicates() throws IOException {
        Path local = singleMachine("local-retry", PairDirection.BACKWARD, 1200);
        Path spark = dir.resolve("spark-retry");
        int before = INJECTED.get();
        String shards = spark.resolve("shards").toString(); // a Path is not serializable
        ShardObserver failOnce = (shard, partition, attempt) -> {
            if (partition == 1 && attempt == 0) {
                INJECTED.incrementAndGet();
                // the task dies after writing its first shard, leaving a half-written temporary file
                Files.writeString(Path.of(shards, ".pairs-half." + shard.index() + "x.tmp"), "torn");
                throw new IllegalStateException("injected failure after shard " + shard.index());
            }
        };
        var r = SparkPairs.run(sc, job(spark, PairDirection.BACKWARD, 1200).optPartitions(2).optShardsPerTask(3)
                .build(), failOnce);
        assertEquals(before + 2, INJECTED.get(), "partition 1 failed once in each of the two waves");
        assertTrue(r.complete());
        PairManifest m = PairManifest.read(spark);
        assertEquals(12, m.shards().size());
        assertEquals(12, m.shards().stream().map(PairManifest.ShardEntry::index).distinct().count(), "each shard once");
        assertEquals(PairManifest.read(local).shards(), m.shards(), "identical to one machine's");
        assertEquals(files(local.resolve("shards")), files(spark.resolve("shards")),
                "the same shard files, and the failed attempt's temporary file is gone");
        PairStore.open(spark);
    }

    @Test
    void aTaskKilledMidWayIsRelaunchedWithoutDuplicates() throws IOException {
        Path local = singleMachine("local-kill", PairDirection.BACKWARD, 900);
        Path spark = dir.resolve("spark-kill");
        int before = INJECTED.get();
        int relaunchedBefore = RELAUNCHED.get();
        ShardObserver killOnce = (shard, partition, attempt) -> {
            if (attempt > 0) {
                RELAUNCHED.incrementAndGet();
            }
            if (partition == 0 && attempt == 0 && shard.index() == 0) {
                INJECTED.incrementAndGet();
                // Spark kills the running attempt (thread interrupt), as when an executor is lost or a
                // speculative copy wins; the attempt dies inside its next shard and is relaunched
                TaskContext task = TaskContext.get();
                SparkContext.getOrCreate().killTaskAttempt(task.taskAttemptId(), true, "killed by the test");
                long deadline = System.nanoTime() + 5_000_000_000L;
                while (!task.isInterrupted() && System.nanoTime() < deadline) {
                    Thread.onSpinWait();
                }
            }
        };
        var r = SparkPairs.run(sc, job(spark, PairDirection.BACKWARD, 900).optPartitions(2).optShardsPerTask(5)
                .build(), killOnce);
        assertEquals(before + 1, INJECTED.get());
        assertTrue(RELAUNCHED.get() - relaunchedBefore >= 4, "the killed attempt's shards came from a relaunch: "
                + (RELAUNCHED.get() - relaunchedBefore));
        assertTrue(r.complete());
        assertEquals(9, PairManifest.read(spark).shards().size());
        assertEquals(PairManifest.read(local).shards(), PairManifest.read(spark).shards());
        assertEquals(files(local.resolve("shards")), files(spark.resolve("shards")), "no duplicate, stray or temporary file");
    }

    @Test
    void aJobThatDiesIsResumedByRerunningIt() throws IOException {
        Path local = singleMachine("local-resume", PairDirection.BACKWARD, 800);
        Path spark = dir.resolve("spark-resume");
        PairJob job = job(spark, PairDirection.BACKWARD, 800).optPartitions(2).optShardsPerTask(2).build();
        ShardObserver alwaysFailsLater = (shard, partition, attempt) -> {
            if (shard.index() >= 4) {
                throw new IllegalStateException("injected: executor lost at shard " + shard.index());
            }
        };
        assertThrows(SparkException.class, () -> SparkPairs.run(sc, job, alwaysFailsLater));
        PairManifest partial = PairManifest.read(spark);
        assertFalse(partial.complete());
        assertEquals(4, partial.shards().size(), "the first wave was recorded");
        var r = SparkPairs.run(sc, job);
        assertTrue(r.complete());
        assertEquals(4, r.shardsReused());
        assertEquals(4, r.shardsGenerated());
        assertEquals(PairManifest.read(local).shards(), PairManifest.read(spark).shards());
    }

    @Test
    @SuppressWarnings("try") // the lock is held for the block
    void theDriverHoldsTheStoreLockWhileTheJobRuns() throws IOException {
        Path spark = dir.resolve("spark-locked");
        String store = spark.toString(); // a Path is not serializable
        int before = LOCK_PROBES.size();
        // on the executors (threads of this JVM in local mode), while their shards are being written
        ShardObserver probe = (shard, partition, attempt) -> {
            try (DirectoryLock taken = DirectoryLock.acquire(Path.of(store))) {
                LOCK_PROBES.add("free while the job ran");
            } catch (DirectoryLockedException e) {
                LOCK_PROBES.add(e.getMessage());
            }
        };
        var r = SparkPairs.run(sc, job(spark, PairDirection.BACKWARD, 400).optPartitions(2).build(), probe);
        assertTrue(r.complete());
        List<String> seen = LOCK_PROBES.subList(before, LOCK_PROBES.size());
        assertEquals(4, seen.size(), "one probe per shard: " + seen);
        for (String m : seen) {
            assertTrue(m.startsWith(store + " is locked by this process (pid " + ProcessHandle.current().pid()), m);
        }
        try (DirectoryLock released = DirectoryLock.acquire(spark)) {
            assertTrue(released.takenOver().isEmpty(), "released cleanly when the job ended");
        }
        // a job on a store that another job holds is refused before it writes anything
        Path busy = dir.resolve("spark-busy");
        try (DirectoryLock held = DirectoryLock.acquire(busy)) {
            DirectoryLockedException e = assertThrows(DirectoryLockedException.class,
                    () -> SparkPairs.run(sc, job(busy, PairDirection.BACKWARD, 200).build()));
            assertTrue(e.getMessage().startsWith(busy + " is locked by this process"), e.getMessage());
            assertFalse(Files.exists(busy.resolve(PairManifest.FILE)), "nothing written");
        }
    }

    @Test
    void sparkEvaluationReducesToTheStatisticsOfOneMachine() throws IOException {
        EvalJob job = EvalJob.of(teacher, 2500, List.of(1, 6), 17).withBatchSize(300).withPartitions(3);
        List<SparkEval.Row> rows = SparkEval.run(sc, job);
        assertEquals(2, rows.size());
        try (NDManager m = Engines.newManager()) {
            TrainedModel model = TrainedModel.load(teacher, true, m);
            GaussianStats reference = GaussianStats.of(RunData.load(model.config()).eval().reference(0, 2500));
            for (SparkEval.Row row : rows) {
                GeneratedSamples g = BatchSampler.generate(model.field(),
                        Components.plan(model.config(), "heun", "uniform", row.nfe()), 2500, 300, 17,
                        model.sampleShape(), m);
                GaussianStats one = new MomentSums(2).add(g.data()).toGaussian();
                assertEquals(2500, row.samples().count());
                assertEquals("samples", row.space());
                assertEquals(FrechetDistance.compute(one, reference), row.frechet(), 1e-9);
                for (int i = 0; i < 2; i++) {
                    assertEquals(one.mean()[i], row.samples().mean()[i], 1e-12);
                }
                assertEquals(g.nfe(), row.meanNfe(), 1e-12);
            }
        }
        assertTrue(rows.get(0).frechet() > rows.get(1).frechet(), "one Euler step is farther from the data than 6 NFE: " + rows);
    }

    @Test
    void imageModelsAreScoredInTheFeatureSpaceOfReflowEval() throws IOException {
        Path features = dir.resolve("features");
        Config c = ConfigLoader.load(ReflowConfig.schema(), null, List.of("seed=2", "data.source=synthetic-shapes:600",
                "data.resolution=8", "model.type=unet", "model.channels=8", "model.channel_mult=[1,2]",
                "model.res_blocks=1", "model.attention_resolutions=[4]", "model.groups=4", "train.steps=20",
                "train.batch_size=32", "train.checkpoint_every=20", "eval.feature_steps=30", "eval.feature_batch=32",
                "eval.count=200", "eval.feature_cache=" + features));
        FlowTraining.run(c, dir.resolve("unet"), false, List.of(), null);
        Path model = dir.resolve("unet/model.ckpt");
        List<SparkEval.Row> rows = SparkEval.run(sc, EvalJob.of(model, 200, List.of(2), 5).withBatchSize(50)
                .withPartitions(2));
        assertEquals("features", rows.get(0).space());
        try (NDManager m = Engines.newManager()) {
            TrainedModel t = TrainedModel.load(model, true, m);
            RunData data = RunData.load(t.config());
            var extractor = Evaluations.featureNetwork(t.config(), data, m, System.err).extractor(m);
            GeneratedSamples g = BatchSampler.generate(t.field(), Components.plan(t.config(), "heun", "uniform", 2),
                    200, 50, 5, t.sampleShape(), m);
            double one = FrechetDistance.compute(GaussianStats.of(extractor.features(g.points())),
                    GaussianStats.of(extractor.features(data.eval().reference(0, 200))));
            assertEquals(extractor.featureDim(), rows.get(0).samples().dim());
            assertEquals(one, rows.get(0).frechet(), 1e-6 * Math.max(1, one), "the FD reflow eval computes");
        }
    }

    @Test
    void evalRangesAreBatchAlignedAndCoverEverything() {
        List<int[]> r = SparkEval.ranges(2500, 300, 3);
        assertEquals(3, r.size());
        assertEquals(0, r.get(0)[0]);
        for (int i = 1; i < r.size(); i++) {
            assertEquals(r.get(i - 1)[1], r.get(i)[0]);
            assertEquals(0, r.get(i)[0] % 300);
        }
        assertEquals(2500, r.get(2)[1]);
        assertEquals(1, SparkEval.ranges(10, 300, 4).size());
    }

    private static Map<String, String> files(Path d) throws IOException {
        Map<String, String> out = new TreeMap<>();
        try (Stream<Path> s = Files.list(d)) {
            for (Path p : (Iterable<Path>) s::iterator) {
                out.put(p.getFileName().toString(), dev.reflowkit.io.Checksums.sha256(p));
            }
        }
        return out;
    }
}
