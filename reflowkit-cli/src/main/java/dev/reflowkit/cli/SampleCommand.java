package dev.reflowkit.cli;

import ai.djl.ndarray.NDManager;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.reflowkit.config.Config;
import dev.reflowkit.config.ConfigLoader;
import dev.reflowkit.config.ReflowConfig;
import dev.reflowkit.data.PointSet;
import dev.reflowkit.engine.Engines;
import dev.reflowkit.field.ClassifierFreeGuidance;
import dev.reflowkit.field.VelocityField;
import dev.reflowkit.io.AtomicFiles;
import dev.reflowkit.io.Npy;
import dev.reflowkit.pipeline.Components;
import dev.reflowkit.pipeline.GridTuning;
import dev.reflowkit.pipeline.Preflight;
import dev.reflowkit.pipeline.RunRecord;
import dev.reflowkit.pipeline.TrainedModel;
import dev.reflowkit.report.ImageGrid;
import dev.reflowkit.report.ImageShape;
import dev.reflowkit.sampling.BatchSampler;
import dev.reflowkit.sampling.GeneratedSamples;
import dev.reflowkit.solver.SamplerPlan;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/** {@code reflow sample}: generates samples from a checkpoint and writes them as {@code .npy}. */
@Command(name = "sample", mixinStandardHelpOptions = true, versionProvider = VersionProvider.class,
        header = "Generate samples from a trained model into a .npy file.",
        description = "Generate samples from a trained model (noise at t=1 integrated to t=0) and write them"
            + " as a float32 .npy file [count, d]; a FILE.run.json beside it records the run. With --guide-with"
            + " and --guidance, samples the auto-guided field (each evaluation runs both networks: 2 NFE). For a"
            + " class-conditional model (model.classes > 0), --class K generates class K, with classifier-free"
            + " guidance weight --guidance W (default 1).")
final class SampleCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Option(names = {"-m", "--model"}, paramLabel = "CKPT", required = true, description = "Checkpoint (model.ckpt).")
    Path model;

    @Option(names = {"-o", "--out"}, paramLabel = "FILE.npy", required = true, description = "Output .npy file.")
    Path out;

    @Option(names = "--solver", description = "euler, midpoint, heun, rk4, heun-edm, heun-full, rk4-full or dopri5"
            + " (default: the model's sample.solver). heun takes floor(NFE/2) steps: full Heun steps, then a midpoint"
            + " last step for even NFE (2 = one midpoint step) or Ralston's third-order step for odd NFE (9 = 3 Heun +"
            + " Ralston; NFE 1 = one Euler step), so it never evaluates the field at the data end t = 0; rk4 ends with"
            + " an interior third-order step. heun-edm is EDM's sampler (odd NFE, Euler last step: 9 = 5 steps);"
            + " heun-full (even NFE) and rk4-full take full steps that evaluate t = 0.")
    String solver;

    @Option(names = "--nfe", description = "Network evaluations per sample (default: sample.nfe).")
    Integer nfe;

    @Option(names = "--grid", description = "Time grid: uniform, edm, sigmoid, shifted (sample.shift), custom, or tuned (the model's grid tuned"
            + " for the solver and NFE, recorded beside the checkpoint; tuned first if none is: reflow tune-grid)"
            + " (default: sample.grid).")
    String grid;

    @Option(names = {"-n", "--count"}, description = "Number of samples (default: sample.count).")
    Integer count;

    @Option(names = "--seed", description = "Noise seed; sample i depends only on (seed, i) (default: the config's seed).")
    Long seed;

    @Option(names = "--weights", description = "ema or raw weights (default: sample.weights).")
    String weights;

    @Option(names = "--set", paramLabel = "KEY=VALUE", description = "Override a sample.* option (repeatable).")
    List<String> overrides = new ArrayList<>();

    @Option(names = "--dry-run", description = "Print the resolved configuration and exit.")
    boolean dryRun;

    @Option(names = "--png", paramLabel = "FILE.png",
            description = "Image models only: also write the samples (at most 256) as a PNG grid.")
    Path png;

    @Option(names = "--class", paramLabel = "K",
            description = "Class-conditional models only: generate class K (0 .. classes-1), or -1 for an even spread"
                + " over the classes (sample i gets class i mod classes). With --guidance W, classifier-free"
                + " guidance v = v_null + W (v_K - v_null): W = 1 (default) the conditional model, 0 unconditional;"
                + " other W run both networks (2 NFE per evaluation).")
    Integer classLabel;

    @Mixin
    GuidanceOptions guidance = new GuidanceOptions();

    /** {@inheritDoc} */
    @Override
    public Integer call() throws Exception {
        if (!out.getFileName().toString().endsWith(".npy")) {
            throw new IllegalArgumentException("--out must name a .npy file, got " + out);
        }
        guidance.check(classLabel != null);
        try (NDManager manager = Engines.newManager()) {
            List<String> sets = new ArrayList<>();
            if (solver != null) {
                sets.add("sample.solver=" + solver);
            }
            if (nfe != null) {
                sets.add("sample.nfe=" + nfe);
            }
            if (grid != null) {
                sets.add("sample.grid=" + grid);
            }
            if (count != null) {
                sets.add("sample.count=" + count);
            }
            if (seed != null) {
                sets.add("seed=" + seed);
            }
            if (weights != null) {
                sets.add("sample.weights=" + weights);
            }
            sets.addAll(overrides);
            for (String s : sets) {
                if (!s.startsWith("sample.") && !s.startsWith("seed=")) {
                    throw new IllegalArgumentException("sample accepts only sample.* and seed overrides, got " + s);
                }
            }
            // The checkpoint's own configuration, with the sampling options of this command on top.
            TrainedModel emaModel = TrainedModel.load(model, true, manager); // reused unless raw weights
            Config stored = emaModel.config();
            Config c = ConfigLoader.fromMap(ReflowConfig.schema(), stored.toNestedMap(), sets);
            if (dryRun) {
                System.out.print(c.toYaml());
                return 0;
            }
            // every check before any sampling or tuning: the class, the sampler, the PNG
            if (classLabel != null) {
                Preflight.classLabel("--class", classLabel, emaModel.classes(), model);
            }
            String gridName = c.getString("sample.grid");
            Preflight.sampler(c, "sample.solver", c.getString("sample.solver"), "sample.grid", gridName, "sample.nfe",
                    List.of(c.getInt("sample.nfe")));
            if (png != null && !ImageShape.isImage(emaModel.sampleShape())) {
                throw new IllegalArgumentException("--png needs an image model; " + model + " has samples of shape "
                        + Arrays.toString(emaModel.sampleShape()) + "; leave out --png");
            }
            boolean ema = c.getString("sample.weights").equals("ema");
            TrainedModel m = ema ? emaModel : TrainedModel.load(model, false, manager);
            VelocityField field;
            int batchSize = c.getInt("sample.batch_size");
            double cfgWeight = guidance.weight == null ? 1.0 : guidance.weight;
            if (classLabel != null) {
                field = new ClassifierFreeGuidance(m.conditional(), classLabel, cfgWeight);
                if (classLabel == ClassifierFreeGuidance.SPREAD) {
                    // every batch starts at a multiple of the class count, so sample i gets class i mod C
                    batchSize = Math.max(m.classes(), batchSize - batchSize % m.classes());
                }
            } else {
                field = guidance.field(m, model, ema, manager);
            }
            GridTuning tuning = gridName.equals(GridTuning.NAME)
                    ? new GridTuning(c, model, m.field(), m.sampleShape(), manager, System.out)
                    : null;
            SamplerPlan plan = Components.plan(c, c.getString("sample.solver"), gridName, c.getInt("sample.nfe"), tuning);
            GeneratedSamples g = BatchSampler.generate(field, plan,
                    c.getInt("sample.count"), batchSize, c.getLong("seed"), m.sampleShape(), manager);
            long[] shape = new long[m.sampleShape().length + 1];
            shape[0] = g.count();
            System.arraycopy(m.sampleShape(), 0, shape, 1, m.sampleShape().length);
            Npy.write(out, g.data(), shape);
            if (png != null) {
                PointSet shown = g.points().head(Math.min(256, g.count()));
                ImageGrid.builder().optColumns(16).optScale(ImageGrid.scaleFor(m.sampleShape(), 48)).build()
                        .write(png, shown, m.sampleShape());
            }
            Map<String, Object> extra = new LinkedHashMap<>();
            extra.put("model", model.toString());
            extra.put("output", out.toString());
            if (guidance.active()) {
                extra.put("guide_with", guidance.guideWith.toString());
                extra.put("guidance", guidance.weight);
            }
            if (classLabel != null) {
                extra.put("class", classLabel);
                extra.put("cfg_weight", cfgWeight);
            }
            extra.put("steps", plan.isAdaptive() ? "adaptive" : plan.solver() + " on " + Arrays.toString(plan.grid()));
            extra.put("nfe", g.nfe());
            extra.put("seconds", g.seconds());
            Map<String, Object> record = RunRecord.describe("sample",
                    spec.commandLine().getParseResult().originalArgs(), c, extra);
            AtomicFiles.writeString(Path.of(out + ".run.json"),
                    new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValueAsString(record));
            System.out.printf(Locale.ROOT, "wrote %d samples to %s (%s, NFE %.1f%s, %.2f s)%n", g.count(), out,
                    c.getString("sample.solver"), g.nfe(),
                    guidance.active() ? ", guided by " + guidance.guideWith + " with w=" + guidance.weightText()
                        : classLabel != null ? ", class " + (classLabel == ClassifierFreeGuidance.SPREAD ? "spread" : classLabel)
                        + " with CFG w=" + cfgWeight : "",
                    g.seconds());
            return 0;
        }
    }
}
