package dev.reflowkit.eval;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.reflowkit.io.AtomicFiles;
import dev.reflowkit.io.DataFormatException;
import dev.reflowkit.metrics.MetricSummary;
import dev.reflowkit.metrics.MetricSummaries;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * The {@code metrics.json} of an evaluation: the data, the data-vs-data floor and one entry per
 * (model, solver, grid, NFE). Schema:
 *
 * <pre>{@code
 * {"data": "8gaussians", "count": 1000, "repeats": 3,
 *  "floor": {"w2": .., "energy": .., "mmd": .., "std": {"w2": .., ...}},
 *  "runs": [{"model": "teacher", "solver": "heun", "grid": "uniform", "nfe": 9,
 *            "metrics": {"w2": .., "energy": .., "mmd": ..,
 *                        "straightness": .., "transport_cost": ..,
 *                        "discretization_error": .., "discretization_rms": ..},
 *            "metrics_std": {...the same keys...}, "seconds": ..}]}
 * }</pre>
 *
 * The metric keys are those of the evaluation's {@link dev.reflowkit.metrics.SampleMetrics}
 * ({@code w2, energy, mmd} for point clouds; {@code fd, kid, kid_std, precision, recall, sw2} for
 * images); the floor names them, in order, and every run has the same ones. The four trajectory keys ({@link TrajectoryMetrics}) are present when the run measured them;
 * {@code discretization_error} (mean squared distance to the reference samples from the same
 * noise) and {@code discretization_rms} (its square root) are {@code null} for the adaptive
 * reference run itself and for runs scored without a reference. {@code nfe} counts network
 * evaluations (a guided evaluation counts both networks).
 *
 * @param data the data description
 * @param count points per sample
 * @param repeats independent repeats averaged
 * @param floor the data-vs-data floor
 * @param runs the evaluated runs
 */
public record MetricsReport(String data, int count, int repeats, MetricSummaries floor, List<EvalRun> runs) {

    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    /** Copies the run list. */
    public MetricsReport {
        runs = List.copyOf(runs);
    }

    /**
     * The report as nested maps in the documented schema.
     *
     * @return the JSON tree
     */
    public Map<String, Object> toJson() {
        Map<String, Object> root = new LinkedHashMap<>();
        root.put("data", data);
        root.put("count", count);
        root.put("repeats", repeats);
        Map<String, Object> f = means(floor);
        f.put("std", stds(floor));
        root.put("floor", f);
        List<Map<String, Object>> rs = new ArrayList<>();
        for (EvalRun r : runs) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("model", r.model());
            m.put("solver", r.solver());
            m.put("grid", r.grid());
            m.put("nfe", r.nfe() == Math.rint(r.nfe()) ? (Object) (long) r.nfe() : (Object) round(r.nfe(), 2));
            Map<String, Object> means = means(r.metrics());
            Map<String, Object> stds = stds(r.metrics());
            if (r.trajectory() != null) {
                putTrajectory(means, r.trajectory(), true);
                putTrajectory(stds, r.trajectory(), false);
            }
            m.put("metrics", means);
            m.put("metrics_std", stds);
            m.put("seconds", round(r.seconds(), 3));
            rs.add(m);
        }
        root.put("runs", rs);
        return root;
    }

    /**
     * The report as JSON text in the documented schema.
     *
     * @return indented JSON, ending with a newline
     */
    public String toJsonString() {
        try {
            return JSON.writeValueAsString(toJson()) + "\n";
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot serialize the metrics report: " + e.getMessage(), e);
        }
    }

    /**
     * Writes the report atomically.
     *
     * @param file the target, e.g. {@code DIR/metrics.json}
     * @throws IOException if writing fails
     */
    public void write(Path file) throws IOException {
        AtomicFiles.writeString(file, toJsonString());
    }

    /**
     * Reads a report written by {@link #write}.
     *
     * @param file the {@code metrics.json}
     * @return the report (NFE and seconds as rounded in the file)
     * @throws DataFormatException if the file is not a metrics report of this schema
     * @throws IOException if the file cannot be read
     */
    public static MetricsReport read(Path file) throws IOException {
        JsonNode root;
        try {
            root = JSON.readTree(Files.readString(file));
        } catch (JsonProcessingException e) {
            throw new DataFormatException(file, "not valid JSON: " + e.getOriginalMessage());
        }
        try {
            return parse(root);
        } catch (IllegalArgumentException e) {
            throw new DataFormatException(file, "not a metrics report: " + e.getMessage());
        }
    }

    /**
     * This report with more runs: a run of {@code added} replaces the run of this report with the
     * same model, solver, grid and (for fixed-step runs) NFE, in place; the others are appended.
     * The floor of this report is kept.
     *
     * @param added a report on the same data, with the same count and repeats
     * @return the merged report
     * @throws IllegalArgumentException naming the mismatch if the data, count or repeats differ
     */
    public MetricsReport merge(MetricsReport added) {
        List<String> problems = new ArrayList<>();
        if (!Objects.equals(data, added.data)) {
            problems.add("data [" + data + "] vs [" + added.data + "]");
        }
        if (count != added.count) {
            problems.add("count " + count + " vs " + added.count);
        }
        if (repeats != added.repeats) {
            problems.add("repeats " + repeats + " vs " + added.repeats);
        }
        if (!floor.names().equals(added.floor.names())) {
            problems.add("metrics " + floor.names() + " vs " + added.floor.names());
        }
        if (!problems.isEmpty()) {
            throw new IllegalArgumentException("cannot merge metrics of different evaluations: "
                    + String.join(", ", problems));
        }
        List<EvalRun> merged = new ArrayList<>(runs);
        for (EvalRun r : added.runs) {
            int at = -1;
            for (int i = 0; i < merged.size(); i++) {
                if (sameSetting(merged.get(i), r)) {
                    at = i;
                    break;
                }
            }
            if (at >= 0) {
                merged.set(at, r);
            } else {
                merged.add(r);
            }
        }
        return new MetricsReport(data, count, repeats, floor, merged);
    }

    private static boolean sameSetting(EvalRun a, EvalRun b) {
        return a.model().equals(b.model()) && a.solver().equals(b.solver()) && a.grid().equals(b.grid())
                && (a.isAdaptive() || Math.abs(a.nfe() - b.nfe()) < 1e-9);
    }

    private static MetricsReport parse(JsonNode root) {
        if (root == null || !root.isObject()) {
            throw new IllegalArgumentException("the top level is not an object");
        }
        String data = text(root, "data");
        int count = integer(root, "count");
        int repeats = integer(root, "repeats");
        JsonNode f = object(root, "floor");
        List<String> names = new ArrayList<>();
        f.fieldNames().forEachRemaining(n -> {
            if (!n.equals("std")) {
                names.add(n);
            }
        });
        if (names.isEmpty()) {
            throw new IllegalArgumentException("'floor' names no metric");
        }
        MetricSummaries floor = summaries(names, f, f.get("std"), repeats, "floor");
        JsonNode runs = root.get("runs");
        if (runs == null || !runs.isArray()) {
            throw new IllegalArgumentException("'runs' is missing or not a list");
        }
        List<EvalRun> out = new ArrayList<>();
        for (int i = 0; i < runs.size(); i++) {
            JsonNode r = runs.get(i);
            String where = "runs[" + i + "]";
            if (!r.isObject()) {
                throw new IllegalArgumentException(where + " is not an object");
            }
            JsonNode means = object(r, "metrics");
            JsonNode stds = r.get("metrics_std");
            out.add(new EvalRun(text(r, "model"), text(r, "solver"), text(r, "grid"), number(r, "nfe", where),
                    summaries(names, means, stds, repeats, where), r.has("seconds") ? number(r, "seconds", where) : 0,
                    trajectory(means, stds, repeats, where)));
        }
        return new MetricsReport(data, count, repeats, floor, out);
    }

    private static MetricSummaries summaries(List<String> names, JsonNode means, JsonNode stds, int repeats,
            String where) {
        Map<String, MetricSummary> out = new LinkedHashMap<>();
        for (String n : names) {
            out.put(n, summary(means, stds, n, repeats, where));
        }
        return new MetricSummaries(out);
    }

    private static TrajectorySummary trajectory(JsonNode means, JsonNode stds, int repeats, String where) {
        if (!means.has("straightness")) {
            return null;
        }
        MetricSummary e = null;
        MetricSummary rms = null;
        JsonNode de = means.get("discretization_error");
        if (de != null && !de.isNull()) {
            e = summary(means, stds, "discretization_error", repeats, where);
            rms = summary(means, stds, "discretization_rms", repeats, where);
        }
        return new TrajectorySummary(summary(means, stds, "straightness", repeats, where),
                summary(means, stds, "transport_cost", repeats, where), e, rms);
    }

    private static MetricSummary summary(JsonNode means, JsonNode stds, String key, int repeats, String where) {
        double mean = number(means, key, where);
        double std = stds != null && stds.has(key) && stds.get(key).isNumber() ? stds.get(key).asDouble() : 0;
        return new MetricSummary(mean, std, repeats);
    }

    private static String text(JsonNode node, String key) {
        JsonNode v = node.get(key);
        if (v == null || !v.isTextual()) {
            throw new IllegalArgumentException("'" + key + "' is missing or not a string");
        }
        return v.asText();
    }

    private static int integer(JsonNode node, String key) {
        JsonNode v = node.get(key);
        if (v == null || !v.canConvertToInt() || !v.isIntegralNumber()) {
            throw new IllegalArgumentException("'" + key + "' is missing or not an integer");
        }
        return v.asInt();
    }

    private static JsonNode object(JsonNode node, String key) {
        JsonNode v = node.get(key);
        if (v == null || !v.isObject()) {
            throw new IllegalArgumentException("'" + key + "' is missing or not an object");
        }
        return v;
    }

    private static double number(JsonNode node, String key, String where) {
        JsonNode v = node.get(key);
        if (v == null || !v.isNumber()) {
            throw new IllegalArgumentException(where + ": '" + key + "' is missing or not a number");
        }
        return v.asDouble();
    }

    private static void putTrajectory(Map<String, Object> m, TrajectorySummary t, boolean mean) {
        m.put("straightness", pick(t.straightness(), mean));
        m.put("transport_cost", pick(t.transportCost(), mean));
        m.put("discretization_error", pick(t.discretizationError(), mean));
        m.put("discretization_rms", pick(t.discretizationRms(), mean));
    }

    private static Double pick(MetricSummary s, boolean mean) {
        return s == null ? null : mean ? s.mean() : s.std();
    }

    private static Map<String, Object> means(MetricSummaries s) {
        return pickAll(s, true);
    }

    private static Map<String, Object> stds(MetricSummaries s) {
        return pickAll(s, false);
    }

    private static Map<String, Object> pickAll(MetricSummaries s, boolean mean) {
        Map<String, Object> m = new LinkedHashMap<>();
        s.values().forEach((name, v) -> m.put(name, mean ? v.mean() : v.std()));
        return m;
    }

    private static double round(double v, int digits) {
        double f = Math.pow(10, digits);
        return Math.round(v * f) / f;
    }
}
