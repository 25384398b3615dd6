package dev.reflowkit.cli;

import ai.djl.ndarray.NDManager;
import dev.reflowkit.config.Config;
import dev.reflowkit.config.ConfigLoader;
import dev.reflowkit.config.ReflowConfig;
import dev.reflowkit.engine.Engines;
import dev.reflowkit.eval.GridTuner;
import dev.reflowkit.eval.TunedGrids;
import dev.reflowkit.pipeline.GridTuning;
import dev.reflowkit.pipeline.Preflight;
import dev.reflowkit.pipeline.TrainedModel;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.stream.Collectors;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code reflow tune-grid}: tunes a model's time grid per NFE budget and records it beside the checkpoint. */
@Command(name = "tune-grid", mixinStandardHelpOptions = true, versionProvider = VersionProvider.class,
        header = "Tune a model's time grid for few-step sampling at given NFE budgets.",
        description = {
            "For each --nfe, picks the monotone grid points that minimise the discretization error (mean squared"
                + " distance to the model's own dopri5 solution, sample.atol/sample.rtol) of --count samples from"
                + " held-out noise (ours, in the spirit of learned step schedules such as Align Your Steps): the"
                + " search starts from the best of the uniform, edm, sigmoid and shifted grids and moves one point at a time"
                + " (golden-section search between its neighbours, up to sample.tune_sweeps sweeps), so it is never"
                + " worse than them on that batch. Deterministic given --seed.",
            "The grids are recorded in MODEL.grids.json beside the checkpoint (with its SHA-256: retrained weights"
                + " drop them), replacing earlier ones of the same solver and NFE; reflow sample, eval and the"
                + " pipeline then use them with --grid tuned (eval.grid / eval.extra_grids: tuned)."
        })
final class TuneGridCommand implements Callable<Integer> {

    @Option(names = {"-m", "--model"}, paramLabel = "CKPT", required = true, description = "Checkpoint (model.ckpt).")
    Path model;

    @Option(names = "--nfe", split = ",", paramLabel = "N[,N...]", required = true,
            description = "NFE budgets, e.g. 2,4,6,9.")
    List<Integer> nfe;

    @Option(names = "--solver", description = "Fixed-step solver (default: the model's sample.solver).")
    String solver;

    @Option(names = {"-n", "--count"}, description = "Tuning samples (default: sample.tune_count).")
    Integer count;

    @Option(names = "--sweeps", description = "Most coordinate-descent sweeps (default: sample.tune_sweeps).")
    Integer sweeps;

    @Option(names = "--seed", description = "Seed of the tuning noise (default: the model's seed).")
    Long seed;

    @Option(names = "--weights", description = "ema or raw weights (default: sample.weights).")
    String weights;

    @Option(names = "--set", paramLabel = "KEY=VALUE", description = "Override a sample.* option, e.g."
            + " sample.atol=1e-5 (repeatable).")
    List<String> overrides = new ArrayList<>();

    /** {@inheritDoc} */
    @Override
    public Integer call() throws Exception {
        List<String> sets = new ArrayList<>();
        for (String s : overrides) {
            if (!s.startsWith("sample.")) {
                throw new IllegalArgumentException("tune-grid accepts only sample.* overrides, got " + s);
            }
        }
        if (solver != null) {
            sets.add("sample.solver=" + solver);
        }
        if (count != null) {
            sets.add("sample.tune_count=" + count);
        }
        if (sweeps != null) {
            sets.add("sample.tune_sweeps=" + sweeps);
        }
        if (weights != null) {
            sets.add("sample.weights=" + weights);
        }
        sets.addAll(overrides);
        if (seed != null) {
            sets.add("seed=" + seed);
        }
        try (NDManager manager = Engines.newManager()) {
            Config stored = TrainedModel.load(model, true, manager).config();
            Config c = ConfigLoader.fromMap(ReflowConfig.schema(), stored.toNestedMap(), sets);
            String solverName = c.getString("sample.solver");
            if (solverName.equals("dopri5")) {
                throw new IllegalArgumentException("dopri5 is adaptive: it has no grid to tune; choose a fixed-step"
                        + " solver with --solver");
            }
            Preflight.sampler(c, "--solver", solverName, null, null, "--nfe", nfe); // every budget, before any work
            TrainedModel m = TrainedModel.load(model, c.getString("sample.weights").equals("ema"), manager);
            GridTuning tuning = new GridTuning(c, model, m.field(), m.sampleShape(), manager, System.err);
            System.out.println("mean squared distance to the dopri5 solution on " + c.getInt("sample.tune_count")
                    + " held-out noise samples:");
            System.out.printf(Locale.ROOT, "%-5s %-6s %-11s %-11s %-11s %-11s %-11s %-7s %s%n", "NFE", "steps", "uniform",
                    "edm", "sigmoid", "shifted", "tuned", "gain", "tuned grid");
            for (int budget : nfe) {
                GridTuner.Result r = tuning.tune(solverName, budget);
                double bestBaseline = r.baselineErrors().values().stream().mapToDouble(Double::doubleValue).min()
                        .orElse(Double.NaN);
                System.out.printf(Locale.ROOT, "%-5d %-6d %-11.4g %-11.4g %-11.4g %-11.4g %-11.4g %-7s %s%n", budget,
                        r.times().length - 1, r.baselineErrors().get("uniform"), r.baselineErrors().get("edm"),
                        r.baselineErrors().get("sigmoid"), r.baselineErrors().get("shifted"), r.error(),
                        String.format(Locale.ROOT, "%.2fx", bestBaseline / r.error()),
                        Arrays.stream(r.times()).mapToObj(t -> String.format(Locale.ROOT, "%.4f", t))
                                .collect(Collectors.joining(", ", "[", "]")));
            }
            System.out.println("recorded in " + TunedGrids.sidecar(model) + " (gain: best fixed grid's error over the"
                    + " tuned grid's)");
            return 0;
        }
    }
}
