package dev.reflowkit.pipeline;

import ai.djl.ndarray.NDManager;
import ai.djl.nn.Block;
import dev.reflowkit.config.Config;
import dev.reflowkit.coupling.IndependentCoupling;
import dev.reflowkit.engine.Engines;
import dev.reflowkit.train.FlowTrainer;
import dev.reflowkit.train.ProgressBar;
import dev.reflowkit.train.TrainResult;
import java.io.IOException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Trains a teacher, the 1-rectified flow: flow matching on the independent coupling of the
 * configured data and N(0, I), written to a run directory ({@code model.ckpt}, checkpoints,
 * {@code train_log.jsonl}, {@code config.yaml}, {@code run.json}).
 */
public final class TeacherTraining {

    private TeacherTraining() {}

    /**
     * Trains (or resumes, or finds already complete) a teacher.
     *
     * @param config the resolved configuration
     * @param outputDir the run directory
     * @param resume continue from the newest checkpoint if any
     * @param args the command line, for the run record
     * @param progress the progress display, or null for standard error
     * @return the training result
     * @throws IOException if the run directory cannot be written
     */
    public static TrainResult run(Config config, Path outputDir, boolean resume, List<String> args,
            ProgressBar progress) throws IOException {
        PointData data = PointData.load(config.getString("data.source"), config.getInt("data.train_count"),
                config.getInt("eval.count"), config.getLong("seed"));
        Map<String, Object> extra = new LinkedHashMap<>();
        extra.put("data", data.eval().describe());
        extra.put("train_points", data.train().n());
        extra.put("resume", resume);
        RunRecord.write(outputDir, "train", args, config, extra);
        try (NDManager manager = Engines.newManager()) {
            long[] shape = {data.train().d()};
            Block model = Components.model(config, shape, manager);
            FlowTrainer.Builder b = FlowTrainer.builder()
                    .setModel(model, manager)
                    .setCoupling(new IndependentCoupling(data.train()))
                    .setTimeDistribution(Components.timeDistribution(config))
                    .setLoss(Components.loss(config))
                    .setSettings(Components.trainSettings(config))
                    .setOutputDir(outputDir)
                    .optConfig(config.toNestedMap());
            if (progress != null) {
                b.optProgress(progress);
            }
            return b.build().run(resume);
        }
    }
}
