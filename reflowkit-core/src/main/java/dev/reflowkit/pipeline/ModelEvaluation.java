package dev.reflowkit.pipeline;

import ai.djl.ndarray.NDManager;
import dev.reflowkit.config.Config;
import dev.reflowkit.engine.Engines;
import dev.reflowkit.eval.EvalRun;
import dev.reflowkit.eval.EvalSetting;
import dev.reflowkit.eval.MetricsReport;
import dev.reflowkit.eval.SampleEvaluation;
import dev.reflowkit.metrics.MetricSummaries;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * Scores trained models side by side: every model at every NFE of {@code eval.nfe} with
 * {@code eval.solver} on {@code eval.grid} (and each of {@code eval.extra_grids}) and with the
 * adaptive reference solver (from the same noise, giving each few-step run its discretization
 * error), all against the same held-out data and floor.
 */
public final class ModelEvaluation {

    private ModelEvaluation() {}

    /**
     * Evaluates models.
     *
     * @param config the configuration (data, eval and sample sections)
     * @param models model names to checkpoints, the teacher first
     * @param out where to print one line per run
     * @return the report
     * @throws IOException if the data cannot be read
     */
    public static MetricsReport evaluate(Config config, Map<String, Path> models, PrintStream out) throws IOException {
        return evaluate(config, models, out, true);
    }

    /**
     * Evaluates models, optionally without the adaptive reference runs (cheaper; no
     * discretization error).
     *
     * @param config the configuration (data, eval and sample sections)
     * @param models model names to checkpoints
     * @param out where to print one line per run
     * @param withReference whether to add each model's adaptive reference run
     * @return the report
     * @throws IOException if the data cannot be read
     */
    public static MetricsReport evaluate(Config config, Map<String, Path> models, PrintStream out,
            boolean withReference) throws IOException {
        return evaluate(config, models, out, withReference, null);
    }

    /**
     * Evaluates models, keeping each finished part in a journal so that a killed evaluation
     * resumes where it stopped (see {@link EvaluationJournal}); the report equals an
     * uninterrupted run's.
     *
     * @param config the configuration (data, eval and sample sections)
     * @param models model names to checkpoints
     * @param out where to print one line per run
     * @param withReference whether to add each model's adaptive reference run
     * @param journalDir the journal's directory; null for none
     * @return the report
     * @throws IOException if the data cannot be read or a part cannot be stored
     */
    public static MetricsReport evaluate(Config config, Map<String, Path> models, PrintStream out,
            boolean withReference, Path journalDir) throws IOException {
        int count = config.getInt("eval.count");
        int repeats = config.getInt("eval.repeats");
        RunData data = RunData.load(config);
        boolean ema = config.getString("sample.weights").equals("ema");
        String solver = config.getString("eval.solver");
        String ref = config.getString("eval.reference");
        EvaluationJournal journal = journalDir == null ? null : EvaluationJournal.open(journalDir, config);
        List<EvalRun> runs = new ArrayList<>();
        try (NDManager manager = Engines.newManager()) {
            SampleEvaluation evaluation = Evaluations.create(config, data, count, manager, out);
            MetricSummaries floor = floor(evaluation, journal, out);
            EvalSetting reference = new EvalSetting(ref, SampleEvaluation.ADAPTIVE_GRID,
                    Components.plan(config, ref, "uniform", 0));
            for (Map.Entry<String, Path> m : models.entrySet()) {
                try (NDManager sub = manager.newSubManager()) {
                    TrainedModel model = TrainedModel.load(m.getValue(), ema, sub);
                    List<EvalSetting> settings = settings(config, solver, m.getValue(), model, sub, out);
                    runs.addAll(evaluateModel(evaluation, m.getKey(), m.getValue(), model, settings,
                            withReference ? reference : null, journal, sub, out));
                }
            }
            if (journal != null) {
                journal.report(out);
            }
            return new MetricsReport(evaluation.dataDescription(), count, repeats, floor, runs);
        }
    }

    /**
     * The floor of an evaluation (data against data), kept in its journal: the part of a pipeline's
     * evaluation that every model's needs, made once before them. With image data it also trains
     * the feature network, or loads it from the cache.
     *
     * @param config the configuration (data, eval and sample sections)
     * @param out where to print progress and the floor's row
     * @param journalDir the journal's directory
     * @return the floor
     * @throws IOException if the data cannot be read or the floor cannot be stored
     */
    public static MetricSummaries floor(Config config, PrintStream out, Path journalDir) throws IOException {
        RunData data = RunData.load(config);
        try (NDManager manager = Engines.newManager()) {
            SampleEvaluation evaluation = Evaluations.create(config, data, config.getInt("eval.count"), manager, out);
            return floor(evaluation, EvaluationJournal.open(journalDir, config), out);
        }
    }

    /** The floor from the journal, or computed (and stored when there is a journal). */
    private static MetricSummaries floor(SampleEvaluation evaluation, EvaluationJournal journal, PrintStream out)
            throws IOException {
        MetricSummaries floor = journal == null ? null : journal.floor();
        if (floor == null) {
            floor = evaluation.floor();
            if (journal != null) {
                journal.putFloor(floor);
            }
        }
        out.println(row("floor (data vs data)", "-", floor));
        return floor;
    }

    /**
     * One model's runs: the settings in order, then the reference run (when there is one). With a
     * journal, stored runs are read back and new ones stored as they finish.
     */
    private static List<EvalRun> evaluateModel(SampleEvaluation evaluation, String name, Path checkpoint,
            TrainedModel model, List<EvalSetting> settings, EvalSetting reference, EvaluationJournal journal,
            NDManager manager, PrintStream out) throws IOException {
        EvalRun[] found = new EvalRun[settings.size()];
        boolean todo = false;
        for (int i = 0; i < settings.size(); i++) {
            found[i] = journal == null ? null : journal.run(name, checkpoint, settings.get(i));
            todo |= found[i] == null;
        }
        EvalRun refRun = reference == null || journal == null ? null : journal.run(name, checkpoint, reference);
        List<float[]> refSamples = refRun == null || !todo ? null
                : journal.referenceSamples(name, checkpoint, reference, evaluation.repeats());
        if (reference != null && (refRun == null || (todo && refSamples == null))) {
            SampleEvaluation.Reference r = evaluation.reference(name, model.field(), model.sampleShape(), reference,
                    manager);
            if (journal != null) {
                journal.putReferenceSamples(name, checkpoint, reference, r.samples());
                journal.putRun(checkpoint, reference, r.run());
            }
            refRun = r.run();
            refSamples = r.samples();
        }
        if (refRun != null) {
            out.println(row(refRun));
        }
        List<EvalRun> runs = new ArrayList<>();
        for (int i = 0; i < settings.size(); i++) {
            EvalSetting s = settings.get(i);
            if (found[i] != null) {
                out.println(row(found[i]) + "   (stored)");
                runs.add(found[i]);
                continue;
            }
            EvalRun r = reference != null
                    ? evaluation.evaluateAgainst(name, model.field(), model.sampleShape(), List.of(s), refSamples,
                            manager, null).get(0)
                    : evaluation.evaluate(name, model.field(), model.sampleShape(), s.plan(), s.solver(), s.grid(),
                            manager);
            if (journal != null) {
                journal.putRun(checkpoint, s, r); // at once: a kill after this keeps it
            }
            out.println(row(r));
            runs.add(r);
        }
        if (refRun != null) {
            runs.add(refRun);
        }
        return runs;
    }

    /**
     * A model's few-step settings: {@code eval.grid}, then each of {@code eval.extra_grids}, at
     * every NFE of {@code eval.nfe}; grid {@value GridTuning#NAME} is the model's own tuned grid
     * (tuned now where none is recorded beside its checkpoint).
     *
     * @param config the configuration
     * @param solver the fixed-step solver
     * @param checkpoint the model's checkpoint
     * @param model the loaded model (its unguided field is what a grid is tuned for)
     * @param manager the manager for tuning
     * @param out where a tuning reports
     * @return the settings, grid by grid, NFE by NFE
     * @throws IOException if the checkpoint's tuned grids cannot be read
     */
    public static List<EvalSetting> settings(Config config, String solver, Path checkpoint, TrainedModel model,
            NDManager manager, PrintStream out) throws IOException {
        Set<String> grids = new LinkedHashSet<>();
        grids.add(config.getString("eval.grid"));
        grids.addAll(config.getStringList("eval.extra_grids"));
        GridTuning tuning = grids.contains(GridTuning.NAME)
                ? new GridTuning(config, checkpoint, model.field(), model.sampleShape(), manager, out)
                : null;
        List<EvalSetting> settings = new ArrayList<>();
        for (String grid : grids) {
            for (int nfe : config.getIntList("eval.nfe")) {
                settings.add(new EvalSetting(solver, grid, Components.plan(config, solver, grid, nfe, tuning)));
            }
        }
        return settings;
    }

    private static String fmtNfe(double nfe) {
        return nfe == Math.rint(nfe) ? Long.toString((long) nfe) : String.format(Locale.ROOT, "%.1f", nfe);
    }

    private static String row(EvalRun r) {
        String name = r.model() + " " + r.solver() + (r.grid().equals(SampleEvaluation.ADAPTIVE_GRID) ? "" : "/" + r.grid());
        String line = row(name, fmtNfe(r.nfe()), r.metrics());
        if (r.trajectory() != null && r.trajectory().discretizationRms() != null) {
            line += String.format(Locale.ROOT, "   disc. RMS %.4f", r.trajectory().discretizationRms().mean());
        }
        return line;
    }

    private static String row(String name, String nfe, MetricSummaries m) {
        StringBuilder sb = new StringBuilder(String.format(Locale.ROOT, "  %-32s NFE %-6s", name, nfe));
        m.values().forEach((k, v) -> {
            sb.append(String.format(Locale.ROOT, "   %s %.5g", k, v.mean()));
            if (k.equals(m.primary()) && v.count() > 1) {
                sb.append(String.format(Locale.ROOT, " ± %.3g", v.std()));
            }
        });
        return sb.toString();
    }
}
