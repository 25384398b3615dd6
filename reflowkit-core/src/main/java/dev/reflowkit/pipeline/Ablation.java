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
import dev.reflowkit.io.DirectoryLock;
import dev.reflowkit.metrics.MetricSummaries;
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
 * improvements one at a time, and starting from {@code simple-reflow} with all seven (the preset,
 * projected pairs in place of backward pairs, and the sampler's grid), remove them one at a time
 * ({@code ablate.rows}: both, only the additions or the removals, or none for baseline against
 * simple-reflow alone); train every variant with {@code ablate.seeds} seeds on the same teacher and
 * pair stores, score it at {@code eval.nfe} on {@code eval.grid} and {@code eval.extra_grids} (and
 * with the adaptive reference when {@code ablate.reference}), and write tables of mean ± std over
 * seeds (markdown and JSON) with the teacher and the floor beside them.
 *
 * <p>Improvements that do not apply to the data are left out and named in the table's notes: the
 * HPF loss needs images; smaller dropout is a no-op when the teacher has none. The sampler
 * improvement (7) changes the evaluation's time grid to {@code ablate.sampler_grid}; its rows
 * reuse the model of the row they change (no training). The ReFlow seed of a run is {@code seed}
 * in its configuration ({@code pipeline.reflow_set} gets {@code seed=K}); evaluation draws depend
 * on it too, so the spread includes the evaluation's sampling noise.
 */
public final class Ablation {

    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    /** The name of the simple-reflow row with every improvement. */
    static final String ALL_SEVEN = "simple-reflow (all seven)";

    /** The row of simple-reflow with loss normalization by the time-bin EMA instead of per sample. */
    static final String TIME_BIN_EMA = "simple-reflow − per-sample + time-bin-ema loss normalization (ours)";

    /**
     * One row of the ablation: a preset and the changes laid on it.
     *
     * @param name the row name, e.g. {@code "baseline + 10^t"}
     * @param preset the preset it starts from
     * @param overrides {@code key=value} changes
     * @param model the row whose trained model this one evaluates (its overrides change only the
     *     evaluation), or null when the row trains its own
     */
    public record Variant(String name, String preset, List<String> overrides, String model) {}

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
        remove.put("forward pairs", List.of("reflow.directions=[projected]"));
        add.put("projected pairs", List.of("reflow.directions=[projected]"));
        remove.put("projected pairs", List.of("reflow.directions=[backward,forward]"));
        String grid = config.getString("ablate.sampler_grid");
        String evalGrid = config.getString("eval.grid");
        boolean sampler = !grid.equals(evalGrid);
        String rows = config.getString("ablate.rows");
        List<Variant> out = new ArrayList<>();
        out.add(new Variant("baseline", "baseline", List.of(), null));
        if (rows.equals("none")) {
            out.add(new Variant("simple-reflow", "simple-reflow", List.of(), null));
            return out;
        }
        if (!rows.equals("remove")) {
            add.forEach((k, v) -> out.add(new Variant("baseline + " + k, "baseline", v, null)));
            if (sampler) {
                out.add(new Variant("baseline + sampler (" + grid + " grid)", "baseline",
                        List.of("eval.grid=" + grid), "baseline"));
            }
        }
        List<String> all = new ArrayList<>(List.of("reflow.directions=[projected,forward]"));
        if (sampler) {
            all.add("eval.grid=" + grid);
        }
        out.add(new Variant(ALL_SEVEN, "simple-reflow", all, null));
        if (!rows.equals("add")) {
            remove.forEach((k, v) -> {
                List<String> o = new ArrayList<>(all);
                o.addAll(v); // later settings win
                out.add(new Variant("simple-reflow − " + k, "simple-reflow", o, null));
            });
            if (sampler) {
                List<String> o = new ArrayList<>(all);
                o.add("eval.grid=" + evalGrid);
                out.add(new Variant("simple-reflow − sampler (" + grid + " grid)", "simple-reflow", o, ALL_SEVEN));
            }
            // Loss normalization by a weight of t alone (ours), which keeps Proposition 1 on mixed stores.
            List<String> o = new ArrayList<>(all);
            o.add("loss.weight=time-bin-ema");
            out.add(new Variant(TIME_BIN_EMA, "simple-reflow", o, null));
        }
        return out;
    }

    /**
     * Runs the ablation.
     *
     * @param given the configuration (teacher, pairs, eval, {@code ablate.*})
     * @param dir the ablation directory (the teacher and pairs are shared with a pipeline layout);
     *     its {@link DirectoryLock} is held throughout, each stage's directory's while the stage runs
     * @param args the command line
     * @param out where to print progress
     * @return the table rows as JSON-ready maps
     * @throws IOException if outputs cannot be written
     * @throws IllegalArgumentException if a row's setting cannot work with the data ({@link
     *     Preflight#ablation}): before the teacher trains and before anything is written
     * @throws dev.reflowkit.io.DirectoryLockedException if another job holds {@code dir}
     */
    @SuppressWarnings("try") // the lock is held for the block
    public static List<Map<String, Object>> run(Config given, Path dir, List<String> args, PrintStream out)
            throws IOException {
        Config config = Pipeline.withGivenTeacher(given);
        // every row's checks, before the teacher trains or anything is written
        Preflight.ablation(config).notes().forEach(note -> out.println("== " + note));
        try (DirectoryLock lock = DirectoryLock.acquire(dir)) {
            return runLocked(config, dir, args, out);
        }
    }

    private static List<Map<String, Object>> runLocked(Config config, Path dir, List<String> args, PrintStream out)
            throws IOException {
        RunRecord.write(dir, "ablate", args, config, Map.of());
        Path teacher = Pipeline.teacher(config, dir, args, out);
        Path pairsDir = dir.resolve("pairs").resolve("round1");
        List<Integer> seeds = config.getIntList("ablate.seeds");
        boolean images = ImageDataset.isImageSpec(config.getString("data.source"));
        boolean reference = config.getBoolean("ablate.reference");
        Path journal = dir.resolve("evaluation"); // a rerun after a kill reads finished evaluations back
        List<Map<String, Object>> rows = new ArrayList<>();
        rows.add(floorRow(config, seeds, out));
        Table teacherRow = new Table("teacher", List.of());
        for (int seed : seeds) {
            Config c = config.with("seed", (long) seed);
            out.println("== teacher (evaluation seed " + seed + ")");
            teacherRow.add(ModelEvaluation.evaluate(c, Map.of("teacher", teacher), out, reference, journal));
        }
        rows.add(teacherRow.row());
        writeTables(config, rows, dir);
        for (Variant v : variants(config, images)) {
            Table table = new Table(v.name(), v.overrides());
            for (int seed : seeds) {
                Config model = variantConfig(config, v, seed, teacher, pairsDir);
                for (String direction : model.getStringList("reflow.directions")) {
                    // Pairs are shared by every variant and seed: drawn with the base configuration.
                    PairStages.generate(config, teacher, direction, pairsDir.resolve(direction), out);
                }
                Path runDir = dir.resolve("runs").resolve(slug(v.model() == null ? v.name() : v.model()) + "-seed" + seed);
                if (v.model() == null) {
                    out.println("== " + v.name() + " (seed " + seed + ") -> " + runDir);
                    FlowTraining.run(model, runDir, true, args, null);
                } else {
                    out.println("== " + v.name() + " (seed " + seed + "): the model of " + runDir);
                }
                table.add(ModelEvaluation.evaluate(model, Map.of(v.name(), runDir.resolve(FlowTrainer.FINAL_CHECKPOINT)),
                        out, reference, journal));
            }
            rows.add(table.row());
            writeTables(config, rows, dir);
        }
        return rows;
    }

    /**
     * The configuration of one row's ReFlow run for one seed: the row's preset on the ablation's
     * configuration (with {@code pipeline.reflow_set} and {@code seed=K}), then the row's changes,
     * trained on the stores of its directions in {@code pairsDir}.
     *
     * @param config the ablation's configuration
     * @param v the row
     * @param seed the ReFlow seed
     * @param teacher the teacher checkpoint
     * @param pairsDir the folder of the shared pair stores
     * @return the run's configuration
     */
    static Config variantConfig(Config config, Variant v, int seed, Path teacher, Path pairsDir) {
        Config base = config.with("pipeline.reflow_set", withSeed(config.getStringList("pipeline.reflow_set"), seed));
        Config model = Pipeline.modelConfig(base, v.preset(), teacher, pairsDir);
        for (String o : v.overrides()) {
            int eq = o.indexOf('=');
            String key = o.substring(0, eq);
            model = model.with(key, model.schema().option(key).parse(o.substring(eq + 1)));
        }
        List<String> stores = new ArrayList<>();
        for (String direction : model.getStringList("reflow.directions")) {
            stores.add(pairsDir.resolve(direction).toString());
        }
        return model.with("reflow.pairs", stores);
    }

    /** The data-vs-data floor at the evaluation size, for the same seeds (one column, every metric). */
    private static Map<String, Object> floorRow(Config config, List<Integer> seeds, PrintStream out)
            throws IOException {
        int count = config.getInt("eval.count");
        Table floor = new Table("floor (data vs data)", List.of());
        for (int seed : seeds) {
            Config c = config.with("seed", (long) seed);
            try (NDManager manager = Engines.newManager()) {
                floor.add("floor", Evaluations.create(c, RunData.load(c), count, manager, out).floor(), 0);
            }
        }
        return floor.row();
    }

    /** Collects one row's metrics per column over seeds. */
    private static final class Table {
        private final String name;
        private final List<String> overrides;
        private final Map<String, Map<String, List<Double>>> columns = new LinkedHashMap<>();
        private final Map<String, List<Double>> nfes = new LinkedHashMap<>();

        Table(String name, List<String> overrides) {
            this.name = name;
            this.overrides = overrides;
        }

        void add(MetricsReport report) {
            for (EvalRun r : report.runs()) {
                add(column(r), r.metrics(), r.nfe());
            }
        }

        void add(String column, MetricSummaries metrics, double nfe) {
            Map<String, List<Double>> c = columns.computeIfAbsent(column, k -> new LinkedHashMap<>());
            metrics.values().forEach((k, s) -> c.computeIfAbsent(k, x -> new ArrayList<>()).add(s.mean()));
            nfes.computeIfAbsent(column, k -> new ArrayList<>()).add(nfe);
        }

        Map<String, Object> row() {
            Map<String, Object> row = new LinkedHashMap<>();
            row.put("variant", name);
            row.put("overrides", overrides);
            Map<String, Object> cols = new LinkedHashMap<>();
            columns.forEach((col, metrics) -> {
                Map<String, Object> cell = new LinkedHashMap<>();
                cell.put("nfe", nfes.get(col).stream().mapToDouble(Double::doubleValue).average().orElse(0));
                metrics.forEach((metric, vals) -> {
                    MetricSummary s = MetricSummary.of(vals.stream().mapToDouble(Double::doubleValue).toArray());
                    cell.put(metric, Map.of("mean", s.mean(), "std", s.std(), "seeds", vals.size()));
                });
                cols.put(col, cell);
            });
            row.put("columns", cols);
            return row;
        }
    }

    /** A run's column: {@code GRID@NFE}, or {@code adaptive} for the reference. */
    static String column(EvalRun r) {
        return r.isAdaptive() ? "adaptive" : r.grid() + "@" + Math.round(r.nfe());
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

    /**
     * Writes {@code ablation.json} (every metric of every column) and {@code ablation.md}: the
     * primary metric at every grid and NFE (the floor in every column), then the other metrics at
     * the largest NFE on {@code eval.grid}.
     */
    private static void writeTables(Config config, List<Map<String, Object>> rows, Path dir) throws IOException {
        boolean images = ImageDataset.isImageSpec(config.getString("data.source"));
        String metric = images ? "fd" : "w2";
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("data", config.getString("data.source"));
        json.put("metric", metric);
        json.put("count", config.getInt("eval.count"));
        json.put("seeds", config.getIntList("ablate.seeds"));
        json.put("rows", rows);
        AtomicFiles.writeString(dir.resolve("ablation.json"), JSON.writeValueAsString(json) + "\n");

        List<String> grids = new ArrayList<>(List.of(config.getString("eval.grid")));
        config.getStringList("eval.extra_grids").stream().filter(g -> !grids.contains(g)).forEach(grids::add);
        String sampler = config.getString("ablate.sampler_grid");
        if (!grids.contains(sampler) && !config.getString("ablate.rows").equals("none")) {
            grids.add(sampler);
        }
        List<String> cols = new ArrayList<>();
        for (String g : grids) {
            for (int n : config.getIntList("eval.nfe")) {
                cols.add(g + "@" + n);
            }
        }
        if (config.getBoolean("ablate.reference")) {
            cols.add("adaptive");
        }
        StringBuilder md = new StringBuilder();
        md.append(images ? "Fréchet distance on feature-network features (" : "Exact W2 (")
                .append(config.getInt("eval.count")).append(images ? " samples" : " points")
                .append(", mean ± std over seeds ").append(config.getIntList("ablate.seeds")).append(") on ")
                .append(config.getString("data.source")).append("; lower is better; – where a row has no such run.\n\n")
                .append("| variant |");
        for (String c : cols) {
            md.append(' ').append(c.equals("adaptive") ? "dopri5" : c.replace("@", " NFE ")).append(" |");
        }
        md.append("\n|---|").append("---|".repeat(cols.size())).append('\n');
        for (Map<String, Object> row : rows) {
            md.append("| ").append(row.get("variant")).append(" |");
            for (String c : cols) {
                Map<String, Object> cell = cell(row, row.get("variant").toString().startsWith("floor") ? "floor" : c);
                md.append(cell == null || !cell.containsKey(metric) ? " – |" : " " + meanStd(cell, metric) + " |");
            }
            md.append('\n');
        }
        String last = config.getString("eval.grid") + "@" + config.getIntList("eval.nfe").stream()
                .mapToInt(Integer::intValue).max().orElse(1);
        List<String> others = images ? List.of("kid", "precision", "recall") : List.of("energy", "mmd");
        md.append("\nAt ").append(last.replace("@", " NFE ")).append(":\n\n| variant |");
        others.forEach(o -> md.append(' ').append(o).append(" |"));
        md.append("\n|---|").append("---|".repeat(others.size())).append('\n');
        for (Map<String, Object> row : rows) {
            md.append("| ").append(row.get("variant")).append(" |");
            Map<String, Object> cell = cell(row, row.get("variant").toString().startsWith("floor") ? "floor" : last);
            for (String o : others) {
                md.append(cell == null || !cell.containsKey(o) ? " – |" : " " + meanStd(cell, o) + " |");
            }
            md.append('\n');
        }
        AtomicFiles.writeString(dir.resolve("ablation.md"), md.toString());
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> cell(Map<String, Object> row, String column) {
        return ((Map<String, Map<String, Object>>) row.get("columns")).get(column);
    }

    @SuppressWarnings("unchecked")
    private static String meanStd(Map<String, Object> cell, String metric) {
        Map<String, Object> m = (Map<String, Object>) cell.get(metric);
        double mean = (double) m.get("mean");
        double std = (double) m.get("std");
        String f = Math.abs(mean) >= 100 ? "%.1f ± %.1f" : Math.abs(mean) >= 1 ? "%.2f ± %.2f" : "%.3f ± %.3f";
        return String.format(Locale.ROOT, f, mean, std);
    }
}
