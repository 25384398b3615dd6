package dev.reflowkit.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.reflowkit.config.Config;
import dev.reflowkit.config.ConfigLoader;
import dev.reflowkit.config.ReflowConfig;
import dev.reflowkit.io.Npy;
import dev.reflowkit.io.NpyArray;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * {@code reflow train} end to end on a tiny configuration, then {@code reflow sample} from the
 * trained checkpoint. The model is trained once; the rerun tests come last.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class TrainAndSampleTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final byte[] NPY_MAGIC = {(byte) 0x93, 'N', 'U', 'M', 'P', 'Y'};

    @TempDir
    static Path dir;

    private static Path run;
    private static Path ckpt;
    private static Cli.Result trained;

    @BeforeAll
    static void train() {
        run = dir.resolve("run");
        ckpt = run.resolve("model.ckpt");
        trained = Cli.run(Cli.tiny(List.of("train", "--out", run.toString()), "seed=7"));
    }

    // ---------------------------------------------------------------- train

    @Test
    @Order(1)
    void trainSucceedsAndReports() {
        assertEquals(0, trained.exitCode(), trained::toString);
        assertTrue(trained.out().contains("trained 30 steps (1920 samples)"), trained.out());
        assertTrue(trained.out().contains("model: " + ckpt), trained.out());
        assertFalse(trained.err().contains("\tat "), trained.err());
    }

    @Test
    @Order(2)
    void runDirectoryHoldsModelAndCheckpoints() throws IOException {
        assertTrue(Files.size(ckpt) > 0, "model.ckpt");
        List<String> names = new ArrayList<>();
        try (Stream<Path> s = Files.list(run.resolve("checkpoints"))) {
            s.map(p -> p.getFileName().toString()).sorted().forEach(names::add);
        }
        // checkpoint_every 10, keep_checkpoints 3 (default)
        assertEquals(List.of("step-0000000010.ckpt", "step-0000000020.ckpt", "step-0000000030.ckpt"), names);
        assertArrayEquals(Files.readAllBytes(run.resolve("checkpoints/step-0000000030.ckpt")),
                Files.readAllBytes(ckpt), "model.ckpt is the last checkpoint");
    }

    @Test
    @Order(3)
    void trainLogIsJsonLinesWithStepAndLoss() throws IOException {
        List<String> lines = Files.readAllLines(run.resolve("train_log.jsonl"));
        assertEquals(3, lines.size(), "one line per log_every=10 steps: " + lines);
        for (int i = 0; i < lines.size(); i++) {
            JsonNode rec = JSON.readTree(lines.get(i));
            assertEquals(10L * (i + 1), rec.get("step").asLong(), lines.get(i));
            assertTrue(rec.get("loss").isNumber(), lines.get(i));
            double loss = rec.get("loss").asDouble();
            assertTrue(Double.isFinite(loss) && loss > 0, lines.get(i));
        }
    }

    @Test
    @Order(4)
    void configYamlReloadsToTheRunConfig() throws IOException {
        Config stored = ConfigLoader.load(ReflowConfig.schema(), run.resolve("config.yaml"), List.of());
        assertEquals(Cli.tinyConfig("seed=7"), stored);
        assertEquals(30, stored.getInt("train.steps"));
    }

    @Test
    @Order(5)
    void runJsonRecordsSeedAndVersions() throws IOException {
        JsonNode r = JSON.readTree(run.resolve("run.json").toFile());
        assertEquals("train", r.get("command").asText());
        assertEquals(7L, r.get("seed").asLong());
        JsonNode v = r.get("versions");
        assertTrue(v.get("reflowkit").isTextual(), r.toString());
        assertTrue(v.get("engine").asText().contains("PyTorch"), v.toString());
        assertTrue(v.get("engine").asText().contains("DJL"), v.toString());
        assertTrue(v.get("java").asText().contains(System.getProperty("java.version")), v.toString());
        assertEquals(30, r.get("config").get("train").get("steps").asInt());
        List<String> args = new ArrayList<>();
        r.get("args").forEach(a -> args.add(a.asText()));
        assertTrue(args.contains("train.steps=30"), args.toString());
    }

    // ---------------------------------------------------------------- sample

    private static Path sample(String name) {
        return dir.resolve("samples").resolve(name);
    }

    private static Cli.Result sampleRun(Path out, String... args) {
        List<String> all = new ArrayList<>(List.of("sample", "--model", ckpt.toString(), "--out", out.toString()));
        all.addAll(List.of(args));
        return Cli.run(all.toArray(String[]::new));
    }

    private static NpyArray readSamples(Path file, int count) throws IOException {
        NpyArray a = Npy.read(file);
        assertArrayEquals(new long[] {count, 2}, a.shape());
        for (float x : a.data()) {
            assertTrue(Float.isFinite(x), "finite samples");
        }
        return a;
    }

    @Test
    @Order(10)
    void sampleWritesANpyFileOfTheRequestedShape() throws IOException {
        Path out = sample("heun9.npy");
        Cli.Result r = sampleRun(out, "--solver", "heun", "--nfe", "9", "--grid", "uniform", "--count", "50");
        assertEquals(0, r.exitCode(), r::toString);
        assertTrue(r.out().contains("wrote 50 samples to " + out), r.out());
        NpyArray a = readSamples(out, 50);
        byte[] head = Arrays.copyOf(Files.readAllBytes(out), NPY_MAGIC.length);
        assertArrayEquals(NPY_MAGIC, head, "numpy magic \\x93NUMPY");
        String header = new String(Files.readAllBytes(out), 10, 60, StandardCharsets.ISO_8859_1);
        assertTrue(header.startsWith("{'descr': '<f4', 'fortran_order': False, 'shape': (50, 2), }"), header);
        float spread = 0;
        for (float x : a.data()) {
            spread = Math.max(spread, Math.abs(x));
        }
        assertTrue(spread > 0.1 && spread < 100, "plausible sample scale, max |x| = " + spread);
        JsonNode rec = JSON.readTree(Path.of(out + ".run.json").toFile());
        assertEquals("sample", rec.get("command").asText());
        assertEquals(9.0, rec.get("nfe").asDouble(), 0.0);
        assertEquals("heun", rec.get("config").get("sample").get("solver").asText());
        assertEquals(50, rec.get("config").get("sample").get("count").asInt());
        assertEquals(7L, rec.get("seed").asLong(), "the model's seed by default");
    }

    @Test
    @Order(11)
    void sameSeedGivesIdenticalFilesAndAnotherSeedDifferentSamples() throws IOException {
        Path a = sample("a.npy");
        Path b = sample("b.npy");
        Path c = sample("c.npy");
        assertEquals(0, sampleRun(a, "--count", "50", "--nfe", "4", "--seed", "11").exitCode());
        assertEquals(0, sampleRun(b, "--count", "50", "--nfe", "4", "--seed", "11").exitCode());
        assertEquals(0, sampleRun(c, "--count", "50", "--nfe", "4", "--seed", "12").exitCode());
        assertArrayEquals(Files.readAllBytes(a), Files.readAllBytes(b));
        float[] da = readSamples(a, 50).data();
        float[] dc = readSamples(c, 50).data();
        int same = 0;
        for (int i = 0; i < da.length; i++) {
            same += da[i] == dc[i] ? 1 : 0;
        }
        assertEquals(0, same, "another seed must give other samples");
    }

    @Test
    @Order(12)
    void sampleDependsOnlyOnSeedAndIndex() throws IOException {
        // "sample i depends only on (seed, i)": fewer samples, or another batch size, give a prefix.
        Path all = sample("all.npy");
        Path few = sample("few.npy");
        Path batched = sample("batched.npy");
        assertEquals(0, sampleRun(all, "--count", "50", "--nfe", "4").exitCode());
        assertEquals(0, sampleRun(few, "--count", "20", "--nfe", "4").exitCode());
        assertEquals(0, sampleRun(batched, "--count", "50", "--nfe", "4", "--set", "sample.batch_size=7").exitCode());
        float[] a = readSamples(all, 50).data();
        float[] f = readSamples(few, 20).data();
        float[] b = readSamples(batched, 50).data();
        for (int i = 0; i < f.length; i++) {
            assertEquals(a[i], f[i], 1e-5, "value " + i + " with --count 20");
        }
        for (int i = 0; i < a.length; i++) {
            assertEquals(a[i], b[i], 1e-5, "value " + i + " with sample.batch_size=7");
        }
    }

    @ParameterizedTest
    @CsvSource({"euler, 3", "midpoint, 4", "rk4, 8", "heun, 2"})
    @Order(13)
    void feasibleSolverNfeCombinationsWork(String solver, int nfe) throws IOException {
        Path out = sample(solver + nfe + ".npy");
        Cli.Result r = sampleRun(out, "--solver", solver, "--nfe", Integer.toString(nfe), "--count", "30");
        assertEquals(0, r.exitCode(), r::toString);
        readSamples(out, 30);
        assertEquals(nfe, JSON.readTree(Path.of(out + ".run.json").toFile()).get("nfe").asDouble(), 0.0);
    }

    @Test
    @Order(14)
    void dopri5Works() throws IOException {
        Path out = sample("dopri5.npy");
        Cli.Result r = sampleRun(out, "--solver", "dopri5", "--count", "50", "--set", "sample.atol=1e-3",
                "--set", "sample.rtol=1e-3");
        assertEquals(0, r.exitCode(), r::toString);
        readSamples(out, 50);
        double nfe = JSON.readTree(Path.of(out + ".run.json").toFile()).get("nfe").asDouble();
        assertTrue(nfe >= 6, "adaptive NFE " + nfe);
    }

    @Test
    @Order(15)
    void rawWeightsDifferFromEmaWeights() throws IOException {
        Path ema = sample("ema.npy");
        Path raw = sample("raw.npy");
        assertEquals(0, sampleRun(ema, "--count", "20", "--nfe", "2").exitCode());
        assertEquals(0, sampleRun(raw, "--count", "20", "--nfe", "2", "--weights", "raw").exitCode());
        assertFalse(Arrays.equals(readSamples(ema, 20).data(), readSamples(raw, 20).data()),
                "--weights raw must use other weights than the EMA");
    }

    @Test
    @Order(16)
    void infeasibleNfeIsRejectedWithTheValidValues() {
        Path out = sample("rk4-9.npy");
        String e = sampleRun(out, "--solver", "rk4", "--nfe", "9", "--count", "10").inputError();
        assertTrue(e.contains("rk4"), e);
        assertTrue(e.contains("9"), e);
        assertTrue(e.contains("multiple of 4"), e);
        assertFalse(Files.exists(out));
        String m = sampleRun(out, "--solver", "midpoint", "--nfe", "3", "--count", "10").inputError();
        assertTrue(m.contains("even NFE"), m);
    }

    @Test
    @Order(17)
    void outputMustBeANpyFile() {
        Path out = sample("samples.csv");
        String e = sampleRun(out, "--count", "10").inputError();
        assertTrue(e.contains(".npy"), e);
        assertTrue(e.contains("samples.csv"), e);
        assertFalse(Files.exists(out));
    }

    @Test
    @Order(18)
    void nonSampleOverridesAreRejected() {
        String e = sampleRun(sample("x.npy"), "--set", "train.steps=3").inputError();
        assertTrue(e.contains("train.steps"), e);
        String u = sampleRun(sample("x.npy"), "--set", "sample.nfee=3").inputError();
        assertTrue(u.contains("did you mean 'sample.nfe'"), u);
        String s = sampleRun(sample("x.npy"), "--solver", "rk5").inputError();
        assertTrue(s.contains("sample.solver"), s);
    }

    @Test
    @Order(19)
    void dryRunPrintsTheSamplingConfigAndWritesNothing() {
        Path out = sample("dry.npy");
        Cli.Result r = sampleRun(out, "--dry-run", "--solver", "rk4", "--nfe", "8");
        assertEquals(0, r.exitCode(), r::toString);
        Config c = ConfigLoader.fromYaml(ReflowConfig.schema(), r.out());
        assertEquals("rk4", c.getString("sample.solver"));
        assertEquals(8, c.getInt("sample.nfe"));
        assertEquals(32, c.getInt("model.hidden"), "the checkpoint's own config underneath");
        assertFalse(Files.exists(out));
    }

    @Test
    @Order(20)
    void corruptedCheckpointIsAOneLineInputError() throws IOException {
        Path garbage = dir.resolve("garbage.ckpt");
        byte[] noise = new byte[4096];
        new java.util.Random(1).nextBytes(noise);
        Files.write(garbage, noise);
        String e = Cli.run("sample", "-m", garbage.toString(), "-o", sample("g.npy").toString()).inputError();
        assertTrue(e.contains(garbage.toString()), e);

        Path damaged = dir.resolve("damaged.ckpt");
        byte[] bytes = Files.readAllBytes(ckpt);
        for (int i = bytes.length / 2; i < bytes.length / 2 + 64; i++) {
            bytes[i] = (byte) (bytes[i] ^ 0x5a);
        }
        Files.write(damaged, bytes);
        String d = Cli.run("sample", "-m", damaged.toString(), "-o", sample("d.npy").toString()).inputError();
        assertTrue(d.contains(damaged.toString()), d);

        Path truncated = dir.resolve("truncated.ckpt");
        Files.write(truncated, Arrays.copyOf(Files.readAllBytes(ckpt), 1000));
        String t = Cli.run("sample", "-m", truncated.toString(), "-o", sample("t.npy").toString()).inputError();
        assertTrue(t.contains(truncated.toString()), t);

        Path missing = dir.resolve("missing.ckpt");
        String m = Cli.run("sample", "-m", missing.toString(), "-o", sample("m.npy").toString()).inputError();
        assertTrue(m.contains(missing.toString()), m);
        assertFalse(Files.exists(sample("g.npy")) || Files.exists(sample("d.npy")) || Files.exists(sample("t.npy")));
    }

    // ---------------------------------------------------------------- rerun and resume (last)

    @Test
    @Order(30)
    void rerunWithoutResumeIsRefusedAndLeavesTheRunAlone() throws IOException {
        byte[] model = Files.readAllBytes(ckpt);
        String config = Files.readString(run.resolve("config.yaml"));
        String record = Files.readString(run.resolve("run.json"));
        Cli.Result r = Cli.run(Cli.tiny(List.of("train", "--out", run.toString()), "seed=7", "train.steps=40"));
        assertNotEquals(0, r.exitCode(), r::toString);
        String e = r.inputError();
        assertTrue(e.contains("--resume"), e);
        assertTrue(e.contains(run.toString()), e);
        assertArrayEquals(model, Files.readAllBytes(ckpt));
        assertEquals(config, Files.readString(run.resolve("config.yaml")), "config.yaml of the existing run");
        assertEquals(record, Files.readString(run.resolve("run.json")), "run.json of the existing run");
    }

    @Test
    @Order(31)
    void resumingAFinishedRunDoesNothingMore() throws IOException {
        byte[] model = Files.readAllBytes(ckpt);
        FileTime modelTime = Files.getLastModifiedTime(ckpt);
        List<String> log = Files.readAllLines(run.resolve("train_log.jsonl"));
        Cli.Result r = Cli.run(Cli.tiny(List.of("train", "--out", run.toString(), "--resume"), "seed=7"));
        assertEquals(0, r.exitCode(), r::toString);
        assertTrue(r.out().contains("nothing to do"), r.out());
        assertFalse(r.out().contains("NaN"), r.out());
        assertArrayEquals(model, Files.readAllBytes(ckpt), "same checkpoint");
        assertEquals(modelTime, Files.getLastModifiedTime(ckpt), "model.ckpt not rewritten");
        assertEquals(log, Files.readAllLines(run.resolve("train_log.jsonl")), "no new log lines");
        try (Stream<Path> s = Files.list(run.resolve("checkpoints"))) {
            assertEquals(3, s.count());
        }
    }
}
