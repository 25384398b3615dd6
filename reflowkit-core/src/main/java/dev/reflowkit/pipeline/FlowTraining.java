package dev.reflowkit.pipeline;

import ai.djl.ndarray.NDManager;
import ai.djl.nn.Block;
import dev.reflowkit.config.Config;
import dev.reflowkit.config.ConfigLoader;
import dev.reflowkit.config.ReflowConfig;
import dev.reflowkit.coupling.Coupling;
import dev.reflowkit.coupling.IndependentCoupling;
import dev.reflowkit.data.LabeledPoints;
import dev.reflowkit.engine.Engines;
import dev.reflowkit.io.DirectoryLock;
import dev.reflowkit.model.ImportedModule;
import dev.reflowkit.train.Checkpoint;
import dev.reflowkit.train.CheckpointDirectory;
import dev.reflowkit.train.Checkpoints;
import dev.reflowkit.train.FlowTrainer;
import dev.reflowkit.train.ProgressBar;
import dev.reflowkit.train.TrainResult;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * Trains a flow from a configuration, in a run directory ({@code model.ckpt}, checkpoints,
 * {@code train_log.jsonl}, {@code config.yaml}, {@code run.json}).
 *
 * <ul>
 *   <li>A <b>teacher</b> (1-rectified flow, {@code reflow.teacher} empty): flow matching on the
 *       independent coupling of the configured data and N(0, I).
 *   <li>A <b>ReFlow</b> model ({@code reflow.teacher} set): initialised from the teacher's EMA
 *       weights and trained on the pairs of {@code reflow.pairs}, mixed by {@code reflow.mix},
 *       with the ReFlow phase's dropout ({@code reflow.dropout}, -1 keeps the teacher's).
 * </ul>
 *
 * <p>A class-conditional model ({@code model.classes > 0}) trains with label dropout {@code
 * model.label_dropout}: a teacher on the labelled points of its data, a ReFlow model on pairs
 * that carry the class each was drawn with. A ReFlow run's checkpoints and run record hold the configuration it trains
 * with ({@code model.dropout} = {@code reflow.dropout} where that is set). Loss normalization per
 * sample ({@code loss.weight=per-sample}) is refused on teacher runs and warned about on mixed or
 * projected pair stores: it keeps the flow-matching minimiser only where the coupling is
 * deterministic given {@code x_t} (docs/PRESETS.md). An imported teacher ({@code reflow import})
 * is fine-tuned as itself ({@code model.type torchscript}, its checkpoints carry the module), or,
 * with a ReflowKit architecture ({@code model.type mlp} or {@code unet}), distilled: that network
 * starts from scratch on the teacher's pairs.
 */
public final class FlowTraining {

    /** Options a resumed run may change; everything else must match the run it continues. */
    private static final Set<String> RESUMABLE_CHANGES = Set.of(
            "train.steps", "train.checkpoint_every", "train.log_every", "train.keep_checkpoints", "train.lanes");

    private FlowTraining() {}

    /**
     * Trains (or resumes, or finds already complete) a teacher or a ReFlow model.
     *
     * <p>Once every input is read and checked, the run directory's {@link DirectoryLock} is taken
     * and held to the end, and the directory's state (fresh, or the checkpoint to resume) is
     * checked again under it: two jobs never train into one directory.
     *
     * @param config the resolved configuration
     * @param outputDir the run directory
     * @param resume continue from the newest intact checkpoint if any (a damaged newer one is set
     *     aside with a warning, {@link FlowTrainer#run})
     * @param args the command line, for the run record
     * @param progress the progress display, or null for standard error
     * @return the training result
     * @throws IOException if the run directory cannot be written
     * @throws dev.reflowkit.io.DirectoryLockedException if another job holds the run directory
     * @throws IllegalArgumentException if not resuming over an existing run, or resuming with an
     *     incompatible configuration (nothing is written then)
     * @throws dev.reflowkit.train.CheckpointException if resuming and no checkpoint is intact
     */
    public static TrainResult run(Config config, Path outputDir, boolean resume, List<String> args,
            ProgressBar progress) throws IOException {
        boolean reflow = !config.getString("reflow.teacher").isEmpty();
        // The ReFlow phase's own dropout is what the model trains with: recorded in its checkpoints.
        double reflowDropout = config.getDouble("reflow.dropout");
        Config modelConfig = reflow && reflowDropout >= 0 ? config.with("model.dropout", reflowDropout) : config;
        // the directory's state is checked before anything is read or written, and again under its lock
        checkState(modelConfig, config, outputDir, resume, false);
        ReflowInputs inputs = reflow ? ReflowInputs.open(config) : null;
        try {
            return train(config, modelConfig, outputDir, resume, args, progress, inputs);
        } finally {
            if (inputs != null) {
                inputs.close();
            }
        }
    }

    /**
     * Checks that the run directory can take this run: no other job may hold it; without resume it
     * must hold no run; with resume, its newest intact checkpoint must have a compatible
     * configuration.
     *
     * @param locked whether this process holds the directory's lock (the check under it)
     * @return whether the run is already complete (resumed at its last step)
     */
    private static boolean checkState(Config modelConfig, Config config, Path outputDir, boolean resume,
            boolean locked) throws IOException {
        if (!locked) {
            DirectoryLock.requireFree(outputDir); // a run in progress is named as such, not as a finished one
        }
        CheckpointDirectory checkpoints = new CheckpointDirectory(outputDir);
        if (!resume) {
            checkpoints.requireFresh(); // before anything is written over the existing run
            return false;
        }
        return requireCompatible(modelConfig, config, checkpoints) >= config.getLong("train.steps");
    }

    @SuppressWarnings("try") // the lock is held for the block
    private static TrainResult train(Config config, Config modelConfig, Path outputDir, boolean resume,
            List<String> args, ProgressBar progress, ReflowInputs inputs) throws IOException {
        boolean reflow = inputs != null;
        int classes = config.getInt("model.classes");
        Coupling coupling;
        Map<String, Object> extra = new LinkedHashMap<>();
        if (reflow) {
            coupling = inputs.coupling();
            for (var store : inputs.stores()) {
                if (store.settings().classes() != classes) {
                    throw new IllegalArgumentException(store.directory() + " holds pairs of a teacher with "
                            + store.settings().classes() + " classes, but model.classes = " + classes);
                }
            }
            Preflight.loss(config, coupling.sampleShape(), "the pair stores");
            extra.putAll(inputs.describe());
            if (config.getString("loss.weight").equals("per-sample") && !inputs.deterministicCoupling()) {
                String warning = "loss.weight = per-sample on " + inputs.directions() + " pairs: with forward"
                        + " or projected pairs in the mix, 1/sg[l_i] is not the paper's 1/sg[L(x_t, t)] and"
                        + " Proposition 1 does not cover it (time-bin-ema depends on t only and does)";
                System.err.println("reflow: warning: " + warning);
                extra.put("warnings", List.of(warning));
            }
        } else {
            RunData data = RunData.load(config);
            // loss weight, model type, class count, network and loss against the data: before anything is written
            Preflight.teacher(config, Preflight.DataFacts.of(config, data));
            if (classes > 0) {
                LabeledPoints labeled = data.labeled(config);
                coupling = new IndependentCoupling(labeled.points(), labeled.labels(), data.sampleShape());
            } else {
                coupling = new IndependentCoupling(data.train(), null, data.sampleShape());
            }
            extra.put("data", data.eval().describe());
            extra.put("train_points", data.train().n());
        }
        extra.put("resume", resume);
        extra.put("lanes", Components.lanes(config));
        ImportedModule teacherModule = null;
        if (reflow) {
            try (NDManager m = Engines.newManager()) {
                teacherModule = TrainedModel.module(Checkpoints.read(Path.of(config.getString("reflow.teacher")), m));
            }
        }
        boolean imported = modelConfig.getString("model.type").equals(Components.TORCHSCRIPT);
        // An imported teacher with a ReflowKit student (model.type mlp or unet): the student cannot
        // start from the teacher's weights, so it learns the teacher's pairs from scratch (distillation).
        boolean distilled = teacherModule != null && !imported;
        if (imported) {
            extra.put("module", teacherModule.descriptor());
        }
        if (distilled) {
            extra.put("initialisation", "from scratch: a " + modelConfig.getString("model.type") + " distilled from the"
                    + " imported teacher's pairs");
        }
        try (NDManager manager = Engines.newManager()) {
            Block model = Components.model(modelConfig, coupling.sampleShape(), manager, imported ? teacherModule : null);
            if (imported && model.getParameters().isEmpty()) {
                throw new IllegalArgumentException("the imported module has no parameters ReFlow could fine-tune (an"
                        + " analytic or frozen model); train a ReflowKit network on its pairs instead, from scratch:"
                        + " --set model.type=mlp (points) or model.type=unet (images), with its model.* settings");
            }
            if (reflow && !distilled) {
                ReflowInputs.initializeFromTeacher(model, Path.of(config.getString("reflow.teacher")), manager);
            }
            // locked once every input has been read and checked: a rejected run writes nothing
            try (DirectoryLock lock = DirectoryLock.acquire(outputDir)) {
                boolean complete = checkState(modelConfig, config, outputDir, resume, true); // as it is now
                if (!complete) { // a finished run keeps the record of the command that trained it
                    RunRecord.write(outputDir, "train", args, modelConfig, extra);
                }
                FlowTrainer.Builder b = FlowTrainer.builder()
                        .setModel(model, manager)
                        .setCoupling(coupling)
                        .setTimeDistribution(Components.timeDistribution(config))
                        .setLoss(Components.loss(config))
                        .setSettings(Components.trainSettings(config))
                        .setOutputDir(outputDir)
                        .optConfig(modelConfig.toNestedMap());
                if (imported) {
                    b.optModule(teacherModule.torchscript(), teacherModule.descriptor());
                }
                if (classes > 0) {
                    b.optLabelDropout(classes, config.getDouble("model.label_dropout"));
                }
                if (progress != null) {
                    b.optProgress(progress);
                }
                return b.build().run(resume);
            }
        }
    }

    /**
     * Checks that a resumed run keeps the configuration of the run it continues; only the run
     * length, the checkpoint and log intervals, and the sampling and evaluation settings may change.
     * Checkpoints record the configuration the model trains with ({@code modelConfig}: a ReFlow
     * run's own dropout); those written before recorded the teacher's dropout ({@code config}),
     * and continue too. The checkpoint compared is the one a resume starts from: the newest intact.
     *
     * @return the step that checkpoint was written at, -1 if there is none
     */
    private static long requireCompatible(Config modelConfig, Config config, CheckpointDirectory checkpoints)
            throws IOException {
        Config stored;
        long step;
        Path checkpoint;
        try (NDManager m = Engines.newManager()) {
            Optional<CheckpointDirectory.Intact> intact = checkpoints.newestIntact(m);
            if (intact.isEmpty()) {
                return -1;
            }
            checkpoint = intact.get().file();
            Checkpoint c = intact.get().checkpoint();
            stored = ConfigLoader.fromMap(ReflowConfig.schema(), c.config());
            step = c.state().step();
        }
        boolean legacy = modelConfig != config && Objects.equals(stored.toFlatMap().get("model.dropout"),
                config.toFlatMap().get("model.dropout"));
        Map<String, Object> now = (legacy ? config : modelConfig).toFlatMap();
        Map<String, Object> then = stored.toFlatMap();
        List<String> changed = new ArrayList<>();
        for (Map.Entry<String, Object> e : now.entrySet()) {
            String key = e.getKey();
            boolean mutable = RESUMABLE_CHANGES.contains(key) || key.startsWith("sample.") || key.startsWith("eval.")
                    || key.startsWith("pairs.") || key.startsWith("pipeline.") || key.startsWith("ablate.");
            if (!mutable && !Objects.equals(e.getValue(), then.get(key))) {
                changed.add(key + " (" + then.get(key) + " -> " + e.getValue() + ")");
            }
        }
        if (!changed.isEmpty()) {
            throw new IllegalArgumentException("cannot resume " + checkpoint + " with a different configuration: "
                    + String.join(", ", changed) + "; only train.steps, the checkpoint/log intervals and the"
                    + " sample, eval, pairs, pipeline and ablate settings may change");
        }
        return step;
    }
}
