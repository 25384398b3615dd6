package dev.reflowkit.spark;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDManager;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.reflowkit.config.Config;
import dev.reflowkit.config.ConfigLoader;
import dev.reflowkit.config.ReflowConfig;
import dev.reflowkit.engine.Engines;
import dev.reflowkit.io.AtomicFiles;
import dev.reflowkit.io.Checksums;
import dev.reflowkit.metrics.FrechetDistance;
import dev.reflowkit.metrics.GaussianStats;
import dev.reflowkit.metrics.MomentSums;
import dev.reflowkit.pairs.PairManifest;
import dev.reflowkit.pairs.ShardRange;
import dev.reflowkit.pipeline.Components;
import dev.reflowkit.pipeline.FlowTraining;
import dev.reflowkit.pipeline.RunData;
import dev.reflowkit.pipeline.TrainedModel;
import dev.reflowkit.sampling.BatchSampler;
import dev.reflowkit.sampling.GeneratedSamples;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.extension.TestWatcher;
import org.junit.jupiter.api.io.TempDir;

/**
 * The jobs submitted with {@code spark-submit} to a Spark standalone cluster of separate processes
 * on this machine (a master, two one-core workers, their executors and the driver: five JVMs), as
 * docs/SPARK.md submits them: the job classes arrive in the application jar, reflowkit-core, DJL
 * and the PyTorch JNI and native jars in {@code --jars}, none of them on Spark's class path
 * ({@link StandaloneCluster}). The stores equal one machine's bit for bit, the evaluation agrees
 * with one machine's, and a worker SIGKILLed with its executor in the middle of a pair job loses
 * and duplicates nothing.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class SparkClusterTest {

    private static final Duration JOB = Duration.ofSeconds(240);
    /** The driver starting a task's second (or later) attempt: {@code Starting task 0.1 in stage 0.0}. */
    private static final Pattern RELAUNCHED = Pattern.compile("Starting task \\d+\\.[1-9]\\d* in stage");

    @TempDir
    static Path dir;

    private static StandaloneCluster cluster;
    private static Path teacher;
    private static long t0;

    /** The ends of every process's log when a test fails. */
    @RegisterExtension
    static final TestWatcher LOGS = new TestWatcher() {
        @Override
        public void testFailed(ExtensionContext context, Throwable cause) {
            if (cluster != null) {
                System.err.println("---- " + context.getDisplayName() + " failed; the cluster's logs:");
                cluster.printLogTails(System.err, 60);
            }
        }
    };

    @BeforeAll
    static void setUp() throws IOException, InterruptedException, ExecutionException {
        t0 = System.nanoTime();
        // the cluster's JVMs start while the teacher trains here
        CompletableFuture<StandaloneCluster> starting = CompletableFuture.supplyAsync(() -> {
            try {
                return StandaloneCluster.start(dir.resolve("cluster"), 2);
            } catch (IOException | InterruptedException e) {
                throw new IllegalStateException("cannot start the cluster: " + e, e);
            }
        });
        Config c = ConfigLoader.load(ReflowConfig.schema(), null, List.of("seed=9", "train.steps=40",
                "train.batch_size=64", "model.hidden=32", "model.depth=2", "data.train_count=2000",
                "train.checkpoint_every=40", "eval.count=400"));
        FlowTraining.run(c, dir.resolve("teacher"), false, List.of(), null);
        teacher = dir.resolve("teacher/model.ckpt");
        System.err.printf("SparkClusterTest: teacher trained in %.1f s%n", seconds(t0));
        cluster = starting.get();
        System.err.printf("SparkClusterTest: cluster %s up after %.1f s%n", cluster.masterUrl(), seconds(t0));
    }

    @AfterAll
    static void tearDown() {
        if (cluster != null) {
            cluster.close();
        }
        System.err.printf("SparkClusterTest: %.1f s in all%n", seconds(t0));
    }

    private static List<String> pairArgs(Path store, String direction, int count, int partitions, int shardSize,
            int nfe) {
        return List.of("--teacher", teacher.toString(), "--out", store.toString(), "--direction", direction,
                "--count", Integer.toString(count), "--seed", "3", "--partitions", Integer.toString(partitions),
                "--set", "pairs.shard_size=" + shardSize, "--set", "pairs.nfe=" + nfe,
                "--set", "pairs.batch_size=" + shardSize / 2);
    }

    /** The same job on one machine ({@code PairGeneration.run}), from the same arguments. */
    private static Path singleMachine(List<String> sparkArgs, Path store) throws IOException {
        List<String> args = new ArrayList<>(sparkArgs);
        args.set(args.indexOf("--out") + 1, store.toString());
        PairJob job = JobArguments.pairJob(args.toArray(String[]::new));
        job.generation(job.teacher()).run(job.store());
        return store;
    }

    @Test
    @Order(1)
    void pairsFromTheClusterAreBitwiseThoseOfOneMachine() throws IOException, InterruptedException {
        long start = System.nanoTime();
        Path spark = dir.resolve("cluster-pairs");
        List<String> args = pairArgs(spark, "backward", 4000, 4, 500, 5); // 8 shards, 4 tasks of 2
        StandaloneCluster.Driver driver = cluster.submit(SparkPairs.class, args);
        assertEquals(0, driver.await(JOB), "spark-submit's exit code");
        assertTrue(driver.log().contains("wrote 4000 backward pairs"), "the driver's summary line");
        String app = driver.appId();
        for (StandaloneCluster.Worker w : cluster.workers()) {
            assertTrue(StandaloneCluster.tasks(w, app)[1] > 0, "worker " + w.index() + "'s executor ran tasks");
            assertNativeLibraryExtracted(w);
        }
        assertSameStore(singleMachine(args, dir.resolve("local-pairs")), spark, 8);
        System.err.printf("SparkClusterTest: pair job %.1f s%n", seconds(start));
    }

    @Test
    @Order(2)
    void evaluationOnTheClusterReducesToTheStatisticsOfOneMachine() throws IOException, InterruptedException {
        long start = System.nanoTime();
        Path out = dir.resolve("cluster-eval.json");
        StandaloneCluster.Driver driver = cluster.submit(SparkEval.class, List.of("--model", teacher.toString(),
                "--count", "2500", "--nfe", "1,6", "--seed", "17", "--batch-size", "300", "--partitions", "4",
                "--out", out.toString()));
        assertEquals(0, driver.await(JOB), "spark-submit's exit code");
        String app = driver.appId();
        for (StandaloneCluster.Worker w : cluster.workers()) {
            assertTrue(StandaloneCluster.tasks(w, app)[1] > 0, "worker " + w.index() + "'s executor ran tasks");
        }
        JsonNode runs = new ObjectMapper().readTree(out.toFile()).get("runs");
        assertEquals(2, runs.size());
        try (NDManager m = Engines.newManager()) {
            TrainedModel model = TrainedModel.load(teacher, true, m);
            GaussianStats reference = GaussianStats.of(RunData.load(model.config()).eval().reference(0, 2500));
            for (JsonNode run : runs) {
                int nfe = run.get("nfe").asInt();
                GeneratedSamples g = BatchSampler.generate(model.field(),
                        Components.plan(model.config(), "heun", "uniform", nfe), 2500, 300, 17, model.sampleShape(), m);
                GaussianStats one = new MomentSums(2).add(g.data()).toGaussian();
                assertEquals("samples", run.get("space").asText());
                assertEquals(FrechetDistance.compute(one, reference), run.get("frechet").asDouble(), 1e-9,
                        "NFE " + nfe + ": the Frechet distance of one machine");
                assertEquals(g.nfe(), run.get("mean_nfe").asDouble(), 1e-12);
            }
        }
        assertTrue(runs.get(0).get("frechet").asDouble() > runs.get(1).get("frechet").asDouble(),
                "one Euler step is farther from the data than 6 NFE: " + runs);
        System.err.printf("SparkClusterTest: evaluation job %.1f s%n", seconds(start));
    }

    @Test
    @Order(3)
    void aWorkerKilledMidJobLosesAndDuplicatesNothing() throws IOException, InterruptedException {
        long start = System.nanoTime();
        Path spark = dir.resolve("cluster-kill");
        int shards = 48;
        // 48 shards in waves of 2 tasks x 4 shards: 6 waves, each recorded in the manifest as it ends
        List<String> args = pairArgs(spark, "backward", shards * 500, 2, 500, 20);
        StandaloneCluster.Driver driver = cluster.submit(SparkPairs.class, args);
        Path shardDir = spark.resolve(ShardRange.FOLDER);
        StandaloneCluster.Worker[] victim = new StandaloneCluster.Worker[1];
        // the kill lands once a shard of this job is on disk and while a task runs on the victim's executor
        StandaloneCluster.await(() -> {
            if (shardFiles(shardDir) == 0 || !driver.log().contains("app ID")) {
                return false;
            }
            String app = driver.appId();
            for (StandaloneCluster.Worker w : cluster.workers()) {
                int[] t = StandaloneCluster.tasks(w, app);
                if (t[0] > t[1]) {
                    victim[0] = w;
                    return true;
                }
            }
            return false;
        }, () -> !driver.isAlive(), JOB, "a shard on disk and a task running on an executor");
        // the store just before the kill (the job goes on writing while the processes die)
        int[] tasksAtKill = StandaloneCluster.tasks(victim[0], driver.appId());
        int filesAtKill = shardFiles(shardDir);
        PairManifest atKill = Files.exists(spark.resolve(PairManifest.FILE)) ? PairManifest.read(spark) : null;
        List<Long> killed = cluster.killWorker(victim[0]);
        int listedAtKill = atKill == null ? 0 : atKill.shards().size();
        System.err.printf("SparkClusterTest: killed worker %d (pids %s) %.1f s after submit, its executor running"
                + " a task (%d started, %d finished); %d of %d shard files on disk, %d of %d shards in the"
                + " manifest%n", victim[0].index(), killed, seconds(start), tasksAtKill[0], tasksAtKill[1],
                filesAtKill, 2 * shards, listedAtKill, shards);
        assertTrue(killed.size() >= 2, "the worker and its executor were killed: " + killed);
        assertTrue(atKill == null || !atKill.complete(), "the kill landed before the job ended");
        assertTrue(listedAtKill < shards && filesAtKill < 2 * shards, "the kill landed mid-job");

        assertEquals(0, driver.await(JOB), "spark-submit's exit code after losing a worker");
        String log = driver.log();
        assertTrue(log.contains("Lost executor"), "the driver saw the executor die");
        assertTrue(RELAUNCHED.matcher(log).find(), "a task running on the killed executor was relaunched elsewhere");
        for (StandaloneCluster.Worker w : cluster.workers()) {
            assertEquals(w != victim[0], w.process().isAlive(), "worker " + w.index());
        }
        assertSameStore(singleMachine(args, dir.resolve("local-kill")), spark, shards);
        System.err.printf("SparkClusterTest: pair job with a worker killed %.1f s%n", seconds(start));
    }

    /** Each worker's executors extracted libtorch from the native jar into their empty DJL cache. */
    private static void assertNativeLibraryExtracted(StandaloneCluster.Worker w) throws IOException {
        try (Stream<Path> s = Files.walk(w.engineCache())) {
            List<String> names = s.map(p -> p.getFileName().toString()).toList();
            assertTrue(names.contains("libtorch_cpu.so") && names.stream().anyMatch(n -> n.endsWith("libdjl_torch.so")),
                    "worker " + w.index() + "'s executors extracted PyTorch from the jars they were sent: " + names);
        }
    }

    /** Same manifest entries and settings, same shard files (SHA-256), nothing else in the store. */
    private static void assertSameStore(Path local, Path spark, int shards) throws IOException {
        PairManifest a = PairManifest.read(local);
        PairManifest b = PairManifest.read(spark);
        assertTrue(b.complete());
        assertEquals(shards, b.shards().size());
        assertEquals(shards, b.shards().stream().map(PairManifest.ShardEntry::index).distinct().count(), "each once");
        assertEquals(a.shards(), b.shards(), "the manifest's entries");
        assertEquals(a.settings(), b.settings());
        Map<String, String> files = tree(spark);
        assertEquals(tree(local), files, "every file (SHA-256), with no duplicate, stray or temporary file");
        assertFalse(files.keySet().stream().anyMatch(n -> AtomicFiles.isTemporary(Path.of(n).getFileName().toString())));
    }

    /**
     * Every file under a store (the manifest by name only: it records its path and time), but the
     * empty {@code .lock} that only the single-machine run takes.
     */
    private static Map<String, String> tree(Path store) throws IOException {
        Map<String, String> out = new TreeMap<>();
        try (Stream<Path> s = Files.walk(store)) {
            for (Path p : (Iterable<Path>) s.filter(Files::isRegularFile)
                    .filter(p -> !p.getFileName().toString().equals(".lock"))::iterator) {
                String name = store.relativize(p).toString();
                out.put(name, name.equals(PairManifest.FILE) ? "" : Checksums.sha256(p));
            }
        }
        return out;
    }

    private static int shardFiles(Path shardDir) {
        if (!Files.isDirectory(shardDir)) {
            return 0;
        }
        try (Stream<Path> s = Files.list(shardDir)) {
            return (int) s.filter(p -> p.getFileName().toString().endsWith(".npy")).count();
        } catch (IOException e) {
            return 0; // the directory is being written; the next poll sees it
        }
    }

    private static double seconds(long since) {
        return (System.nanoTime() - since) / 1e9;
    }
}
