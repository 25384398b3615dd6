package dev.reflowkit.pipeline;

import ai.djl.ndarray.NDManager;
import dev.reflowkit.config.Config;
import dev.reflowkit.engine.Engines;
import dev.reflowkit.eval.EvalRun;
import dev.reflowkit.eval.MetricsReport;
import dev.reflowkit.eval.PointEvaluation;
import dev.reflowkit.metrics.PointMetricSummary;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Scores trained models side by side: every model at every NFE of {@code eval.nfe} with
 * {@code eval.solver} on {@code eval.grid}, and the first model (the teacher) also with the
 * adaptive reference solver, all against the same held-out data and floor.
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
        int count = config.getInt("eval.count");
        int repeats = config.getInt("eval.repeats");
        PointData data = PointData.load(config.getString("data.source"), config.getInt("data.train_count"),
                count, config.getLong("seed"));
        PointEvaluation evaluation = new PointEvaluation(data.eval(), count, repeats, config.getLong("seed"),
                config.getInt("sample.batch_size"));
        boolean ema = config.getString("sample.weights").equals("ema");
        String solver = config.getString("eval.solver");
        String grid = config.getString("eval.grid");
        String ref = config.getString("eval.reference");
        List<EvalRun> runs = new ArrayList<>();
        try (NDManager manager = Engines.newManager()) {
            PointMetricSummary floor = evaluation.floor();
            out.println(row("floor (data vs data)", "-", floor));
            boolean first = true;
            for (Map.Entry<String, Path> m : models.entrySet()) {
                try (NDManager sub = manager.newSubManager()) {
                    TrainedModel model = TrainedModel.load(m.getValue(), ema, sub);
                    for (int nfe : config.getIntList("eval.nfe")) {
                        EvalRun r = evaluation.evaluate(m.getKey(), model.field(), model.sampleShape(),
                                Components.plan(config, solver, grid, nfe), solver, grid, sub);
                        runs.add(r);
                        out.println(row(m.getKey() + " " + solver + "/" + grid, fmtNfe(r.nfe()), r.metrics()));
                    }
                    if (first) {
                        EvalRun r = evaluation.evaluate(m.getKey(), model.field(), model.sampleShape(),
                                Components.plan(config, ref, "uniform", 0), ref, "adaptive", sub);
                        runs.add(r);
                        out.println(row(m.getKey() + " " + ref, fmtNfe(r.nfe()), r.metrics()));
                        first = false;
                    }
                }
            }
            return new MetricsReport(evaluation.dataDescription(), count, repeats, floor, runs);
        }
    }

    private static String fmtNfe(double nfe) {
        return nfe == Math.rint(nfe) ? Long.toString((long) nfe) : String.format(Locale.ROOT, "%.1f", nfe);
    }

    private static String row(String name, String nfe, PointMetricSummary m) {
        String std = m.w2().count() > 1 ? String.format(Locale.ROOT, " ± %.4f", m.w2().std()) : "";
        return String.format(Locale.ROOT, "  %-32s NFE %-6s W2 %.4f%s   energy %.5f   MMD %.5f",
                name, nfe, m.w2().mean(), std, m.energy().mean(), m.mmd().mean());
    }
}
