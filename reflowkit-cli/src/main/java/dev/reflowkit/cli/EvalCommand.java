package dev.reflowkit.cli;

import ai.djl.ndarray.NDManager;
import dev.reflowkit.config.Config;
import dev.reflowkit.config.ConfigLoader;
import dev.reflowkit.config.ReflowConfig;
import dev.reflowkit.data.DataSpec;
import dev.reflowkit.data.ImageDataset;
import dev.reflowkit.engine.Engines;
import dev.reflowkit.eval.EvalData;
import dev.reflowkit.eval.EvalRun;
import dev.reflowkit.eval.EvalSetting;
import dev.reflowkit.eval.MetricsReport;
import dev.reflowkit.eval.SampleEvaluation;
import dev.reflowkit.eval.TrajectorySummary;
import dev.reflowkit.field.ClassifierFreeGuidance;
import dev.reflowkit.field.VelocityField;
import dev.reflowkit.metrics.MetricSummary;
import dev.reflowkit.metrics.MetricSummaries;
import dev.reflowkit.pipeline.Components;
import dev.reflowkit.pipeline.Evaluations;
import dev.reflowkit.pipeline.ModelEvaluation;
import dev.reflowkit.pipeline.PointData;
import dev.reflowkit.pipeline.Preflight;
import dev.reflowkit.pipeline.RunData;
import dev.reflowkit.pipeline.TrainedModel;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.function.Consumer;
import java.util.stream.Collectors;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code reflow eval}: scores one checkpoint at several NFE budgets and with the adaptive reference
 * solver, against held-out data, and writes (or extends) a {@code metrics.json}.
 */
@Command(name = "eval", mixinStandardHelpOptions = true, versionProvider = VersionProvider.class,
        header = "Score a trained model at several NFE budgets and with the adaptive reference solver.",
        description = "Sample a checkpoint at every --nfe budget and with the adaptive reference solver (eval.reference),"
            + " all from the same seeded noise, and score each run against held-out data: W2, energy distance,"
            + " MMD (with the data-vs-data floor), the straightness of the sampler's paths, the transport cost"
            + " E||x1 - x0||^2, and the discretization error against the reference samples. Writes FILE.json"
            + " in the metrics.json schema of reflow demo; --append adds the runs to an existing file so"
            + " several models share one.")
final class EvalCommand implements Callable<Integer> {

    @Option(names = {"-m", "--model"}, paramLabel = "CKPT", required = true, description = "Checkpoint (model.ckpt).")
    Path model;

    @Option(names = {"-o", "--out"}, paramLabel = "FILE.json", required = true,
            description = "The metrics file, written atomically (replaced unless --append).")
    Path out;

    @Option(names = "--name", description = "The model's name in the report (default: the checkpoint's directory for"
            + " DIR/model.ckpt, else the file name without .ckpt).")
    String name;

    @Option(names = "--data", paramLabel = "SPEC", description = "Held-out data: a built-in set name or file:PATH"
            + " (default: the model's data.source).")
    String data;

    @Option(names = "--nfe", split = ",", paramLabel = "N[,N...]",
            description = "NFE budgets, e.g. 1,2,4,9 (default: the model's eval.nfe).")
    List<Integer> nfe;

    @Option(names = "--solver", description = "Fixed-step solver: euler, midpoint, heun, rk4, heun-edm, heun-full or rk4-full"
            + " (default: eval.solver); see reflow sample --help for the steps each NFE gets.")
    String solver;

    @Option(names = "--grid", split = ",", paramLabel = "GRID[,GRID...]", description = "Time grids, each evaluated at"
            + " every NFE: uniform, edm, sigmoid, shifted, custom, or tuned (the model's grid tuned per solver and NFE; tuned"
            + " and recorded beside the checkpoint where none is) (default: eval.grid and eval.extra_grids).")
    List<String> grid;

    @Option(names = {"-n", "--count"}, description = "Samples per run and repeat (default: eval.count).")
    Integer count;

    @Option(names = "--repeats", description = "Independent repeats averaged (default: eval.repeats).")
    Integer repeats;

    @Option(names = "--seed", description = "Evaluation seed: the noise and the built-in data's held-out draws"
            + " (default: the model's seed). Use one seed for models that share a file.")
    Long seed;

    @Option(names = "--weights", description = "ema or raw weights (default: sample.weights).")
    String weights;

    @Option(names = "--append", description = "Merge the runs into FILE.json if it exists (same data, count and"
            + " repeats; a run of the same model, solver, grid and NFE is replaced).")
    boolean append;

    @Option(names = "--set", paramLabel = "KEY=VALUE", description = "Override an eval.* or sample.* option, e.g."
            + " sample.atol=1e-4 (repeatable).")
    List<String> overrides = new ArrayList<>();

    @Option(names = "--dry-run", description = "Print the resolved configuration and exit.")
    boolean dryRun;

    @Option(names = "--no-reference", description = "Skip the adaptive reference run (cheaper, e.g. for sweeps over"
            + " guidance weights; no dopri5 row and no discretization error).")
    boolean noReference;

    @Option(names = "--class", paramLabel = "-1",
            description = "Class-conditional models only: -1 samples an even spread over the classes (sample i gets"
                + " class i mod classes) with classifier-free guidance weight --guidance W (default 1: the conditional"
                + " model), and adds class_acc, the fraction of samples the feature network assigns to their class"
                + " (its floor: its accuracy on real test images).")
    Integer classLabel;

    @Mixin
    GuidanceOptions guidance = new GuidanceOptions();

    /** {@inheritDoc} */
    @Override
    public Integer call() throws Exception {
        if (!out.getFileName().toString().endsWith(".json")) {
            throw new IllegalArgumentException("--out must name a .json file, got " + out);
        }
        guidance.check(classLabel != null);
        if (classLabel != null && classLabel != ClassifierFreeGuidance.SPREAD) {
            throw new IllegalArgumentException("eval --class takes -1 (an even spread over the classes, scored against"
                    + " all of the data), got " + classLabel + "; reflow sample --class K generates one class");
        }
        try (NDManager manager = Engines.newManager()) {
            TrainedModel emaModel = TrainedModel.load(model, true, manager); // reused unless raw weights
            Config stored = emaModel.config();
            Config c = ConfigLoader.fromMap(ReflowConfig.schema(), stored.toNestedMap(), overrides());
            if (dryRun) {
                System.out.print(c.toYaml());
                return 0;
            }
            String ref = c.getString("eval.reference");
            String solverName = c.getString("eval.solver");
            if (solverName.equals(ref)) {
                throw new IllegalArgumentException("--solver " + solverName + " is the adaptive reference, evaluated"
                        + " anyway; choose a fixed-step solver (euler, midpoint, heun, rk4)");
            }
            EvalSetting reference = new EvalSetting(ref, SampleEvaluation.ADAPTIVE_GRID,
                    Components.plan(c, ref, "uniform", 0));

            int classes = 0;
            if (classLabel != null) {
                classes = emaModel.classes();
                Preflight.classLabel("--class", classLabel, classes, model);
                // every batch starts at a multiple of the class count, so sample i gets class i mod C
                int batch = c.getInt("sample.batch_size");
                c = c.with("sample.batch_size", Math.max(classes, batch - batch % classes));
            }
            int n = c.getInt("eval.count");
            int r = c.getInt("eval.repeats");
            boolean ema = c.getString("sample.weights").equals("ema");
            TrainedModel m = ema ? emaModel : TrainedModel.load(model, false, manager);
            VelocityField field = classLabel != null
                    ? new ClassifierFreeGuidance(m.conditional(), classLabel, guidance.weight == null ? 1.0 : guidance.weight)
                    : guidance.field(m, model, ema, manager);
            // every check before the feature network trains or anything is sampled: the samplers, the data's
            // shape against the model's, eval.count against the held-out data
            boolean images = ImageDataset.isImageSpec(c.getString("data.source"));
            RunData imageData = images ? RunData.load(c) : null;
            EvalData points = images ? null : heldOut(c, stored, n);
            Preflight.evaluation(c, images ? Preflight.DataFacts.of(c, imageData)
                    : Preflight.DataFacts.heldOutPoints(c.getString("data.source"), points.reference(0, 1).d()),
                    m.sampleShape());
            SampleEvaluation evaluation = images
                    ? Evaluations.create(c, imageData, n, classes, manager, System.out)
                    : new SampleEvaluation(points, n, r, c.getLong("seed"), c.getInt("sample.batch_size"));
            MetricsReport existing = null;
            if (append && Files.exists(out)) {
                existing = MetricsReport.read(out);
                try {
                    existing.merge(new MetricsReport(evaluation.dataDescription(), n, r, existing.floor(), List.of()));
                } catch (IllegalArgumentException e) {
                    throw new IllegalArgumentException("cannot --append to " + out + ": " + e.getMessage()
                            + " (file vs this evaluation); use the same --data, --count and --repeats, or another --out");
                }
            }

            List<EvalSetting> settings = ModelEvaluation.settings(c, solverName, model, m, manager, System.out);
            String runName = runName();

            MetricSummaries floor = evaluation.floor();
            System.out.println(header(floor));
            System.out.println(row("floor (data vs data)", "-", "-", floor, null));
            Consumer<EvalRun> print = run -> System.out.println(row(run.model(),
                    run.solver() + "/" + run.grid(), nfeText(run.nfe()), run.metrics(), run.trajectory()));
            List<EvalRun> runs = new ArrayList<>();
            if (noReference) {
                for (EvalSetting s : settings) {
                    EvalRun run = evaluation.evaluate(runName, field, m.sampleShape(), s.plan(), s.solver(), s.grid(),
                            manager);
                    print.accept(run);
                    runs.add(run);
                }
            } else {
                runs = evaluation.evaluateWithReference(runName, field, m.sampleShape(), settings, reference, manager,
                        print);
            }
            MetricsReport report = new MetricsReport(evaluation.dataDescription(), n, r, floor, runs);
            if (existing != null) {
                report = existing.merge(report);
            }
            report.write(out);
            System.out.printf(Locale.ROOT, "%s %d runs of %s to %s (%d runs in the file)%n",
                    existing != null ? "appended" : "wrote", runs.size(), runName, out, report.runs().size());
            return 0;
        }
    }

    /** The config overrides of this command's options, then the user's --set, sample.* and eval.* only. */
    private List<String> overrides() {
        List<String> sets = new ArrayList<>();
        if (nfe != null) {
            sets.add("eval.nfe=" + nfe.stream().map(String::valueOf).collect(Collectors.joining(",", "[", "]")));
        }
        if (solver != null) {
            sets.add("eval.solver=" + solver);
        }
        if (grid != null && !grid.isEmpty()) {
            sets.add("eval.grid=" + grid.get(0));
            sets.add("eval.extra_grids=[" + String.join(",", grid.subList(1, grid.size())) + "]");
        }
        if (count != null) {
            sets.add("eval.count=" + count);
        }
        if (repeats != null) {
            sets.add("eval.repeats=" + repeats);
        }
        if (weights != null) {
            sets.add("sample.weights=" + weights);
        }
        for (String s : overrides) {
            if (!s.startsWith("sample.") && !s.startsWith("eval.")) {
                throw new IllegalArgumentException("eval accepts only eval.* and sample.* overrides, got " + s);
            }
        }
        sets.addAll(overrides);
        if (seed != null) {
            sets.add("seed=" + seed);
        }
        if (data != null) {
            sets.add("data.source=" + data);
        }
        return sets;
    }

    /**
     * The held-out data. A built-in set draws fresh points from the evaluation seed. A file is split
     * as it was when the model was trained (the model's seed and eval.count), so that the held-out
     * points are never training points.
     */
    private EvalData heldOut(Config c, Config stored, int n) throws IOException {
        String source = c.getString("data.source");
        if (DataSpec.parse(source).isBuiltin()) {
            return PointData.load(source, c.getInt("data.train_count"), n, c.getLong("seed")).eval();
        }
        int held = stored.getInt("eval.count");
        if (n > held) {
            throw new IllegalArgumentException("--count " + n + " is more than the " + held + " points of " + source
                    + " held out when the model was trained (its eval.count); use --count " + held + " or less");
        }
        return PointData.load(source, stored.getInt("data.train_count"), held, stored.getLong("seed")).eval();
    }

    private String runName() {
        String base = name != null ? name : defaultName(model);
        if (name != null || !guidance.active()) {
            return base;
        }
        return base + " w=" + guidance.weightText() + " guide=" + defaultName(guidance.guideWith);
    }

    /** {@code DIR/model.ckpt} is named DIR; any other checkpoint by its file name without {@code .ckpt}. */
    static String defaultName(Path checkpoint) {
        Path file = checkpoint.toAbsolutePath().normalize();
        String fileName = file.getFileName().toString();
        if (fileName.equals("model.ckpt") && file.getParent() != null && file.getParent().getFileName() != null) {
            return file.getParent().getFileName().toString();
        }
        return fileName.endsWith(".ckpt") ? fileName.substring(0, fileName.length() - 5) : fileName;
    }

    private static String nfeText(double nfe) {
        return nfe == Math.rint(nfe) ? Long.toString((long) nfe) : String.format(Locale.ROOT, "%.1f", nfe);
    }

    private static String header(MetricSummaries metrics) {
        StringBuilder sb = new StringBuilder(String.format(Locale.ROOT, "%-28s %-16s %6s", "model", "solver/grid", "NFE"));
        for (String k : metrics.names()) {
            sb.append(String.format(Locale.ROOT, k.equals(metrics.primary()) ? "  %-19s" : " %9s",
                    k.equals(metrics.primary()) ? k + " ± std" : k));
        }
        return sb.append(String.format(Locale.ROOT, " %9s %9s %9s", "straight", "transport", "disc.rms")).toString();
    }

    private static String row(String model, String setting, String nfe, MetricSummaries m, TrajectorySummary t) {
        StringBuilder sb = new StringBuilder(String.format(Locale.ROOT, "%-28s %-16s %6s", model, setting, nfe));
        m.values().forEach((k, v) -> sb.append(k.equals(m.primary())
                ? String.format(Locale.ROOT, "  %-8.4g ± %-8.3g", v.mean(), v.std())
                : String.format(Locale.ROOT, " %9.4g", v.mean())));
        return sb.append(String.format(Locale.ROOT, " %9s %9s %9s",
                t == null ? "-" : num(t.straightness()), t == null ? "-" : num(t.transportCost()),
                t == null || !t.hasDiscretizationError() ? "-" : num(t.discretizationRms()))).toString();
    }

    private static String num(MetricSummary s) {
        return String.format(Locale.ROOT, "%.4f", s.mean());
    }
}
