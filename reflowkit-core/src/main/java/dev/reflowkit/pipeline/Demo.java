package dev.reflowkit.pipeline;

import ai.djl.ndarray.NDManager;
import dev.reflowkit.config.Config;
import dev.reflowkit.engine.Engines;
import dev.reflowkit.eval.EvalRun;
import dev.reflowkit.eval.MetricsReport;
import dev.reflowkit.eval.PointEvaluation;
import dev.reflowkit.metrics.PointMetricSummary;
import dev.reflowkit.train.FlowTrainer;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The main job: train a teacher on a 2-D data set, then score it at every NFE of
 * {@code eval.nfe} and with the adaptive reference solver, writing {@code DIR/metrics.json}.
 * Work already done in {@code DIR} (a finished or interrupted teacher) is reused.
 */
public final class Demo {

    private Demo() {}

    /**
     * Runs the demo.
     *
     * @param config the resolved configuration
     * @param outputDir the demo directory
     * @param args the command line, for the run record
     * @param out where to print the summary
     * @return the metrics report (also written to {@code DIR/metrics.json})
     * @throws IOException if outputs cannot be written
     */
    public static MetricsReport run(Config config, Path outputDir, List<String> args, PrintStream out)
            throws IOException {
        Path teacherDir = outputDir.resolve("teacher");
        RunRecord.write(outputDir, "demo", args, config, java.util.Map.of());
        out.println("== teacher: training on " + config.getString("data.source") + " -> " + teacherDir);
        FlowTraining.run(config, teacherDir, true, args, null);
        MetricsReport report = evaluateTeacher(config, teacherDir.resolve(FlowTrainer.FINAL_CHECKPOINT), out);
        report.write(outputDir.resolve("metrics.json"));
        out.println("== wrote " + outputDir.resolve("metrics.json"));
        return report;
    }

    /**
     * Scores a teacher checkpoint at {@code eval.nfe} and with the adaptive reference.
     *
     * @param config the configuration (data, eval and sample sections)
     * @param checkpoint the teacher checkpoint
     * @param out where to print progress
     * @return the report
     * @throws IOException if the data cannot be read
     */
    public static MetricsReport evaluateTeacher(Config config, Path checkpoint, PrintStream out) throws IOException {
        int count = config.getInt("eval.count");
        int repeats = config.getInt("eval.repeats");
        PointData data = PointData.load(config.getString("data.source"), config.getInt("data.train_count"),
                count, config.getLong("seed"));
        PointEvaluation evaluation = new PointEvaluation(data.eval(), count, repeats, config.getLong("seed"),
                config.getInt("sample.batch_size"));
        try (NDManager manager = Engines.newManager()) {
            TrainedModel teacher = TrainedModel.load(checkpoint, config.getString("sample.weights").equals("ema"),
                    manager);
            PointMetricSummary floor = evaluation.floor();
            out.println(row("floor (data vs data)", "-", floor));
            List<EvalRun> runs = new ArrayList<>();
            String solver = config.getString("eval.solver");
            String grid = config.getString("eval.grid");
            for (int nfe : config.getIntList("eval.nfe")) {
                EvalRun r = evaluation.evaluate("teacher", teacher.field(), teacher.sampleShape(),
                        Components.plan(config, solver, grid, nfe), solver, grid, manager);
                runs.add(r);
                out.println(row("teacher " + solver + "/" + grid, fmtNfe(r.nfe()), r.metrics()));
            }
            String ref = config.getString("eval.reference");
            EvalRun r = evaluation.evaluate("teacher", teacher.field(), teacher.sampleShape(),
                    Components.plan(config, ref, "uniform", 0), ref, "adaptive", manager);
            runs.add(r);
            out.println(row("teacher " + ref, fmtNfe(r.nfe()), r.metrics()));
            return new MetricsReport(evaluation.dataDescription(), count, repeats, floor, runs);
        }
    }

    private static String fmtNfe(double nfe) {
        return nfe == Math.rint(nfe) ? Long.toString((long) nfe) : String.format(Locale.ROOT, "%.1f", nfe);
    }

    private static String row(String name, String nfe, PointMetricSummary m) {
        return String.format(Locale.ROOT, "  %-28s NFE %-6s W2 %.4f ± %.4f   energy %.5f   MMD %.5f",
                name, nfe, m.w2().mean(), m.w2().std(), m.energy().mean(), m.mmd().mean());
    }
}
