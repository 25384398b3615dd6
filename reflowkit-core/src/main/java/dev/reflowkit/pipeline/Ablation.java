package dev.reflowkit.pipeline;

import ai.djl.ndarray.NDManager;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.reflowkit.config.Config;
import dev.reflowkit.data.ImageDataset;
import dev.reflowkit.engine.Engines;
import dev.reflowkit.eval.EvalRun;
import dev.reflowkit.eval.MetricsReport;
import dev.reflowkit.io.AtomicFiles;
import dev.reflowkit.metrics.MetricSummary;
import dev.reflowkit.train.FlowTrainer;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The ablation of Simple ReFlow's improvements: starting from {@code baseline}, add the
 * improvements one at a time, and starting from {@code simple-reflow}, remove them one at a time
 * ({@code ablate.rows}: both, or only the additions or the removals);
 * train every variant with {@code ablate.seeds} seeds on the same teacher and pair stores, score it
 * at {@code eval.nfe}, and write a table of mean ± std over seeds (markdown and JSON).
 *
 * <p>Improvements that do not apply to the data are left out and named in the table's notes: the
 * HPF loss needs images; smaller dropout is a no-op when the teacher has none. The sampler
 * improvement (7) changes the evaluation's time grid to {@code ablate.sampler_grid}.
 */
public final class Ablation {

    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    /**
     * One row of the ablation: a preset and the changes laid on it.
     *
     * @param name the row name, e.g. {@code "baseline + 10^t"}
     * @param preset the preset it starts from
     * @param overrides {@code key=value} changes
     */
    public record Variant(String name, String preset, List<String> overrides) {}

    private Ablation() {}

    /**
     * The variants for a configuration.
     *
     * @param config the ablation configuration
     * @param images whether the data are images (enables the HPF rows)
     * @return the rows, in table order
     */
    public static List<Variant> variants(Config config, boolean images) {
        Map<String, List<String>> add = new LinkedHashMap<>();
        Map<String, List<String>> remove = new LinkedHashMap<>();
        add.put("loss normalization", List.of("loss.weight=per-sample"));
        remove.put("loss normalization", List.of("loss.weight=constant"));
        add.put("10^t time distribution", List.of("path.time=exponential", "path.time_base=10"));
        remove.put("10^t time distribution", List.of("path.time=uniform"));
        if (images) {
            add.put("HPF loss", List.of("loss.type=hpf"));
            remove.put("HPF loss", List.of("loss.type=mse"));
        }
        if (config.getDouble("model.dropout") > 0) {
            add.put("smaller dropout", List.of("reflow.dropout=0"));
            remove.put("smaller dropout", List.of("reflow.dropout=-1"));
        }
        add.put("forward pairs", List.of("reflow.directions=[backward,forward]"));
        remove.put("forward pairs", List.of("reflow.directions=[backward]"));
        add.put("projected pairs", List.of("reflow.directions=[backward,projected]"));
        String grid = config.getString("ablate.sampler_grid");
        if (!grid.equals(config.getString("eval.grid"))) {
            add.put("sampler (" + grid + " grid)", List.of("eval.grid=" + grid));
            remove.put("sampler (" + grid + " grid)", List.of("eval.grid=" + config.getString("eval.grid")));
        }
        String rows = config.getString("ablate.rows");
        List<Variant> out = new ArrayList<>();
        out.add(new Variant("baseline", "baseline", List.of()));
        if (!rows.equals("remove")) {
            add.forEach((k, v) -> out.add(new Variant("baseline + " + k, "baseline", v)));
        }
        List<String> simpleExtra = grid.equals(config.getString("eval.grid")) ? List.of() : List.of("eval.grid=" + grid);
        out.add(new Variant("simple-reflow", "simple-reflow", simpleExtra));
        if (!rows.equals("add")) {
            remove.forEach((k, v) -> {
                List<String> o = new ArrayList<>(simpleExtra);
                o.addAll(v);
                out.add(new Variant("simple-reflow − " + k, "simple-reflow", o));
            });
        }
        return out;
    }

    /**
     * Runs the ablation.
     *
     * @param config the configuration (teacher, pairs, eval, {@code ablate.*})
     * @param dir the ablation directory (the teacher and pairs are shared with a pipeline layout)
     * @param args the command line
     * @param out where to print progress
     * @return the table rows as JSON-ready maps
     * @throws IOException if outputs cannot be written
     */
    public static List<Map<String, Object>> run(Config config, Path dir, List<String> args, PrintStream out)
            throws IOException {
        RunRecord.write(dir, "ablate", args, config, Map.of());
        Path teacherDir = dir.resolve("teacher");
        out.println("== teacher -> " + teacherDir);
        FlowTraining.run(config, teacherDir, true, args, null);
        Path teacher = teacherDir.resolve(FlowTrainer.FINAL_CHECKPOINT);
        Path pairsDir = dir.resolve("pairs").resolve("round1");
        List<Integer> seeds = config.getIntList("ablate.seeds");
        boolean images = ImageDataset.isImageSpec(config.getString("data.source"));
        String metric = images ? "fd" : "w2";
        List<Map<String, Object>> rows = new ArrayList<>();
        rows.add(floorRow(config, seeds, metric, out));
        for (Variant v : variants(config, images)) {
            Map<String, List<Double>> w2ByNfe = new LinkedHashMap<>();
            for (int seed : seeds) {
                Config base = config.with("pipeline.reflow_set", withSeed(config.getStringList("pipeline.reflow_set"), seed));
                Config model = Pipeline.modelConfig(base, v.preset(), teacher, pairsDir);
                for (String o : v.overrides()) {
                    int eq = o.indexOf('=');
                    String key = o.substring(0, eq);
                    model = model.with(key, model.schema().option(key).parse(o.substring(eq + 1)));
                }
                List<String> stores = new ArrayList<>();
                for (String direction : model.getStringList("reflow.directions")) {
                    // Pairs are shared by every variant and seed: drawn with the base configuration.
                    PairStages.generate(config, teacher, direction, pairsDir.resolve(direction), out);
                    stores.add(pairsDir.resolve(direction).toString());
                }
                model = model.with("reflow.pairs", stores);
                String runName = slug(v.name()) + "-seed" + seed;
                Path runDir = dir.resolve("runs").resolve(runName);
                out.println("== " + v.name() + " (seed " + seed + ") -> " + runDir);
                FlowTraining.run(model, runDir, true, args, null);
                MetricsReport m = ModelEvaluation.evaluate(model, Map.of(v.name(), runDir.resolve(FlowTrainer.FINAL_CHECKPOINT)),
                        out, false);
                for (EvalRun r : m.runs()) {
                    w2ByNfe.computeIfAbsent(Integer.toString((int) Math.round(r.nfe())), k -> new ArrayList<>())
                            .add(r.metrics().get(metric).mean());
                }
            }
            Map<String, Object> row = new LinkedHashMap<>();
            row.put("variant", v.name());
            row.put("overrides", v.overrides());
            Map<String, Object> cols = new LinkedHashMap<>();
            w2ByNfe.forEach((nfe, vals) -> {
                MetricSummary s = MetricSummary.of(vals.stream().mapToDouble(Double::doubleValue).toArray());
                cols.put(nfe, Map.of("mean", s.mean(), "std", s.std(), "seeds", vals.size()));
            });
            row.put(metric, cols);
            rows.add(row);
            writeTables(config, rows, dir, metric);
        }
        return rows;
    }

    /** The data-vs-data floor at the evaluation size, for the same seeds (every NFE column alike). */
    private static Map<String, Object> floorRow(Config config, List<Integer> seeds, String metric, PrintStream out)
            throws IOException {
        int count = config.getInt("eval.count");
        List<Double> floors = new ArrayList<>();
        for (int seed : seeds) {
            Config c = config.with("seed", (long) seed);
            try (NDManager manager = Engines.newManager()) {
                floors.add(Evaluations.create(c, RunData.load(c), count, manager, out).floor().get(metric).mean());
            }
        }
        MetricSummary s = MetricSummary.of(floors.stream().mapToDouble(Double::doubleValue).toArray());
        Map<String, Object> cols = new LinkedHashMap<>();
        for (int nfe : config.getIntList("eval.nfe")) {
            cols.put(Integer.toString(nfe), Map.of("mean", s.mean(), "std", s.std(), "seeds", floors.size()));
        }
        Map<String, Object> row = new LinkedHashMap<>();
        row.put("variant", "floor (data vs data)");
        row.put("overrides", List.of());
        row.put(metric, cols);
        return row;
    }

    private static List<String> withSeed(List<String> sets, int seed) {
        List<String> out = new ArrayList<>(sets);
        out.add("seed=" + seed);
        return out;
    }

    private static String slug(String name) {
        return name.toLowerCase(Locale.ROOT).replace("−", "minus").replace("+", "plus")
                .replaceAll("[^a-z0-9]+", "-").replaceAll("(^-|-$)", "");
    }

    private static void writeTables(Config config, List<Map<String, Object>> rows, Path dir, String metric)
            throws IOException {
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("data", config.getString("data.source"));
        json.put("metric", metric);
        json.put("count", config.getInt("eval.count"));
        json.put("seeds", config.getIntList("ablate.seeds"));
        json.put("rows", rows);
        AtomicFiles.writeString(dir.resolve("ablation.json"), JSON.writeValueAsString(json) + "\n");
        List<Integer> nfes = config.getIntList("eval.nfe");
        StringBuilder md = new StringBuilder();
        md.append(metric.equals("fd") ? "Fréchet distance on feature-network features (" : "Exact W2 (")
                .append(config.getInt("eval.count")).append(metric.equals("fd") ? " samples" : " points")
                .append(", mean ± std over seeds ")
                .append(config.getIntList("ablate.seeds")).append(") on ").append(config.getString("data.source"))
                .append("; lower is better.\n\n| variant |");
        for (int n : nfes) {
            md.append(" NFE ").append(n).append(" |");
        }
        md.append("\n|---|").append("---|".repeat(nfes.size())).append('\n');
        for (Map<String, Object> row : rows) {
            md.append("| ").append(row.get("variant")).append(" |");
            @SuppressWarnings("unchecked")
            Map<String, Map<String, Object>> w2 = (Map<String, Map<String, Object>>) row.get(metric);
            for (int n : nfes) {
                Map<String, Object> c = w2.get(Integer.toString(n));
                md.append(c == null ? " – |" : String.format(Locale.ROOT, " %.3f ± %.3f |", c.get("mean"), c.get("std")));
            }
            md.append('\n');
        }
        AtomicFiles.writeString(dir.resolve("ablation.md"), md.toString());
    }
}
