package dev.reflowkit.pairs;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.reflowkit.config.Config;
import dev.reflowkit.data.PointSet;
import dev.reflowkit.engine.Engines;
import dev.reflowkit.io.DataFormatException;
import dev.reflowkit.io.DirectoryLock;
import dev.reflowkit.io.DirectoryLockedException;
import dev.reflowkit.metrics.LinearAssignment;
import dev.reflowkit.pipeline.PointData;
import dev.reflowkit.pipeline.TrainedModel;
import dev.reflowkit.sampling.BatchSampler;
import dev.reflowkit.sampling.SeededNoise;
import dev.reflowkit.solver.SamplerPlan;
import dev.reflowkit.solver.StepCallback;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Pair generation with a tiny trained teacher: determinism, resume, settings checks, each direction. */
class PairGenerationTest {

    private static final long SEED = 3;
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    static Path dir;

    private static Path teacher;

    @BeforeAll
    static void trainTeacher() {
        teacher = TinyTeacher.checkpoint(SEED);
    }

    private static PairGenerationResult generate(Path out, PairDirection direction, int count, int workers,
            String... overrides) throws IOException {
        return PairGeneration.builder()
                .setTeacher(teacher)
                .setDirection(direction)
                .optConfig(TinyTeacher.config(SEED, overrides))
                .optCount(count)
                .optWorkers(workers)
                .build()
                .run(out);
    }

    /** Every shard file's bytes, by relative path, plus the manifest's shard list and completeness. */
    private static Map<String, Object> snapshot(Path store) throws IOException {
        Map<String, Object> out = new TreeMap<>();
        try (Stream<Path> s = Files.list(store.resolve(ShardRange.FOLDER))) {
            for (Path p : s.toList()) {
                out.put(p.getFileName().toString(), Arrays.toString(Files.readAllBytes(p)));
            }
        }
        PairManifest m = PairManifest.read(store);
        out.put("manifest.shards", m.shards().toString());
        out.put("manifest.complete", m.complete());
        ObjectNode settings = JSON.createObjectNode();
        m.settings().writeTo(settings);
        out.put("manifest.settings", settings.toString());
        return out;
    }

    @Test
    void shardsWrittenElsewhereAreCommittedOnlyIfTheyMatch() throws IOException {
        PairGeneration g = PairGeneration.builder().setTeacher(teacher).setDirection(PairDirection.BACKWARD)
                .optConfig(TinyTeacher.config(SEED)).optCount(300).build();
        Path store = dir.resolve("distributed");
        PairPlan plan = g.open(store);
        assertEquals(3, plan.todo().size());
        assertEquals(List.of(), plan.finished());
        List<PairManifest.ShardEntry> first = g.writeShards(store, plan.todo().subList(0, 2), e -> { });
        PairManifest partial = g.commit(store, first);
        assertFalse(partial.complete());
        assertEquals(1, g.open(store).todo().size(), "a reopened store plans only the missing shard");
        List<PairManifest.ShardEntry> last = g.writeShards(store, plan.todo().subList(2, 3), e -> { });
        PairManifest.ShardEntry forged = new PairManifest.ShardEntry(2, 200, 300, last.get(0).x0File(), "00",
                last.get(0).x1File(), last.get(0).x1Sha256(), last.get(0).batchSize());
        assertThrows(DataFormatException.class, () -> g.commit(store, List.of(forged)), "checksum checked");
        PairManifest.ShardEntry stranger = new PairManifest.ShardEntry(7, 700, 800, "shards/x", "00", "shards/y", "00", 10);
        assertThrows(DataFormatException.class, () -> g.commit(store, List.of(stranger)), "not a shard of the store");
        PairManifest done = g.commit(store, List.of(last.get(0), first.get(1), last.get(0)));
        assertTrue(done.complete(), "repeats of one entry are one shard");
        Path local = dir.resolve("distributed-reference");
        generate(local, PairDirection.BACKWARD, 300, 2);
        assertEquals(snapshot(local), snapshot(store), "the same store as one run");
        assertThrows(DataFormatException.class, () -> g.commit(store, List.of(forged)), "a second, different copy");
    }

    @Test
    void storeIsIdenticalWhateverTheWorkerCountAndOnRerun() throws IOException {
        Path one = dir.resolve("w1");
        Path two = dir.resolve("w2");
        Path three = dir.resolve("w3");
        PairGenerationResult r = generate(one, PairDirection.BACKWARD, 450, 1);
        generate(two, PairDirection.BACKWARD, 450, 2);
        generate(three, PairDirection.BACKWARD, 450, 3);
        assertEquals(5, r.shards(), "450 pairs in shards of 100");
        assertEquals(5, r.shardsGenerated());
        assertEquals(450, r.pairsGenerated());
        assertEquals(5.0, r.nfe(), 0.0);
        assertTrue(r.complete());
        assertTrue(r.pairsPerSecond() > 0);
        Map<String, Object> reference = snapshot(one);
        assertEquals(10, reference.size() - 3, "5 shards x 2 files");
        assertEquals(reference, snapshot(two), "2 workers");
        assertEquals(reference, snapshot(three), "3 workers");
        assertTrue(Files.exists(one.resolve("shards/pairs-0000000400-0000000450.x1.npy")), "last shard's name");

        PairGenerationResult again = generate(one, PairDirection.BACKWARD, 450, 2);
        assertEquals(0, again.shardsGenerated(), "a finished store has nothing to do");
        assertEquals(5, again.shardsReused());
        assertEquals(reference, snapshot(one));
    }

    @Test
    void backwardPairsAreSeededNoiseAndItsTeacherSolution() throws IOException {
        Path out = dir.resolve("backward");
        generate(out, PairDirection.BACKWARD, 200, 2);
        PairStore store = PairStore.open(out);
        long seed = store.settings().seed();
        assertArrayEquals(SeededNoise.normal(seed, 0, 200, 2), store.x1(), "x1 = SeededNoise.normal(seed, i)");
        Config c = TinyTeacher.config(SEED);
        try (NDManager m = Engines.newManager()) {
            TrainedModel t = TrainedModel.load(teacher, true, m);
            SamplerPlan plan = PairGeneration.plan(c, true);
            float[] x0 = BatchSampler.generate(t.field(), plan, 200, 50, seed, new long[] {2}, m).data();
            assertArrayEquals(x0, store.x0(), 1e-6f, "x0 = the teacher's ODE from x1, 1 -> 0");
        }
        // pair i depends only on (seed, i): a smaller store is a prefix of a larger one
        Path small = dir.resolve("backward-small");
        generate(small, PairDirection.BACKWARD, 100, 1);
        assertArrayEquals(Arrays.copyOf(store.x0(), 200), PairStore.open(small).x0());
        // the adaptive solver: recorded with its tolerances, NFE measured
        Path adaptive = dir.resolve("backward-dopri5");
        PairGenerationResult d = generate(adaptive, PairDirection.BACKWARD, 100, 1, "pairs.solver=dopri5",
                "sample.atol=1e-3", "sample.rtol=1e-3");
        assertTrue(d.nfe() >= 6, "adaptive NFE " + d.nfe());
        PairSettings ds = PairStore.open(adaptive).settings();
        assertEquals("adaptive", ds.grid());
        assertEquals(0, ds.nfe());
        assertEquals(Map.of("atol", 1e-3, "rtol", 1e-3, "max_nfe", 10000.0), ds.solverOptions());
        assertArrayEquals(Arrays.copyOf(store.x1(), 200), PairStore.open(adaptive).x1(), "the same noise");
        // another seed gives other pairs
        Path other = dir.resolve("backward-seed");
        generate(other, PairDirection.BACKWARD, 100, 1, "pairs.seed=12345");
        assertEquals(12345L, PairStore.open(other).settings().seed());
        assertFalse(Arrays.equals(PairStore.open(other).x1(), PairStore.open(small).x1()));
    }

    @Test
    void forwardPairsStartFromTheTeachersTrainingPoints() throws IOException {
        Path out = dir.resolve("forward");
        generate(out, PairDirection.FORWARD, 250, 2);
        PairStore store = PairStore.open(out);
        Config c = TinyTeacher.config(SEED);
        PointSet train = PointData.load(c.getString("data.source"), c.getInt("data.train_count"),
                c.getInt("eval.count"), c.getLong("seed")).train();
        int[] order = ForwardPairs.order(600, store.settings().seed());
        float[] expected = new float[500];
        for (int i = 0; i < 250; i++) {
            System.arraycopy(train.data(), 2 * order[i], expected, 2 * i, 2);
        }
        assertArrayEquals(expected, store.x0(), "x0 = the training points in the seeded order");
        assertEquals(600, Arrays.stream(order).distinct().count(), "a permutation");
        assertEquals(600, store.settings().data().trainPoints());
        assertEquals("seeded-permutation", store.settings().pointOrder());
        try (NDManager m = Engines.newManager()) {
            TrainedModel t = TrainedModel.load(teacher, true, m);
            SamplerPlan plan = PairGeneration.plan(c, false);
            assertEquals(0.0, plan.grid()[0], "forward pairs integrate from t = 0");
            float[] x1 = plan.solver().solve(t.field(), m.create(store.x0(), new Shape(250, 2)), plan.grid(), false,
                    StepCallback.NONE).x().toFloatArray();
            assertArrayEquals(x1, store.x1(), 1e-5f, "x1 = the teacher's ODE from x0, 0 -> 1");
        }
        IllegalArgumentException tooMany = assertThrows(IllegalArgumentException.class,
                () -> generate(dir.resolve("forward-too-many"), PairDirection.FORWARD, 601, 1));
        assertTrue(tooMany.getMessage().contains("601"), tooMany.getMessage());
        assertTrue(tooMany.getMessage().contains("600 training points"), tooMany.getMessage());
        PairGenerationResult all = PairGeneration.builder().setTeacher(teacher).setDirection(PairDirection.FORWARD)
                .optConfig(TinyTeacher.config(SEED, "pairs.forward_count=0")).build().run(dir.resolve("forward-all"));
        assertEquals(600, all.count(), "pairs.forward_count = 0 takes every training point");
    }

    /**
     * A class-folder data set lists its points class by class: forward pairs of a tenth of them
     * must still cover every class in proportion (the first tenth would be one class).
     */
    @Test
    void forwardPairsDrawTheirPointsUniformlyNotThePrefix() {
        int n = 10_000;
        int count = 1_000;
        int[] order = ForwardPairs.order(n, 42);
        int[] perClass = new int[10];
        for (int i = 0; i < count; i++) {
            perClass[order[i] / 1000]++; // points 0..999 are class 0, 1000..1999 class 1, ...
        }
        for (int k = 0; k < 10; k++) {
            // binomial(1000, 0.1) without replacement: sd < 9.5, so 5 sd is about 47
            assertTrue(Math.abs(perClass[k] - 100) < 47, "class " + k + ": " + perClass[k] + " of 1000");
        }
        assertArrayEquals(order, ForwardPairs.order(n, 42), "seeded");
        assertFalse(Arrays.equals(order, ForwardPairs.order(n, 43)));
    }

    @Test
    void projectedPairsKeepTheNoiseAndMatchRealPointsByOptimalTransport() throws IOException {
        Path backward = dir.resolve("proj-backward");
        Path exact = dir.resolve("proj-exact");
        Path soft = dir.resolve("proj-soft");
        generate(backward, PairDirection.BACKWARD, 200, 1);
        generate(exact, PairDirection.PROJECTED, 200, 2, "pairs.sinkhorn_lambda=0");
        generate(soft, PairDirection.PROJECTED, 200, 2, "pairs.sinkhorn_lambda=0.05");
        PairStore b = PairStore.open(backward);
        PairStore e = PairStore.open(exact);
        PairStore s = PairStore.open(soft);
        assertArrayEquals(b.x1(), e.x1(), "projection keeps the noise");
        assertArrayEquals(b.x1(), s.x1());
        assertEquals(0.0, e.settings().projection().lambda());
        assertEquals(50, e.settings().projection().block());

        Config c = TinyTeacher.config(SEED);
        PointSet train = PointData.load(c.getString("data.source"), c.getInt("data.train_count"),
                c.getInt("eval.count"), c.getLong("seed")).train();
        Set<String> real = new HashSet<>();
        for (int i = 0; i < train.n(); i++) {
            real.add(train.get(i, 0) + "," + train.get(i, 1));
        }
        ProjectedPairs source = new ProjectedPairs(null, train, null, 50, e.settings().seed());
        for (int block = 0; block < 4; block++) {
            int[] drawn = source.draw(block, 50);
            assertEquals(50, Arrays.stream(drawn).distinct().count(), "distinct real points per block");
            // lambda = 0: the exact optimal assignment between the block's generated and drawn real points
            double[] cost = new double[50 * 50];
            for (int i = 0; i < 50; i++) {
                for (int j = 0; j < 50; j++) {
                    double dx = (double) b.x0()[2 * (block * 50 + i)] - train.get(drawn[j], 0);
                    double dy = (double) b.x0()[2 * (block * 50 + i) + 1] - train.get(drawn[j], 1);
                    cost[i * 50 + j] = dx * dx + dy * dy;
                }
            }
            int[] match = LinearAssignment.solve(cost, 50).colForRow();
            for (int i = 0; i < 50; i++) {
                int p = block * 50 + i;
                assertEquals(train.get(drawn[match[i]], 0), e.x0()[2 * p], "pair " + p);
                assertEquals(train.get(drawn[match[i]], 1), e.x0()[2 * p + 1], "pair " + p);
            }
        }
        for (int p = 0; p < 200; p++) {
            assertTrue(real.contains(s.x0()[2 * p] + "," + s.x0()[2 * p + 1]), "soft-projected x0 is a real point");
        }
        IllegalArgumentException bad = assertThrows(IllegalArgumentException.class,
                () -> generate(dir.resolve("proj-bad"), PairDirection.PROJECTED, 200, 1, "pairs.block=30"));
        assertTrue(bad.getMessage().contains("pairs.block"), bad.getMessage());
    }

    @Test
    void resumeAfterLostOrCorruptedShardsGivesTheIdenticalStore() throws IOException {
        Path ref = dir.resolve("resume-ref");
        generate(ref, PairDirection.BACKWARD, 400, 1);
        Map<String, Object> reference = snapshot(ref);

        // killed mid-way: stop after 2 new shards, then rerun
        Path partial = dir.resolve("resume-partial");
        PairGenerationResult first = PairGeneration.builder().setTeacher(teacher).setDirection(PairDirection.BACKWARD)
                .optConfig(TinyTeacher.config(SEED)).optCount(400).optMaxNewShards(2).build().run(partial);
        assertFalse(first.complete());
        assertEquals(2, first.shardsGenerated());
        assertFalse(PairManifest.read(partial).complete());
        IOException incomplete = assertThrows(IOException.class, () -> PairStore.open(partial));
        assertTrue(incomplete.getMessage().contains("incomplete"), incomplete.getMessage());
        PairGenerationResult rest = generate(partial, PairDirection.BACKWARD, 400, 2);
        assertEquals(2, rest.shardsReused());
        assertEquals(2, rest.shardsGenerated());
        assertEquals(reference, snapshot(partial));

        // a deleted shard file and a truncated one
        Path damaged = dir.resolve("resume-damaged");
        generate(damaged, PairDirection.BACKWARD, 400, 1);
        Files.delete(damaged.resolve("shards/pairs-0000000100-0000000200.x0.npy"));
        Path truncated = damaged.resolve("shards/pairs-0000000300-0000000400.x1.npy");
        Files.write(truncated, Arrays.copyOf(Files.readAllBytes(truncated), 200));
        Path stale = damaged.resolve("shards/.pairs-0000000100-0000000200.x0.npy.k3j2.tmp");
        Files.write(stale, new byte[10]);
        PairGenerationResult repaired = generate(damaged, PairDirection.BACKWARD, 400, 2);
        assertFalse(Files.exists(stale), "a killed write's temporary file is cleaned up");
        assertEquals(2, repaired.shardsGenerated());
        assertEquals(2, repaired.shardsReused());
        assertEquals(reference, snapshot(damaged));

        // killed between writing a shard's files and recording it: the manifest lacks its last entry
        Path unrecorded = dir.resolve("resume-unrecorded");
        generate(unrecorded, PairDirection.BACKWARD, 400, 1);
        ObjectNode root = (ObjectNode) JSON.readTree(unrecorded.resolve(PairManifest.FILE).toFile());
        ArrayNode shards = (ArrayNode) root.get("shards");
        shards.remove(shards.size() - 1);
        root.put("complete", false);
        Files.writeString(unrecorded.resolve(PairManifest.FILE), root.toString());
        assertEquals(1, generate(unrecorded, PairDirection.BACKWARD, 400, 1).shardsGenerated());
        assertEquals(reference, snapshot(unrecorded));
    }

    /**
     * A store made before stores recorded the solver's steps (heun at odd NFE then ended with an
     * Euler step) is refused by today's heun with a hint, and resumed by heun-edm.
     */
    @Test
    void storesMadeWithTheOldHeunStepsNameTheSolverThatResumesThem() throws IOException {
        Path out = dir.resolve("legacy");
        generate(out, PairDirection.BACKWARD, 200, 1, "pairs.solver=heun-edm");
        Path manifest = out.resolve(PairManifest.FILE);
        String json = Files.readString(manifest);
        assertTrue(json.contains("\"method\" : \"heun(euler last step)\""), json);
        // as the previous version wrote it: solver heun, no method
        Files.writeString(manifest, json.replace("\"solver\" : \"heun-edm\"", "\"solver\" : \"heun\"")
                .replaceAll("\\s*\"method\" : \"[^\"]*\",", ""));
        assertFalse(Files.readString(manifest).contains("method"));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> generate(out, PairDirection.BACKWARD, 200, 1));
        assertTrue(e.getMessage().contains("method (\"heun(euler last step)\" -> \"heun(ralston3 last step)\")"),
                e.getMessage());
        assertTrue(e.getMessage().contains("pairs.solver = heun-edm"), e.getMessage());
        PairGenerationResult resumed = generate(out, PairDirection.BACKWARD, 200, 1, "pairs.solver=heun-edm");
        assertEquals(0, resumed.shardsGenerated(), "every shard kept");
    }

    /** The batch size is not part of a store's identity: a store resumes with another, and each shard records its own. */
    @Test
    void aStoreResumesWithAnotherBatchSize() throws IOException {
        Path out = dir.resolve("batch-resume");
        PairGeneration.builder().setTeacher(teacher).setDirection(PairDirection.BACKWARD)
                .optConfig(TinyTeacher.config(SEED, "pairs.batch_size=50")).optCount(300).optWorkers(1)
                .optMaxNewShards(1).build().run(out);
        PairGenerationResult rest = generate(out, PairDirection.BACKWARD, 300, 1, "pairs.batch_size=100");
        assertEquals(2, rest.shardsGenerated());
        PairManifest m = PairManifest.read(out);
        assertTrue(m.complete());
        assertEquals(List.of(50, 100, 100), m.shards().stream().map(PairManifest.ShardEntry::batchSize).toList());
    }

    @Test
    @SuppressWarnings("try") // the lock is held for the block
    void rerunningWithOtherSettingsIsAnErrorNamingTheField() throws IOException {
        Path out = dir.resolve("settings");
        generate(out, PairDirection.BACKWARD, 200, 1);
        String manifest = Files.readString(out.resolve(PairManifest.FILE));
        Map<String, String> cases = Map.of(
                "count (200 -> 300)", "count",
                "seed (", "pairs.seed=99",
                "nfe (5 -> 7)", "pairs.nfe=7",
                "solver (\"heun\" -> \"euler\")", "pairs.solver=euler",
                "shard_size (100 -> 50)", "pairs.shard_size=50",
                "weights (\"ema\" -> \"raw\")", "pairs.weights=raw");
        for (Map.Entry<String, String> e : cases.entrySet()) {
            boolean count = e.getValue().equals("count");
            IllegalArgumentException ex = assertThrows(IllegalArgumentException.class, () -> generate(out,
                    PairDirection.BACKWARD, count ? 300 : 200, 1, count ? new String[0] : new String[] {e.getValue()}));
            assertTrue(ex.getMessage().contains(e.getKey()), e.getKey() + " in: " + ex.getMessage());
            assertTrue(ex.getMessage().contains(out.toString()), ex.getMessage());
        }
        IllegalArgumentException direction = assertThrows(IllegalArgumentException.class,
                () -> generate(out, PairDirection.FORWARD, 200, 1));
        assertTrue(direction.getMessage().contains("direction (\"backward\" -> \"forward\")"), direction.getMessage());
        Path otherTeacher = TinyTeacher.checkpoint(SEED + 1);
        IllegalArgumentException t = assertThrows(IllegalArgumentException.class, () -> PairGeneration.builder()
                .setTeacher(otherTeacher).setDirection(PairDirection.BACKWARD).optConfig(TinyTeacher.config(SEED))
                .optCount(200).build().run(out));
        assertTrue(t.getMessage().contains("teacher.sha256"), t.getMessage());
        assertEquals(manifest, Files.readString(out.resolve(PairManifest.FILE)), "a refused run writes nothing");

        try (DirectoryLock held = DirectoryLock.acquire(out)) {
            DirectoryLockedException busy = assertThrows(DirectoryLockedException.class,
                    () -> generate(out, PairDirection.BACKWARD, 200, 1));
            assertTrue(busy.getMessage().contains(out + " is locked by this process (pid "
                    + ProcessHandle.current().pid()), busy.getMessage());
        }
        assertEquals(manifest, Files.readString(out.resolve(PairManifest.FILE)), "a refused run writes nothing");

        Path notAStore = dir.resolve("not-a-store");
        Files.createDirectories(notAStore);
        Files.writeString(notAStore.resolve("notes.txt"), "mine");
        IllegalArgumentException ns = assertThrows(IllegalArgumentException.class,
                () -> generate(notAStore, PairDirection.BACKWARD, 100, 1));
        assertTrue(ns.getMessage().contains("not a pair store"), ns.getMessage());
        assertEquals(List.of("notes.txt"), Files.list(notAStore).map(p -> p.getFileName().toString()).toList());
    }
}
