package dev.reflowkit.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.reflowkit.io.Npy;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code reflow eval} on a tiny trained model (checkpoints at steps 10, 20, 30): the metrics.json
 * schema with the trajectory metrics, {@code --append}, errors, and auto-guidance in {@code eval}
 * and {@code sample}.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class EvalCommandTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    static Path dir;

    private static Path ckpt;
    private static Path early;
    private static Path metrics;

    @BeforeAll
    static void train() {
        Path run = dir.resolve("teacher");
        ckpt = run.resolve("model.ckpt");
        early = run.resolve("checkpoints").resolve("step-0000000010.ckpt");
        metrics = dir.resolve("metrics.json");
        Cli.Result r = Cli.run(Cli.tiny(List.of("train", "--out", run.toString()), "seed=7"));
        assertEquals(0, r.exitCode(), r::toString);
    }

    private static Cli.Result eval(Path model, String... args) {
        List<String> all = new ArrayList<>(List.of("eval", "--model", model.toString()));
        all.addAll(List.of(args));
        return Cli.run(all.toArray(String[]::new));
    }

    private static JsonNode read(Path file) throws IOException {
        return JSON.readTree(file.toFile());
    }

    @Test
    @Order(1)
    void evalWritesEveryNfeAndTheReferenceWithTrajectoryMetrics() throws IOException {
        Cli.Result r = eval(ckpt, "--nfe", "1,2,4", "--count", "60", "--out", metrics.toString());
        assertEquals(0, r.exitCode(), r::toString);
        assertTrue(r.out().contains("floor (data vs data)"), r.out());
        assertTrue(r.out().contains("wrote 4 runs of teacher to " + metrics + " (4 runs in the file)"), r.out());
        JsonNode m = read(metrics);
        assertTrue(m.get("data").asText().contains("'8gaussians'"), m.get("data").toString());
        assertEquals(60, m.get("count").asInt());
        assertEquals(1, m.get("repeats").asInt(), "the model's eval.repeats");
        for (String k : List.of("w2", "energy", "mmd")) {
            assertTrue(m.get("floor").get(k).isNumber(), m.get("floor").toString());
        }
        JsonNode runs = m.get("runs");
        assertEquals(4, runs.size(), runs.toString());
        double[] errors = new double[3];
        for (int i = 0; i < 4; i++) {
            JsonNode run = runs.get(i);
            assertEquals("teacher", run.get("model").asText());
            JsonNode metric = run.get("metrics");
            for (String k : List.of("w2", "energy", "mmd", "straightness", "transport_cost")) {
                assertTrue(metric.get(k).isNumber(), k + " in " + run);
                assertTrue(metric.get(k).asDouble() > -0.01, k + " in " + run);
                assertTrue(run.get("metrics_std").has(k), k + " std in " + run);
            }
            assertTrue(metric.get("transport_cost").asDouble() > 0.1, run.toString());
            if (i < 3) {
                assertEquals("heun", run.get("solver").asText());
                assertEquals("uniform", run.get("grid").asText());
                assertEquals(new int[] {1, 2, 4}[i], run.get("nfe").asInt());
                errors[i] = metric.get("discretization_error").asDouble();
                assertTrue(errors[i] > 0, run.toString());
                assertEquals(Math.sqrt(errors[i]), metric.get("discretization_rms").asDouble(), 1e-9);
            } else {
                assertEquals("dopri5", run.get("solver").asText());
                assertEquals("adaptive", run.get("grid").asText());
                assertTrue(run.get("nfe").asDouble() >= 6, run.toString());
                assertTrue(metric.get("discretization_error").isNull(), run.toString());
                assertTrue(metric.get("discretization_rms").isNull(), run.toString());
            }
        }
        assertEquals(0, runs.get(0).get("metrics").get("straightness").asDouble(), 1e-9, "one Euler step is straight");
        assertTrue(errors[0] > errors[2], "NFE 1 error " + errors[0] + " vs NFE 4 " + errors[2]);
    }

    @Test
    @Order(2)
    void appendAddsAnotherModelAndReplacesARerunSetting() throws IOException {
        JsonNode before = read(metrics);
        Cli.Result r = eval(early, "--nfe", "2", "--count", "60", "--append", "--out", metrics.toString());
        assertEquals(0, r.exitCode(), r::toString);
        assertTrue(r.out().contains("appended 2 runs of step-0000000010 to " + metrics + " (6 runs in the file)"),
                r.out());
        JsonNode after = read(metrics);
        assertEquals(6, after.get("runs").size());
        for (int i = 0; i < 4; i++) {
            assertEquals(before.get("runs").get(i), after.get("runs").get(i), "run " + i + " kept");
        }
        assertEquals(before.get("floor"), after.get("floor"));
        assertEquals("step-0000000010", after.get("runs").get(4).get("model").asText());
        assertEquals("dopri5", after.get("runs").get(5).get("solver").asText());

        // the same model and NFE again, under the same name: replaced in place, same seed, same numbers
        Cli.Result again = eval(ckpt, "--nfe", "2", "--count", "60", "--append", "--out", metrics.toString());
        assertEquals(0, again.exitCode(), again::toString);
        JsonNode third = read(metrics);
        assertEquals(6, third.get("runs").size(), "teacher NFE 2 and its reference replaced, not added");
        JsonNode a = before.get("runs").get(1).get("metrics");
        JsonNode b = third.get("runs").get(1).get("metrics");
        for (String k : List.of("w2", "energy", "mmd", "straightness", "transport_cost", "discretization_error")) {
            assertEquals(a.get(k).asDouble(), b.get(k).asDouble(), 1e-6, k);
        }
    }

    @Test
    @Order(3)
    void appendingADifferentEvaluationIsRefusedAndLeavesTheFile() throws IOException {
        String before = Files.readString(metrics);
        String e = eval(early, "--nfe", "2", "--count", "50", "--append", "--out", metrics.toString()).inputError();
        assertTrue(e.contains("cannot --append to " + metrics), e);
        assertTrue(e.contains("count 60 vs 50"), e);
        String d = eval(early, "--nfe", "2", "--count", "60", "--data", "moons", "--append", "--out",
                metrics.toString()).inputError();
        assertTrue(d.contains("'8gaussians'] vs [") && d.contains("'moons'"), d);
        assertEquals(before, Files.readString(metrics));
    }

    @Test
    @Order(4)
    void badOptionsAreOneLineInputErrors() throws IOException {
        Path out = dir.resolve("bad.json");
        String g = eval(ckpt, "--guidance", "2", "--out", out.toString()).inputError();
        assertTrue(g.contains("--guide-with"), g);
        String w = eval(ckpt, "--guide-with", early.toString(), "--out", out.toString()).inputError();
        assertTrue(w.contains("--guidance"), w);
        String nfe = eval(ckpt, "--solver", "rk4", "--nfe", "4,6", "--out", out.toString()).inputError();
        assertTrue(nfe.contains("NFE 6") && nfe.contains("multiple of 4"), nfe);
        String set = eval(ckpt, "--set", "train.steps=3", "--out", out.toString()).inputError();
        assertTrue(set.contains("train.steps"), set);
        String json = eval(ckpt, "--out", dir.resolve("m.csv").toString()).inputError();
        assertTrue(json.contains(".json"), json);
        String ref = eval(ckpt, "--solver", "dopri5", "--out", out.toString()).inputError();
        assertTrue(ref.contains("reference"), ref);
        Path notReport = Files.writeString(dir.resolve("other.json"), "[1, 2]");
        String other = eval(ckpt, "--append", "--count", "60", "--out", notReport.toString()).inputError();
        assertTrue(other.contains(notReport.toString()) && other.contains("not a metrics report"), other);
        assertFalse(Files.exists(out));
    }

    @Test
    @Order(5)
    void fileDataIsSplitAsInTrainingSoTheCountIsBounded() throws IOException {
        Path csv = blobs(dir.resolve("blobs.csv"), 500, 2);
        String e = eval(ckpt, "--data", "file:" + csv, "--count", "150", "--out", dir.resolve("f.json").toString())
                .inputError();
        assertTrue(e.contains("--count 150") && e.contains("100"), e);
        Cli.Result ok = eval(ckpt, "--data", "file:" + csv, "--count", "40", "--nfe", "2",
                "--out", dir.resolve("f.json").toString());
        assertEquals(0, ok.exitCode(), ok::toString);
        assertTrue(read(dir.resolve("f.json")).get("data").asText().contains("blobs.csv"));
    }

    @Test
    @Order(6)
    void guidingAModelWithItselfChangesNothingButCountsBothNetworks() throws IOException {
        Path out = dir.resolve("guided.json");
        Cli.Result r = eval(ckpt, "--nfe", "1,2", "--count", "60", "--guide-with", ckpt.toString(), "--guidance", "2",
                "--out", out.toString());
        assertEquals(0, r.exitCode(), r::toString);
        JsonNode runs = read(out).get("runs");
        JsonNode plain = read(metrics).get("runs");
        assertEquals("teacher w=2 guide=teacher", runs.get(0).get("model").asText());
        assertEquals(2, runs.get(0).get("nfe").asInt(), "1 guided evaluation = 2 NFE");
        assertEquals(4, runs.get(1).get("nfe").asInt());
        assertEquals(0, runs.get(2).get("nfe").asInt() % 2, runs.get(2).toString());
        // v_w + 2 (v_s - v_w) with v_w = v_s is v_s: the same samples as the unguided NFE 2 run
        for (String k : List.of("w2", "energy", "mmd", "transport_cost", "discretization_error")) {
            assertEquals(plain.get(1).get("metrics").get(k).asDouble(), runs.get(1).get("metrics").get(k).asDouble(),
                    1e-6, k);
        }
    }

    @Test
    @Order(6)
    void noReferenceSkipsTheAdaptiveRunAndKeepsTheFewStepMetrics() throws IOException {
        Path out = dir.resolve("no-reference.json");
        Cli.Result r = eval(ckpt, "--nfe", "1,2,4", "--count", "60", "--no-reference", "--out", out.toString());
        assertEquals(0, r.exitCode(), r::toString);
        JsonNode runs = read(out).get("runs");
        JsonNode plain = read(metrics).get("runs");
        assertEquals(3, runs.size(), "no dopri5 run: " + runs);
        for (int i = 0; i < 3; i++) {
            assertEquals(plain.get(i).get("nfe").asInt(), runs.get(i).get("nfe").asInt());
            assertEquals(plain.get(i).get("metrics").get("w2").asDouble(), runs.get(i).get("metrics").get("w2").asDouble(),
                    0, "the same samples as with the reference");
            assertTrue(runs.get(i).get("metrics").get("discretization_error").isNull(), runs.get(i).toString());
        }
    }

    @Test
    @Order(7)
    void sampleWithGuidanceRecordsItAndCountsBothNetworks() throws IOException {
        Path plain = dir.resolve("plain.npy");
        Path guided = dir.resolve("guided.npy");
        Path unit = dir.resolve("unit.npy");
        assertEquals(0, Cli.run("sample", "-m", ckpt.toString(), "-o", plain.toString(), "--nfe", "4", "--count", "30")
                .exitCode());
        Cli.Result g = Cli.run("sample", "-m", ckpt.toString(), "-o", guided.toString(), "--nfe", "4", "--count", "30",
                "--guide-with", early.toString(), "--guidance", "1.5");
        assertEquals(0, g.exitCode(), g::toString);
        assertTrue(g.out().contains("NFE 8.0, guided by " + early + " with w=1.5"), g.out());
        JsonNode rec = read(Path.of(guided + ".run.json"));
        assertEquals(8.0, rec.get("nfe").asDouble());
        assertEquals(early.toString(), rec.get("guide_with").asText());
        assertEquals(1.5, rec.get("guidance").asDouble());
        float[] p = Npy.read(plain).data();
        assertFalse(java.util.Arrays.equals(p, Npy.read(guided).data()), "guidance changes the samples");
        assertEquals(0, Cli.run("sample", "-m", ckpt.toString(), "-o", unit.toString(), "--nfe", "4", "--count", "30",
                "--guide-with", early.toString(), "--guidance", "1").exitCode());
        assertArrayEquals(p, Npy.read(unit).data(), "w = 1 is the model alone");
        assertEquals(4.0, read(Path.of(unit + ".run.json")).get("nfe").asDouble(), "w = 1 evaluates one network");
    }

    @Test
    @Order(8)
    void guidanceNeedsModelsOfTheSameShape() throws IOException {
        Path csv = blobs(dir.resolve("blobs3.csv"), 600, 3);
        Path run3 = dir.resolve("three");
        Cli.Result t = Cli.run(Cli.tiny(List.of("train", "--out", run3.toString()), "data.source=file:" + csv,
                "train.steps=10"));
        assertEquals(0, t.exitCode(), t::toString);
        Path out = dir.resolve("shape.npy");
        String e = Cli.run("sample", "-m", ckpt.toString(), "-o", out.toString(), "--guide-with",
                run3.resolve("model.ckpt").toString(), "--guidance", "2").inputError();
        assertTrue(e.contains("[3]") && e.contains("[2]") && e.contains("same shape"), e);
        assertFalse(Files.exists(out));
        String ev = eval(ckpt, "--guide-with", run3.resolve("model.ckpt").toString(), "--guidance", "2",
                "--out", dir.resolve("shape.json").toString()).inputError();
        assertTrue(ev.contains("same shape"), ev);
    }

    @Test
    @Order(9)
    void tuneGridRecordsGridsThatSampleAndEvalUse() throws IOException {
        Cli.Result t = Cli.run("tune-grid", "--model", ckpt.toString(), "--nfe", "2,6", "--count", "32");
        assertEquals(0, t.exitCode(), t::toString);
        Path sidecar = dir.resolve("teacher").resolve("model.grids.json");
        assertTrue(t.out().contains("recorded in " + sidecar), t.out());
        JsonNode grids = read(sidecar).get("grids");
        assertEquals(2, grids.size(), grids.toString());
        JsonNode six = grids.get(1);
        assertEquals(6, six.get("nfe").asInt());
        assertEquals(4, six.get("times").size(), "NFE 6 = 3 steps");
        assertTrue(six.get("error").asDouble() <= six.get("baseline_errors").get("uniform").asDouble());

        Path out = dir.resolve("tuned.npy");
        Cli.Result s = Cli.run("sample", "-m", ckpt.toString(), "-o", out.toString(), "--nfe", "6", "--grid", "tuned",
                "--count", "20");
        assertEquals(0, s.exitCode(), s::toString);
        String steps = read(Path.of(out + ".run.json")).get("steps").asText();
        assertTrue(steps.contains(six.get("times").get(1).asText()), steps + " vs " + six);
        assertFalse(s.out().contains("tuned the"), "the recorded grid is used, not tuned again");

        Path m = dir.resolve("tuned.json");
        Cli.Result e = eval(ckpt, "--nfe", "4,6", "--grid", "uniform,tuned", "--count", "40", "--out", m.toString());
        assertEquals(0, e.exitCode(), e::toString);
        assertTrue(e.out().contains("tuned the heun grid at NFE 4"), "NFE 4 had no grid yet: " + e.out());
        JsonNode runs = read(m).get("runs");
        assertEquals(5, runs.size(), "2 grids x 2 NFE + the reference: " + runs);
        assertEquals("tuned", runs.get(2).get("grid").asText());
        assertEquals(3, read(sidecar).get("grids").size(), "NFE 4 recorded too");

        String bad = Cli.run("tune-grid", "--model", ckpt.toString(), "--nfe", "3", "--solver", "midpoint")
                .inputError();
        assertTrue(bad.contains("NFE 3") && bad.contains("midpoint"), bad);
    }

    /** {@code n} points of two Gaussian blobs in {@code d} dimensions, as CSV with a header. */
    private static Path blobs(Path file, int n, int d) throws IOException {
        Random rng = new Random(3);
        List<String> lines = new ArrayList<>();
        List<String> head = new ArrayList<>();
        for (int j = 0; j < d; j++) {
            head.add("x" + j);
        }
        lines.add(String.join(",", head));
        for (int i = 0; i < n; i++) {
            List<String> row = new ArrayList<>();
            for (int j = 0; j < d; j++) {
                row.add(String.format(Locale.ROOT, "%.5f", (i % 2 == 0 ? -2 : 2) + 0.3 * rng.nextGaussian()));
            }
            lines.add(String.join(",", row));
        }
        return Files.write(file, lines);
    }
}
