package dev.reflowkit.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code reflow demo} on a tiny configuration: metrics.json in the documented schema, and reruns. */
class DemoTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path dir;

    @Test
    void demoWritesMetricsAndRerunReusesTheTeacher() throws IOException {
        Path out = dir.resolve("demo");
        String[] args = Cli.tiny(List.of("demo", "--out", out.toString()));
        Cli.Result r = Cli.run(args);
        assertEquals(0, r.exitCode(), r::toString);
        assertFalse(r.err().contains("\tat "), r.err());
        Path metrics = out.resolve("metrics.json");
        assertTrue(r.out().contains("wrote " + metrics), r.out());
        JsonNode m = JSON.readTree(metrics.toFile());
        checkSchema(m);
        assertTrue(Files.exists(out.resolve("config.yaml")) && Files.exists(out.resolve("run.json")));
        JsonNode stages = JSON.readTree(out.resolve("run.json").toFile()).get("stages");
        List<String> names = new java.util.ArrayList<>();
        double sum = 0;
        for (JsonNode s : stages) {
            names.add(s.get("name").asText());
            assertTrue(s.get("seconds").asDouble() >= 0, s.toString());
            sum += s.get("seconds").asDouble();
        }
        // each stage once: simple-reflow's backward pairs are baseline's store, not a second stage
        assertEquals(List.of("teacher", "pairs/round1/backward", "reflow/baseline", "pairs/round1/forward",
                "reflow/simple-reflow", "evaluation/floor", "evaluation/teacher", "evaluation/baseline",
                "evaluation/simple-reflow", "metrics", "report"), names);
        double total = JSON.readTree(out.resolve("run.json").toFile()).get("total_seconds").asDouble();
        assertTrue(total >= sum && sum > 0.5 * total, "stages " + sum + " s of " + total + " s");
        assertTrue(r.out().contains("== stage times"), r.out());
        String html = Files.readString(out.resolve("report.html"));
        assertTrue(html.contains("data:image/png;base64,") && html.contains("simple-reflow"), "report.html");
        assertTrue(Files.exists(out.resolve("pairs/round1/backward/manifest.json")), "backward pairs");
        assertTrue(Files.exists(out.resolve("pairs/round1/forward/manifest.json")), "forward pairs");

        // rerun: the teacher is reused (checkpoint untouched), metrics.json is written again
        Path teacher = out.resolve("teacher").resolve("model.ckpt");
        assertTrue(Files.exists(teacher), "teacher checkpoint");
        byte[] teacherBytes = Files.readAllBytes(teacher);
        FileTime teacherTime = Files.getLastModifiedTime(teacher);
        List<String> log = Files.readAllLines(out.resolve("teacher").resolve("train_log.jsonl"));
        Files.delete(metrics);
        Cli.Result again = Cli.run(args);
        assertEquals(0, again.exitCode(), again::toString);
        assertEquals(teacherTime, Files.getLastModifiedTime(teacher), "teacher model.ckpt rewritten");
        assertArrayEquals(teacherBytes, Files.readAllBytes(teacher));
        assertEquals(log, Files.readAllLines(out.resolve("teacher").resolve("train_log.jsonl")), "no retraining");
        assertTrue(Files.exists(metrics), "metrics.json rewritten");
        JsonNode m2 = JSON.readTree(metrics.toFile());
        checkSchema(m2);
        // same teacher, same seeds: the same scores
        for (int i = 0; i < m.get("runs").size(); i++) {
            JsonNode a = m.get("runs").get(i).get("metrics");
            JsonNode b = m2.get("runs").get(i).get("metrics");
            for (String k : List.of("w2", "energy", "mmd")) {
                assertEquals(a.get(k).asDouble(), b.get(k).asDouble(), 1e-6, "run " + i + " " + k);
            }
        }
    }

    private static void checkSchema(JsonNode m) {
        Set<String> keys = new TreeSet<>();
        m.fieldNames().forEachRemaining(keys::add);
        assertTrue(keys.containsAll(Set.of("data", "floor", "runs")), keys.toString());
        assertTrue(m.get("data").asText().contains("8gaussians"), m.get("data").toString());
        assertEquals(100, m.get("count").asInt());
        assertEquals(1, m.get("repeats").asInt());
        checkMetrics("floor", m.get("floor"));

        JsonNode runs = m.get("runs");
        assertTrue(runs.isArray());
        List<String> models = List.of("teacher", "baseline", "simple-reflow");
        assertEquals(3 * models.size(), runs.size(),
                "per model: one run per eval.nfe [1, 2] plus its dopri5 reference: " + runs);
        for (int k = 0; k < models.size(); k++) {
            for (int i = 0; i < 3; i++) {
                JsonNode run = runs.get(3 * k + i);
                assertEquals(models.get(k), run.get("model").asText(), run.toString());
                assertTrue(run.get("nfe").isNumber(), run.toString());
                checkMetrics("run " + (3 * k + i), run.get("metrics"));
                if (i < 2) {
                    assertEquals("heun", run.get("solver").asText());
                    assertEquals("uniform", run.get("grid").asText());
                    assertEquals(i + 1, run.get("nfe").asDouble(), 0.0);
                    assertTrue(run.get("metrics").get("discretization_error").isNumber(), run.toString());
                } else {
                    assertEquals("dopri5", run.get("solver").asText(), run.toString());
                    assertTrue(run.get("nfe").asDouble() >= 6, "adaptive NFE " + run.get("nfe"));
                }
            }
        }
    }

    private static void checkMetrics(String what, JsonNode metrics) {
        for (String k : List.of("w2", "energy", "mmd")) {
            JsonNode v = metrics.get(k);
            assertTrue(v != null && v.isNumber(), what + " " + k + ": " + metrics);
            double x = v.asDouble();
            assertTrue(Double.isFinite(x), what + " " + k + " finite: " + x);
            assertTrue(k.equals("mmd") ? x > -0.01 : x >= 0, what + " " + k + " >= 0: " + x);
        }
    }
}
