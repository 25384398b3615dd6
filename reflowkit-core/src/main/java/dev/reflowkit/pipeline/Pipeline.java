package dev.reflowkit.pipeline;

import ai.djl.ndarray.NDManager;
import dev.reflowkit.config.Config;
import dev.reflowkit.config.ConfigLoader;
import dev.reflowkit.config.ReflowConfig;
import dev.reflowkit.config.Presets;
import dev.reflowkit.engine.Engines;
import dev.reflowkit.eval.MetricsReport;
import dev.reflowkit.io.AtomicFiles;
import dev.reflowkit.io.DirectoryLock;
import dev.reflowkit.report.HtmlReport;
import dev.reflowkit.train.Checkpoints;
import dev.reflowkit.train.FlowTrainer;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The end-to-end job: teacher -> pairs -> ReFlow models -> evaluation, in one directory:
 *
 * <pre>
 * DIR/teacher/                     the teacher run (model.ckpt, log, checkpoints), unless
 *                                  pipeline.teacher names one (imported or trained before)
 * DIR/pairs/round1/backward/       pair stores drawn from the teacher (forward, projected too)
 * DIR/reflow/PRESET/               one ReFlow run per preset of pipeline.models
 * DIR/pairs/PRESET-round2/...      with reflow.rounds > 1: pairs from the previous round's model
 * DIR/metrics.json                 every model at every eval.nfe, the teacher's reference, the floor
 * DIR/report.html                  plots and tables of all of it, one self-contained page
 * </pre>
 *
 * <p>Every stage resumes or skips work already done in {@code DIR}, so rerunning the same command
 * after an interruption continues where it stopped. Before the first stage, {@link Preflight}
 * checks every stage's settings against the data, so a setting that cannot work stops the job
 * before it trains anything.
 *
 * <p>Locks ({@link DirectoryLock}): the pipeline holds {@code DIR}'s lock from start to end, and
 * each stage holds its own directory's while it runs ({@code DIR/teacher}, each pair store, each
 * ReFlow run), so a second pipeline on {@code DIR} is refused at once, and a {@code reflow train}
 * or {@code reflow pairs} into a stage's directory is refused while that stage runs. The locks
 * nest without deadlock because no two of them are on the same directory.
 */
public final class Pipeline {

    private Pipeline() {}

    /**
     * Runs the pipeline.
     *
     * @param config the configuration (the teacher's; ReFlow models lay their preset on top)
     * @param dir the pipeline directory
     * @param args the command line, for the run records
     * @param out where to print progress
     * @return the metrics report (also written to {@code DIR/metrics.json})
     * @throws IOException if outputs cannot be written
     * @throws IllegalArgumentException if a setting cannot work with the data ({@link Preflight#pipeline}):
     *     before any stage starts and before anything is written
     * @throws dev.reflowkit.io.DirectoryLockedException if another job holds {@code DIR}
     */
    @SuppressWarnings("try") // the lock is held for the block
    public static MetricsReport run(Config config, Path dir, List<String> args, PrintStream out) throws IOException {
        Config resolved = withGivenTeacher(config);
        // every check the configuration and the data allow, before the first stage writes anything
        Preflight.pipeline(resolved).notes().forEach(note -> out.println("== " + note));
        try (DirectoryLock lock = DirectoryLock.acquire(dir)) {
            return runLocked(resolved, dir, args, out);
        }
    }

    private static MetricsReport runLocked(Config resolved, Path dir, List<String> args, PrintStream out)
            throws IOException {
        AtomicFiles.deleteLeftovers(dir); // temporary files of writes a kill interrupted
        StageTimes stages = new StageTimes(dir, "pipeline", args, resolved);
        Path teacher = stages.run("teacher", () -> teacher(resolved, dir, args, out));

        Map<String, Path> models = new LinkedHashMap<>();
        models.put("teacher", teacher);
        Set<Path> stores = new HashSet<>();
        for (String preset : resolved.getStringList("pipeline.models")) {
            Path current = teacher;
            int rounds = resolved.getInt("reflow.rounds");
            for (int round = 1; round <= rounds; round++) {
                Path pairsDir = dir.resolve("pairs").resolve(round == 1 ? "round1" : preset + "-round" + round);
                Config model = modelConfig(resolved, preset, current, pairsDir);
                Path from = current;
                for (String direction : model.getStringList("reflow.directions")) {
                    Path store = pairsDir.resolve(direction);
                    if (!stores.add(store)) {
                        continue; // made for an earlier model of this run: one stage, listed once
                    }
                    out.println("== pairs: " + direction + " from " + current + " -> " + store);
                    stages.run(dir.relativize(store).toString(), () -> {
                        PairStages.generate(model, from, direction, store, out);
                        return null;
                    });
                }
                String name = rounds == 1 ? preset : preset + "-round" + round;
                Path modelDir = dir.resolve("reflow").resolve(name);
                out.println("== reflow: " + name + " -> " + modelDir);
                stages.run(dir.relativize(modelDir).toString(), () -> {
                    FlowTraining.run(model, modelDir, true, args, null);
                    return null;
                });
                current = modelDir.resolve(FlowTrainer.FINAL_CHECKPOINT);
            }
            models.put(preset, current);
        }
        out.println("== evaluation");
        MetricsReport report = stages.run("evaluation",
                () -> ModelEvaluation.evaluate(resolved, models, out, true, dir.resolve("evaluation")));
        report.write(dir.resolve("metrics.json"));
        out.println("== wrote " + dir.resolve("metrics.json"));
        stages.run("report", () -> {
            PipelineReport.write(resolved, models, report, dir.resolve(HtmlReport.FILE_NAME));
            return null;
        });
        out.println("== wrote " + dir.resolve(HtmlReport.FILE_NAME));
        stages.finish(out);
        return report;
    }

    /**
     * The teacher of a pipeline or ablation directory: {@code pipeline.teacher} when it names one
     * (imported, or trained before), else {@code DIR/teacher}, trained (or resumed) now.
     *
     * @param config the configuration
     * @param dir the pipeline directory
     * @param args the command line, for the run record
     * @param out where to print progress
     * @return the teacher checkpoint
     * @throws IOException if the teacher cannot be trained
     */
    static Path teacher(Config config, Path dir, List<String> args, PrintStream out) throws IOException {
        String given = config.getString("pipeline.teacher");
        if (!given.isEmpty()) {
            out.println("== teacher: " + given + " (pipeline.teacher)");
            return Path.of(given);
        }
        Path teacherDir = dir.resolve("teacher");
        out.println("== teacher: " + config.getString("data.source") + " -> " + teacherDir);
        FlowTraining.run(config, teacherDir, true, args, null);
        return teacherDir.resolve(FlowTrainer.FINAL_CHECKPOINT);
    }

    /**
     * With {@code pipeline.teacher} set, the configuration takes the teacher's {@code model.*} and
     * {@code data.*} settings (the ReFlow models share its architecture and data; an imported
     * teacher is {@code model.type torchscript}); otherwise it is unchanged.
     *
     * @param config the configuration
     * @return the configuration the pipeline runs with
     * @throws dev.reflowkit.train.CheckpointException if the teacher cannot be read
     */
    static Config withGivenTeacher(Config config) {
        String given = config.getString("pipeline.teacher");
        if (given.isEmpty()) {
            return config;
        }
        Config stored;
        try (NDManager m = Engines.newManager()) {
            stored = ConfigLoader.fromMap(ReflowConfig.schema(), Checkpoints.read(Path.of(given), m).config());
        }
        Config c = config;
        for (Map.Entry<String, Object> e : stored.toFlatMap().entrySet()) {
            if (e.getKey().startsWith("model.") || e.getKey().startsWith("data.")) {
                c = c.with(e.getKey(), e.getValue());
            }
        }
        return c;
    }

    /**
     * The configuration of one ReFlow model: the base configuration with the preset laid on top,
     * then {@code pipeline.reflow_set}, then the teacher and the pair stores it trains on.
     *
     * @param base the pipeline's configuration
     * @param preset the preset
     * @param teacher the checkpoint to initialise from and draw pairs with
     * @param pairsDir the folder of this round's pair stores
     * @return the model's configuration
     */
    public static Config modelConfig(Config base, String preset, Path teacher, Path pairsDir) {
        Config c = Presets.overlay(base, preset);
        for (String setting : base.getStringList("pipeline.reflow_set")) {
            int eq = setting.indexOf('=');
            String key = setting.substring(0, eq).trim();
            c = c.with(key, c.schema().option(key).parse(setting.substring(eq + 1).trim()));
        }
        List<String> stores = new ArrayList<>();
        for (String direction : c.getStringList("reflow.directions")) {
            stores.add(pairsDir.resolve(direction).toString());
        }
        return c.with("reflow.teacher", teacher.toString()).with("reflow.pairs", stores);
    }
}
