package dev.reflowkit.eval;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.reflowkit.io.DataFormatException;
import dev.reflowkit.metrics.MetricSummary;
import dev.reflowkit.metrics.MetricSummaries;
import java.util.Map;
import java.util.LinkedHashMap;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class MetricsReportTest {

    @TempDir
    Path dir;

    private static MetricSummary s(double mean, double std) {
        return new MetricSummary(mean, std, 2);
    }

    private static MetricSummaries points(double w2) {
        Map<String, MetricSummary> m = new LinkedHashMap<>();
        m.put("w2", s(w2, 0.01));
        m.put("energy", s(0.002, 0.0001));
        m.put("mmd", s(0.003, 0.0002));
        return new MetricSummaries(m);
    }

    private static EvalRun fewStep(String model, int nfe, double w2) {
        return new EvalRun(model, "heun", "uniform", nfe, points(w2), 1.25,
                new TrajectorySummary(s(0.5, 0.05), s(2.5, 0.1), s(0.04, 0.004), s(0.2, 0.01)));
    }

    private static EvalRun reference(String model, double nfe) {
        return new EvalRun(model, "dopri5", "adaptive", nfe, points(0.1), 3.5,
                new TrajectorySummary(s(0.7, 0.02), s(2.4, 0.1), null, null));
    }

    private static MetricsReport report(List<EvalRun> runs) {
        return new MetricsReport("8gaussians", 100, 2, points(0.09), runs);
    }

    @Test
    void jsonCarriesTheTrajectoryMetricsAndNullForTheReference() throws IOException {
        MetricsReport r = report(List.of(fewStep("teacher", 9, 0.2), reference("teacher", 62.5)));
        JsonNode root = new ObjectMapper().readTree(r.toJsonString());
        assertEquals(2, root.get("runs").size());
        JsonNode run = root.get("runs").get(0);
        assertEquals(9, run.get("nfe").asInt());
        JsonNode m = run.get("metrics");
        assertEquals(List.of("w2", "energy", "mmd", "straightness", "transport_cost", "discretization_error",
                "discretization_rms"), fieldNames(m));
        assertEquals(0.5, m.get("straightness").asDouble());
        assertEquals(2.5, m.get("transport_cost").asDouble());
        assertEquals(0.04, m.get("discretization_error").asDouble());
        assertEquals(0.2, m.get("discretization_rms").asDouble());
        assertEquals(0.004, run.get("metrics_std").get("discretization_error").asDouble());
        JsonNode ref = root.get("runs").get(1);
        assertEquals(62.5, ref.get("nfe").asDouble());
        assertTrue(ref.get("metrics").get("discretization_error").isNull());
        assertTrue(ref.get("metrics_std").get("discretization_rms").isNull());
        assertEquals(0.7, ref.get("metrics").get("straightness").asDouble());
        // a run without trajectory metrics keeps the old schema
        JsonNode old = new ObjectMapper().readTree(report(List.of(new EvalRun("t", "heun", "uniform", 2,
                points(0.3), 1))).toJsonString()).get("runs").get(0);
        assertEquals(List.of("w2", "energy", "mmd"), fieldNames(old.get("metrics")));
    }

    private static List<String> fieldNames(JsonNode n) {
        List<String> out = new java.util.ArrayList<>();
        n.fieldNames().forEachRemaining(out::add);
        return out;
    }

    @Test
    void writeThenReadGivesTheSameReport() throws IOException {
        MetricsReport r = report(List.of(fewStep("teacher", 1, 0.9), fewStep("teacher", 9, 0.2),
                reference("teacher", 62.5), new EvalRun("old", "euler", "uniform", 4, points(0.5), 0.5)));
        Path file = dir.resolve("metrics.json");
        r.write(file);
        assertEquals(r, MetricsReport.read(file));
    }

    @Test
    void mergeReplacesTheSameSettingAndAppendsNewOnes() {
        MetricsReport a = report(List.of(fewStep("teacher", 1, 0.9), fewStep("teacher", 9, 0.2),
                reference("teacher", 60)));
        MetricsReport b = report(List.of(fewStep("teacher", 9, 0.15), reference("teacher", 61),
                fewStep("reflow", 9, 0.1), reference("reflow", 30)));
        MetricsReport m = a.merge(b);
        assertEquals(5, m.runs().size(), m.runs().toString());
        assertEquals(0.15, m.runs().get(1).metrics().get("w2").mean(), "teacher NFE 9 replaced in place");
        assertEquals(61, m.runs().get(2).nfe(), "the teacher's reference replaced");
        assertEquals("reflow", m.runs().get(3).model());
        assertEquals(a.floor(), m.floor());
    }

    @Test
    void mergeOfDifferentEvaluationsIsRefused() {
        MetricsReport a = report(List.of(fewStep("teacher", 1, 0.9)));
        MetricsReport b = new MetricsReport("moons", 200, 2, points(0.1), List.of());
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> a.merge(b));
        assertTrue(e.getMessage().contains("data [8gaussians] vs [moons]"), e.getMessage());
        assertTrue(e.getMessage().contains("count 100 vs 200"), e.getMessage());
        assertFalse(e.getMessage().contains("repeats"), e.getMessage());
    }

    @Test
    void aFileThatIsNotAReportIsADataFormatError() throws IOException {
        Path garbage = Files.writeString(dir.resolve("g.json"), "{not json");
        DataFormatException e = assertThrows(DataFormatException.class, () -> MetricsReport.read(garbage));
        assertTrue(e.getMessage().startsWith(garbage.toString()), e.getMessage());
        Path other = Files.writeString(dir.resolve("o.json"), "{\"data\": \"x\", \"count\": 3}");
        DataFormatException f = assertThrows(DataFormatException.class, () -> MetricsReport.read(other));
        assertTrue(f.getMessage().contains("'repeats'"), f.getMessage());
    }
}
