package dev.reflowkit.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDManager;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.reflowkit.engine.Engines;
import dev.reflowkit.io.Checksums;
import dev.reflowkit.pairs.PairManifest;
import dev.reflowkit.pairs.PairStore;
import dev.reflowkit.pairs.ShardRange;
import dev.reflowkit.train.Checkpoints;
import dev.reflowkit.train.TrainingLog;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Crash safety: {@code train}, {@code pairs} and {@code pipeline} in child JVMs killed with
 * SIGKILL at 20+ random points each, rerun after every kill, then compared bit for bit with an
 * uninterrupted run of the same command (docs/RELIABILITY.md).
 *
 * <p>After every kill, whatever the directory holds that looks finished must be intact: every
 * checkpoint reads and passes its checksums, every pair-store manifest lists only shards whose
 * files match their checksums, {@code metrics.json} parses. At the end: the same final weights
 * (parameters, EMA and Adam moments), the same training log, the same pairs (every shard's
 * SHA-256), the same metrics, and no temporary file of an interrupted write left behind.
 */
class CrashSafetyTest {

    private static final int KILLS = 20;
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    static Path dir;

    private static Path teacher;

    @BeforeAll
    static void teacher() {
        Path run = dir.resolve("teacher");
        Cli.Result r = Cli.run(Cli.tiny(List.of("train", "--out", run.toString()), "seed=11", "train.steps=60"));
        assertEquals(0, r.exitCode(), r::toString);
        teacher = run.resolve("model.ckpt");
    }

    @Test
    void killedTrainingResumesToTheSameWeights() throws Exception {
        List<String> sets = sets("seed=3", "train.steps=1500", "train.batch_size=64", "train.warmup_steps=100",
                "model.hidden=32", "model.depth=2", "data.train_count=2000", "train.checkpoint_every=20",
                "train.log_every=20", "train.keep_checkpoints=2");
        Path ref = dir.resolve("train-ref");
        Path logs = logs("train");
        KillLoop.Timing t = KillLoop.reference(logs, command(List.of("train", "--out", ref.toString()), sets), "step ");
        KillLoop.Outcome o = KillLoop.run(logs, k -> dir.resolve("train-killed-" + k),
                job -> command(List.of("train", "--out", job.toString(), "--resume"), sets), "step ", t, KILLS, 1,
                CrashSafetyTest::checkTrainingRun, job -> {
                    assertEquals(checkpointSums(ref.resolve("model.ckpt")), checkpointSums(job.resolve("model.ckpt")),
                            "final parameters, EMA and Adam moments bitwise equal to the uninterrupted run's");
                    assertEquals(logRecords(ref), logRecords(job), "the same training log, each record once");
                    assertEquals(1500 / 20, logRecords(job).size());
                    assertEquals(0, KillLoop.temporaries(job), "temporary files of interrupted writes are removed");
                });
        System.out.print(o.summary("train"));
    }

    @Test
    void killedPairGenerationLosesAndDuplicatesNothing() throws Exception {
        int count = 60_000;
        List<String> args = List.of("pairs", "--teacher", teacher.toString(), "--direction", "backward",
                "--count", Integer.toString(count), "--set", "pairs.nfe=9", "--set", "pairs.shard_size=1000",
                "--set", "pairs.batch_size=500");
        Path ref = dir.resolve("pairs-ref");
        Path logs = logs("pairs");
        KillLoop.Timing t = KillLoop.reference(logs, command(args, List.of("--out", ref.toString())), "pairs: backward");
        KillLoop.Outcome o = KillLoop.run(logs, k -> dir.resolve("pairs-killed-" + k),
                job -> command(args, List.of("--out", job.toString())), "pairs: backward", t, KILLS, 2,
                CrashSafetyTest::checkPairStore, job -> {
                    PairStore store = PairStore.open(job);
                    assertEquals(count, store.count());
                    assertEquals(shardSums(ref), shardSums(job), "every shard bitwise equal to the uninterrupted run's");
                    List<PairManifest.ShardEntry> shards = store.manifest().shards();
                    for (int k = 0; k < shards.size(); k++) {
                        assertEquals(k == 0 ? 0 : shards.get(k - 1).end(), shards.get(k).first(),
                                "shards tile the seeds, no gap or overlap");
                    }
                    assertEquals(count, shards.get(shards.size() - 1).end());
                    Set<String> listed = new TreeSet<>();
                    shards.forEach(e -> {
                        listed.add(Path.of(e.x0File()).getFileName().toString());
                        listed.add(Path.of(e.x1File()).getFileName().toString());
                    });
                    assertEquals(listed, fileNames(job.resolve(ShardRange.FOLDER)),
                            "no stray or temporary files among the shards");
                    assertEquals(0, KillLoop.temporaries(job));
                });
        System.out.print(o.summary("pairs"));
    }

    @Test
    void killedPipelineRerunsToTheSameResults() throws Exception {
        List<String> sets = sets("seed=4", "train.steps=300", "train.batch_size=64", "train.warmup_steps=0",
                "train.lr=0.005", "model.hidden=32", "model.depth=2", "model.time_scale=1", "data.train_count=2000",
                "train.checkpoint_every=10", "train.log_every=10", "eval.count=100", "eval.repeats=1",
                "eval.nfe=[1,2]", "sample.atol=1e-3", "sample.rtol=1e-3", "pairs.count=3000",
                "pairs.forward_count=2000", "pairs.nfe=5", "pairs.shard_size=100", "pipeline.reflow_set=[train.steps=300]");
        Path ref = dir.resolve("pipeline-ref");
        Path logs = logs("pipeline");
        KillLoop.Timing t = KillLoop.reference(logs, command(List.of("pipeline", "--out", ref.toString()), sets),
                "== teacher");
        KillLoop.Outcome o = KillLoop.run(logs, k -> dir.resolve("pipeline-killed-" + k),
                job -> command(List.of("pipeline", "--out", job.toString()), sets), "== teacher", t, KILLS, 3,
                CrashSafetyTest::checkPipeline, job -> {
                    for (String model : List.of("teacher", "reflow/baseline", "reflow/simple-reflow")) {
                        assertEquals(checkpointSums(ref.resolve(model).resolve("model.ckpt")),
                                checkpointSums(job.resolve(model).resolve("model.ckpt")), model);
                    }
                    for (String store : List.of("pairs/round1/backward", "pairs/round1/forward")) {
                        assertEquals(shardSums(ref.resolve(store)), shardSums(job.resolve(store)), store);
                        PairStore.open(job.resolve(store));
                    }
                    assertEquals(metricsWithoutTimes(ref), metricsWithoutTimes(job), "the same metrics");
                    assertTrue(Files.size(job.resolve("report.html")) > 0);
                    assertEquals(0, KillLoop.temporaries(job), "temporary files of interrupted writes are removed");
                });
        System.out.print(o.summary("pipeline"));
    }

    /** Every checkpoint the run holds reads and passes its checksums; the log parses but for a torn last line. */
    private static void checkTrainingRun(Path run) throws IOException {
        for (Path ckpt : checkpoints(run)) {
            try (NDManager m = Engines.newManager()) {
                Checkpoints.read(ckpt, m); // throws CheckpointException naming the file
            }
        }
        Path log = run.resolve("train_log.jsonl");
        if (Files.exists(log)) {
            List<String> lines = Files.readAllLines(log, StandardCharsets.UTF_8);
            for (int i = 0; i < lines.size() - 1; i++) {
                JSON.readTree(lines.get(i));
            }
        }
    }

    /** A manifest, if there is one yet, lists only shards whose files are intact. */
    private static void checkPairStore(Path store) throws IOException {
        if (!Files.exists(store.resolve(PairManifest.FILE))) {
            return;
        }
        PairManifest m = PairManifest.read(store);
        for (PairManifest.ShardEntry e : m.shards()) {
            assertEquals(e.x0Sha256(), Checksums.sha256(store.resolve(e.x0File())), e.x0File());
            assertEquals(e.x1Sha256(), Checksums.sha256(store.resolve(e.x1File())), e.x1File());
        }
        if (m.complete()) {
            PairStore.open(store);
        }
    }

    private static void checkPipeline(Path job) throws IOException {
        if (!Files.isDirectory(job)) {
            return;
        }
        for (String model : List.of("teacher", "reflow/baseline", "reflow/simple-reflow")) {
            checkTrainingRun(job.resolve(model));
        }
        for (String store : List.of("pairs/round1/backward", "pairs/round1/forward")) {
            checkPairStore(job.resolve(store));
        }
        if (Files.exists(job.resolve("metrics.json"))) {
            JSON.readTree(job.resolve("metrics.json").toFile());
        }
    }

    private static List<Path> checkpoints(Path run) throws IOException {
        List<Path> out = new ArrayList<>();
        if (Files.exists(run.resolve("model.ckpt"))) {
            out.add(run.resolve("model.ckpt"));
        }
        Path dir = run.resolve("checkpoints");
        if (Files.isDirectory(dir)) {
            try (Stream<Path> s = Files.list(dir)) {
                s.filter(p -> p.getFileName().toString().endsWith(".ckpt")).sorted().forEach(out::add);
            }
        }
        return out;
    }

    /** The SHA-256 of each array group of a checkpoint (parameters, EMA, Adam moments). */
    private static Map<String, String> checkpointSums(Path ckpt) throws IOException {
        try (var zip = new java.util.zip.ZipFile(ckpt.toFile())) {
            JsonNode meta = JSON.readTree(zip.getInputStream(zip.getEntry("meta.json")));
            Map<String, String> out = new TreeMap<>();
            out.putAll(JSON.convertValue(meta.get("sha256"), new TypeReference<Map<String, String>>() {}));
            out.put("step", meta.get("step").asText());
            return out;
        }
    }

    /** The log without its timing fields. */
    private static List<String> logRecords(Path run) throws IOException {
        List<String> out = new ArrayList<>();
        for (JsonNode n : TrainingLog.read(run.resolve("train_log.jsonl"))) {
            ObjectNode o = ((ObjectNode) n).deepCopy();
            o.remove("samples_per_s");
            o.remove("elapsed_s");
            out.add(o.toString());
        }
        return out;
    }

    private static List<String> shardSums(Path store) throws IOException {
        return PairManifest.read(store).shards().stream()
                .map(e -> e.index() + " " + e.x0Sha256() + " " + e.x1Sha256()).collect(Collectors.toList());
    }

    private static String metricsWithoutTimes(Path job) throws IOException {
        JsonNode root = JSON.readTree(job.resolve("metrics.json").toFile());
        for (JsonNode run : root.path("runs")) {
            ((ObjectNode) run).remove("seconds");
        }
        return root.toString();
    }

    private static Set<String> fileNames(Path dir) throws IOException {
        try (Stream<Path> s = Files.list(dir)) {
            return s.map(p -> p.getFileName().toString()).collect(Collectors.toCollection(TreeSet::new));
        }
    }

    private static Path logs(String name) throws IOException {
        return Files.createDirectories(dir.resolve("logs-" + name));
    }

    private static List<String> sets(String... sets) {
        List<String> out = new ArrayList<>();
        for (String s : sets) {
            out.add("--set");
            out.add(s);
        }
        return out;
    }

    private static List<String> command(List<String> head, List<String> tail) {
        List<String> out = new ArrayList<>(head);
        out.addAll(tail);
        return out;
    }
}
