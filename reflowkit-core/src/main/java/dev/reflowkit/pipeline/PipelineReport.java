package dev.reflowkit.pipeline;

import ai.djl.ndarray.NDManager;
import dev.reflowkit.config.Config;
import dev.reflowkit.data.PointSet;
import dev.reflowkit.engine.Engines;
import dev.reflowkit.eval.MetricsReport;
import dev.reflowkit.report.HtmlReport;
import dev.reflowkit.report.ReportData;
import dev.reflowkit.report.ReportSampler;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * Writes a pipeline's {@code report.html}: its metrics, sample scatter plots of every model at
 * every {@code eval.nfe}, trajectories of every model at the largest {@code eval.nfe} (teacher vs
 * ReFlow from the same noise), and the configuration.
 */
final class PipelineReport {

    private PipelineReport() {}

    /**
     * Renders and writes the report.
     *
     * @param config the pipeline configuration
     * @param models model names to checkpoints, the teacher first
     * @param metrics the evaluation
     * @param file the target file
     * @throws IOException if the data cannot be read or the file written
     */
    static void write(Config config, Map<String, Path> models, MetricsReport metrics, Path file) throws IOException {
        int count = config.getInt("eval.count");
        RunData data = RunData.load(config);
        ReportData.Builder report = ReportData.builder()
                .setTitle("ReflowKit pipeline: " + String.join(", ", models.keySet()))
                .optDate(Instant.now())
                .optDataName(metrics.data())
                .addFacts(RunRecord.versions())
                .addMetrics(metrics)
                .optConfigYaml(config.toYaml());
        PointSet reference = data.eval().reference(0, count);
        if (data.isImages()) {
            // Real images beside the models' grids, for comparison (labelled NFE 0).
            report.addImages("data", 0, data.sampleShape(), reference.head(Math.min(64, reference.n())));
        } else {
            report.optReference(reference);
        }
        ReportSampler sampler = ReportSampler.builder().optSampleCount(count)
                .optBatchSize(config.getInt("sample.batch_size")).optSeed(config.getLong("seed")).build();
        List<Integer> nfes = config.getIntList("eval.nfe");
        int trajectoryNfe = nfes.stream().mapToInt(Integer::intValue).max().orElse(9);
        String solver = config.getString("eval.solver");
        String grid = config.getString("eval.grid");
        boolean ema = config.getString("sample.weights").equals("ema");
        try (NDManager manager = Engines.newManager()) {
            for (Map.Entry<String, Path> m : models.entrySet()) {
                try (NDManager sub = manager.newSubManager()) {
                    TrainedModel model = TrainedModel.load(m.getValue(), ema, sub);
                    GridTuning tuning = grid.equals(GridTuning.NAME)
                            ? new GridTuning(config, m.getValue(), model.field(), model.sampleShape(), sub, System.out)
                            : null;
                    for (int nfe : nfes) {
                        sampler.addSamples(report, m.getKey(), model.field(), model.sampleShape(),
                                Components.plan(config, solver, grid, nfe, tuning), sub);
                    }
                    sampler.addTrajectories(report, m.getKey(), model.field(), model.sampleShape(),
                            Components.plan(config, solver, grid, trajectoryNfe, tuning), sub);
                }
            }
        }
        HtmlReport.write(file, report.build(), data.isImages());
    }
}
