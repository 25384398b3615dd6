package dev.reflowkit.pipeline;

import ai.djl.ndarray.NDManager;
import ai.djl.pytorch.jni.JniUtils;
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
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
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
 *
 * <p>Stages ({@link #stages}): the teacher; each pair store and each ReFlow training; the
 * evaluation's floor; one evaluation per model; then the metrics and the report, made from the
 * evaluation's journal. With a {@link StageLauncher} and {@code pipeline.jobs} above 1, stages
 * that do not need each other run side by side in child processes ({@link StageSchedule}): on a
 * CPU of few cores, two one-thread trainings do more work than one training on all of them.
 */
public final class Pipeline {

    private static final String TEACHER = "teacher";
    private static final String EVALUATION = "evaluation";

    private Pipeline() {}

    /**
     * One stage of a pipeline: its name, the stages it needs finished first, whether it runs
     * beside the others, and its work.
     *
     * @param beside whether, with stages side by side, it runs on one engine thread outside the
     *     count of {@code pipeline.jobs}, without taking threads from the others (the evaluation's
     *     floor beside the teacher, whose two lanes leave part of the second core unused)
     */
    record Stage(String name, List<String> needs, boolean beside, StageTimes.Work<?> work) {

        /** A stage that takes its slot among {@code pipeline.jobs}. */
        Stage(String name, List<String> needs, StageTimes.Work<?> work) {
            this(name, needs, false, work);
        }

        @Override
        public String toString() {
            return name + " (after " + needs + ")";
        }
    }

    /** The stages of a pipeline in plan order (each after the stages it needs), and its models. */
    private record Plan(List<Stage> stages, Map<String, Path> models) {}

    /**
     * Runs the pipeline in this process, one stage after another.
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
    public static MetricsReport run(Config config, Path dir, List<String> args, PrintStream out) throws IOException {
        return run(config, dir, args, out, null);
    }

    /**
     * Runs the pipeline, with {@code pipeline.jobs} stages at a time in child processes that the
     * launcher starts ({@link StageSchedule}), or one after another in this process when it is 1 or
     * there is no launcher. The metrics and the report are made in this process from the
     * evaluation's journal once every stage has finished.
     *
     * @param config the configuration (the teacher's; ReFlow models lay their preset on top)
     * @param dir the pipeline directory
     * @param args the command line, for the run records
     * @param out where to print progress
     * @param launcher starts a stage in a child process; null runs every stage in this process
     * @return the metrics report (also written to {@code DIR/metrics.json})
     * @throws IOException if outputs cannot be written or a stage fails
     * @throws IllegalArgumentException if a setting cannot work with the data ({@link Preflight#pipeline}):
     *     before any stage starts and before anything is written
     * @throws dev.reflowkit.io.DirectoryLockedException if another job holds {@code DIR}
     */
    @SuppressWarnings("try") // the lock is held for the block
    public static MetricsReport run(Config config, Path dir, List<String> args, PrintStream out,
            StageLauncher launcher) throws IOException {
        Config resolved = withGivenTeacher(config);
        // every check the configuration and the data allow, before the first stage writes anything
        Preflight.pipeline(resolved).notes().forEach(note -> out.println("== " + note));
        try (DirectoryLock lock = DirectoryLock.acquire(dir)) {
            return runLocked(resolved, dir, args, out, launcher);
        }
    }

    /**
     * Runs one stage of a pipeline, as a child process started by a {@link StageLauncher} does:
     * without the pipeline directory's lock (the parent holds it; the stage takes its own
     * directory's) and without the preflight (the parent ran it).
     *
     * @param config the pipeline's configuration, as given to {@link #run}
     * @param dir the pipeline directory
     * @param args the command line, for the stage's run record
     * @param stage the stage's name (one of {@link #stages})
     * @param out where to print progress
     * @throws IOException if the stage fails
     * @throws IllegalArgumentException if the pipeline has no such stage
     */
    public static void runStage(Config config, Path dir, List<String> args, String stage, PrintStream out)
            throws IOException {
        List<Stage> stages = plan(withGivenTeacher(config), dir, args, out).stages();
        for (Stage s : stages) {
            if (s.name().equals(stage)) {
                s.work().run();
                return;
            }
        }
        throw new IllegalArgumentException("this pipeline has no stage '" + stage + "'; its stages: "
                + stages.stream().map(Stage::name).toList());
    }

    /**
     * In a stage's child process: follows the schedule's requests on {@code in} (the child's
     * standard input), in a daemon thread: a line {@code threads N} makes the stage's sampling run
     * on N engine threads from its next network evaluation on ({@link
     * Engines#requestSamplingThreads}); the schedule sends it when nothing else can run until the stage ends.
     *
     * @param in the requests, one per line, until end of input
     */
    public static void followScheduleRequests(InputStream in) {
        Thread t = new Thread(() -> {
            try (BufferedReader r = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8))) {
                for (String line = r.readLine(); line != null; line = r.readLine()) {
                    Integer threads = StageSchedule.threadsRequested(line);
                    if (threads != null) {
                        Engines.requestSamplingThreads(threads);
                    }
                }
            } catch (IOException e) {
                // no more requests: the stage goes on as it is
            }
        }, "reflowkit-stage-requests");
        t.setDaemon(true);
        t.start();
    }

    /**
     * The names of a pipeline's stages in plan order, the final metrics and report (made in the
     * pipeline's own process) not included.
     *
     * @param config the pipeline's configuration
     * @param dir the pipeline directory
     * @return the stage names
     */
    public static List<String> stages(Config config, Path dir) {
        return plan(withGivenTeacher(config), dir, List.of(), System.out).stages().stream().map(Stage::name).toList();
    }

    /**
     * The stages that run {@code pipeline.jobs} gives: 0 stands for 2 for a U-Net on a CPU whose
     * engine runs 2 or more threads, else 1 (the 2-D MLP's stages take seconds, less than starting
     * a process for each).
     *
     * @param config the configuration
     * @return the most stages at a time
     */
    static int jobs(Config config) {
        int jobs = config.getInt("pipeline.jobs");
        if (jobs > 0) {
            return jobs;
        }
        boolean unet = config.getString("model.type").equals("unet");
        return unet && !Engines.engine().defaultDevice().isGpu() && JniUtils.getNumThreads() >= 2 ? 2 : 1;
    }

    private static MetricsReport runLocked(Config resolved, Path dir, List<String> args, PrintStream out,
            StageLauncher launcher) throws IOException {
        AtomicFiles.deleteLeftovers(dir); // temporary files of writes a kill interrupted
        StageTimes times = new StageTimes(dir, "pipeline", args, resolved);
        Plan plan = plan(resolved, dir, args, out);
        int jobs = launcher == null ? 1 : jobs(resolved);
        if (jobs > 1) {
            times.setJobs(jobs);
            new StageSchedule(plan.stages(), jobs, JniUtils.getNumThreads(), launcher, times, out).run();
        } else {
            for (Stage s : plan.stages()) {
                times.run(s.name(), s.work());
            }
        }
        out.println("== metrics");
        MetricsReport report = times.run("metrics", () -> ModelEvaluation.evaluate(resolved, plan.models(), out, true,
                dir.resolve(EVALUATION)));
        report.write(dir.resolve("metrics.json"));
        out.println("== wrote " + dir.resolve("metrics.json"));
        times.run("report", () -> {
            PipelineReport.write(resolved, plan.models(), report, dir.resolve(HtmlReport.FILE_NAME));
            return null;
        });
        out.println("== wrote " + dir.resolve(HtmlReport.FILE_NAME));
        times.finish(out);
        return report;
    }

    /**
     * The plan: the teacher; per model of {@code pipeline.models} and round, its pair stores (each
     * listed once, after the model it is drawn from) and its training; the evaluation's floor (with
     * the feature network), which needs only the data and runs beside the others (with stages side
     * by side: on one thread beside the teacher, which keeps all threads); then one evaluation per
     * model, after the floor and the model. Every stage's work skips or resumes
     * what {@code DIR} already holds.
     */
    private static Plan plan(Config resolved, Path dir, List<String> args, PrintStream out) {
        List<Stage> stages = new ArrayList<>();
        stages.add(new Stage(TEACHER, List.of(), () -> teacher(resolved, dir, args, out)));
        Path teacher = teacherCheckpoint(resolved, dir);
        Map<String, Path> models = new LinkedHashMap<>();
        Map<String, String> stageOf = new LinkedHashMap<>(); // model name -> its training stage
        models.put(TEACHER, teacher);
        stageOf.put(TEACHER, TEACHER);
        Set<Path> stores = new HashSet<>();
        for (String preset : resolved.getStringList("pipeline.models")) {
            Path current = teacher;
            String currentStage = TEACHER;
            int rounds = resolved.getInt("reflow.rounds");
            for (int round = 1; round <= rounds; round++) {
                Path pairsDir = dir.resolve("pairs").resolve(round == 1 ? "round1" : preset + "-round" + round);
                Config model = modelConfig(resolved, preset, current, pairsDir);
                Path from = current;
                List<String> storeStages = new ArrayList<>();
                for (String direction : model.getStringList("reflow.directions")) {
                    Path store = pairsDir.resolve(direction);
                    String name = dir.relativize(store).toString();
                    storeStages.add(name);
                    if (!stores.add(store)) {
                        continue; // made for an earlier model of this run: one stage, listed once
                    }
                    stages.add(new Stage(name, List.of(currentStage), () -> {
                        out.println("== pairs: " + direction + " from " + from + " -> " + store);
                        return PairStages.generate(model, from, direction, store, out);
                    }));
                }
                String name = rounds == 1 ? preset : preset + "-round" + round;
                Path modelDir = dir.resolve("reflow").resolve(name);
                currentStage = dir.relativize(modelDir).toString();
                stages.add(new Stage(currentStage, storeStages, () -> {
                    out.println("== reflow: " + name + " -> " + modelDir);
                    return FlowTraining.run(model, modelDir, true, args, null);
                }));
                current = modelDir.resolve(FlowTrainer.FINAL_CHECKPOINT);
            }
            models.put(preset, current);
            stageOf.put(preset, currentStage);
        }
        Path journal = dir.resolve(EVALUATION);
        String floor = EVALUATION + "/floor";
        stages.add(new Stage(floor, List.of(), true, () -> {
            out.println("== evaluation: the floor (data against data)");
            ModelEvaluation.floor(resolved, out, journal);
            return null;
        }));
        for (Map.Entry<String, Path> m : models.entrySet()) {
            stages.add(new Stage(EVALUATION + "/" + m.getKey(), List.of(floor, stageOf.get(m.getKey())), () -> {
                out.println("== evaluation: " + m.getKey());
                return ModelEvaluation.evaluate(resolved, Map.of(m.getKey(), m.getValue()), out, true, journal);
            }));
        }
        return new Plan(List.copyOf(stages), Collections.unmodifiableMap(models));
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
        Path checkpoint = teacherCheckpoint(config, dir);
        if (!config.getString("pipeline.teacher").isEmpty()) {
            out.println("== teacher: " + checkpoint + " (pipeline.teacher)");
            return checkpoint;
        }
        Path teacherDir = checkpoint.getParent();
        out.println("== teacher: " + config.getString("data.source") + " -> " + teacherDir);
        FlowTraining.run(config, teacherDir, true, args, null);
        return checkpoint;
    }

    /** The checkpoint {@link #teacher} gives, without training it. */
    private static Path teacherCheckpoint(Config config, Path dir) {
        String given = config.getString("pipeline.teacher");
        return given.isEmpty() ? dir.resolve(TEACHER).resolve(FlowTrainer.FINAL_CHECKPOINT) : Path.of(given);
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
