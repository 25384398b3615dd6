package dev.reflowkit.eval;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.reflowkit.io.AtomicFiles;
import dev.reflowkit.metrics.MetricSummary;
import dev.reflowkit.metrics.PointMetricSummary;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The {@code metrics.json} of an evaluation: the data, the data-vs-data floor and one entry per
 * (model, solver, grid, NFE). Schema:
 *
 * <pre>{@code
 * {"data": "8gaussians", "count": 1000, "repeats": 3,
 *  "floor": {"w2": .., "energy": .., "mmd": .., "std": {"w2": .., ...}},
 *  "runs": [{"model": "teacher", "solver": "heun", "grid": "uniform", "nfe": 9,
 *            "metrics": {"w2": .., "energy": .., "mmd": ..}, "metrics_std": {...}, "seconds": ..}]}
 * }</pre>
 *
 * @param data the data description
 * @param count points per sample
 * @param repeats independent repeats averaged
 * @param floor the data-vs-data floor
 * @param runs the evaluated runs
 */
public record MetricsReport(String data, int count, int repeats, PointMetricSummary floor, List<EvalRun> runs) {

    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

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
            m.put("metrics", means(r.metrics()));
            m.put("metrics_std", stds(r.metrics()));
            m.put("seconds", round(r.seconds(), 3));
            rs.add(m);
        }
        root.put("runs", rs);
        return root;
    }

    /**
     * Writes the report atomically.
     *
     * @param file the target, e.g. {@code DIR/metrics.json}
     * @throws IOException if writing fails
     */
    public void write(Path file) throws IOException {
        AtomicFiles.writeString(file, JSON.writeValueAsString(toJson()) + "\n");
    }

    private static Map<String, Object> means(PointMetricSummary s) {
        return triple(s.w2(), s.energy(), s.mmd(), true);
    }

    private static Map<String, Object> stds(PointMetricSummary s) {
        return triple(s.w2(), s.energy(), s.mmd(), false);
    }

    private static Map<String, Object> triple(MetricSummary w2, MetricSummary e, MetricSummary mmd, boolean mean) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("w2", mean ? w2.mean() : w2.std());
        m.put("energy", mean ? e.mean() : e.std());
        m.put("mmd", mean ? mmd.mean() : mmd.std());
        return m;
    }

    private static double round(double v, int digits) {
        double f = Math.pow(10, digits);
        return Math.round(v * f) / f;
    }
}
