package dev.reflowkit.train;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import ai.djl.nn.Parameter;
import ai.djl.training.GradientCollector;
import ai.djl.training.ParameterStore;
import ai.djl.util.Pair;
import dev.reflowkit.coupling.Coupling;
import dev.reflowkit.coupling.PairBatch;
import dev.reflowkit.engine.Engines;
import dev.reflowkit.io.AtomicFiles;
import dev.reflowkit.loss.GeneralizedLoss;
import dev.reflowkit.loss.LossValue;
import dev.reflowkit.loss.StatefulWeight;
import dev.reflowkit.path.LinearPath;
import dev.reflowkit.path.PathSample;
import dev.reflowkit.time.TimeDistribution;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.SplittableRandom;
import java.util.function.Consumer;
import java.util.function.LongConsumer;
import java.util.random.RandomGenerator;

/**
 * The flow-matching trainer: minimizes the generalized loss
 * {@code E_t E_(x0,x1) w * ||phi(v(x_t, t) - (x1 - x0))||^2} over batches from a coupling, with
 * Adam/AdamW, warm-up, global-norm clipping, an EMA of the weights, a NaN/Inf guard, a JSONL log,
 * a progress bar and periodic checkpoints from which {@code run(true)} resumes exactly (from the
 * newest intact one: a damaged newer one is skipped, see {@link CheckpointDirectory}).
 *
 * <p>Step {@code k} is a pure function of the run seed, {@code k} and the state after step
 * {@code k - 1}: its batch and times come from {@link StepRandom#forStep}, and a derived seed
 * decides the step's dropout masks ({@link dev.reflowkit.model.HostDropout#withStream}) and
 * re-seeds the engine before the forward pass (any randomness a network draws from the engine
 * itself, as an imported TorchScript module may). A resumed run therefore reproduces an
 * uninterrupted one bit for bit on the same machine, thread count and number of lanes
 * ({@link GradientLanes}: the step's network passes split over threads; one or two lanes, as the
 * automatic choice gives: with more, the order of the lanes' additions can change the last bits).
 *
 * <p>Class-conditional training ({@link Builder#optLabelDropout}): batches with labels are fed
 * to the model as {@code NDList(x_t, t, labels)}; each label is replaced by the null class
 * {@code C} with probability {@code p} (label dropout), drawn from the step's generator after the
 * batch and the times, so the drop pattern is also a pure function of the seed and step.
 */
public final class FlowTrainer {

    /** The final checkpoint's file name inside the run directory. */
    public static final String FINAL_CHECKPOINT = "model.ckpt";
    /** The log's file name inside the run directory. */
    public static final String LOG_FILE = "train_log.jsonl";

    private final Block model;
    private final NDManager manager;
    private final Coupling coupling;
    private final TimeDistribution timeDistribution;
    private final GeneralizedLoss loss;
    private final TrainSettings settings;
    private final Path outputDir;
    private final Map<String, Object> config;
    private final byte[] module;
    private final Map<String, Object> moduleDescriptor;
    private final ProgressBar progress;
    private final int classes;
    private final double labelDropout;
    private final LongConsumer stepListener;
    private final Consumer<String> warnings;

    private FlowTrainer(Builder b) {
        this.model = b.model;
        this.manager = b.manager;
        this.coupling = b.coupling;
        this.timeDistribution = b.timeDistribution;
        this.loss = b.loss;
        this.settings = b.settings;
        this.outputDir = b.outputDir;
        this.config = b.config;
        this.module = b.module;
        this.moduleDescriptor = b.moduleDescriptor;
        this.classes = b.classes;
        this.labelDropout = b.labelDropout;
        this.stepListener = b.stepListener;
        this.warnings = b.warnings;
        this.progress = b.progress != null ? b.progress : ProgressBar.onStderr(b.settings.steps());
    }

    /**
     * A new builder.
     *
     * @return the builder
     */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * Trains to {@code settings.steps()}.
     *
     * @param resume continue from the newest intact checkpoint in the output directory if there is
     *     one: newer damaged ones are set aside ({@code .damaged}) with one warning naming them and
     *     the one used
     * @return the result
     * @throws IOException if checkpoints or logs cannot be written
     * @throws CheckpointException if resuming and the directory holds checkpoints but none intact
     * @throws NonFiniteLossException if the loss or gradient norm becomes NaN/Inf
     * @throws IllegalArgumentException if not resuming and the directory already holds a run
     */
    public TrainResult run(boolean resume) throws IOException {
        Engine engine = Engines.engine();
        List<String> names = new ArrayList<>();
        List<NDArray> weights = new ArrayList<>();
        for (Pair<String, Parameter> p : model.getParameters()) {
            names.add(p.getKey());
            weights.add(p.getValue().getArray());
        }
        AdamOptimizer adam = new AdamOptimizer(settings.optimizer(), weights, manager);
        EmaWeights ema = new EmaWeights(weights, manager);
        Optional<StatefulWeight> statefulWeight = loss.weight() instanceof StatefulWeight w
                ? Optional.of(w) : Optional.empty();
        CheckpointDirectory checkpoints = new CheckpointDirectory(outputDir);
        // temporary files of writes that a kill interrupted: never taken for checkpoints, removed
        AtomicFiles.deleteLeftovers(outputDir);
        AtomicFiles.deleteLeftovers(checkpoints.path());

        long step = 0;
        long samplesSeen = 0;
        double logSum = 0;
        double logObjectiveSum = 0;
        long logCount = 0;
        if (!resume) {
            checkpoints.requireFresh();
        }
        if (resume) {
            try (NDManager loadManager = manager.newSubManager()) {
                Optional<CheckpointDirectory.Intact> intact = checkpoints.newestIntact(loadManager);
                if (intact.isPresent()) {
                    Checkpoint c = intact.get().checkpoint();
                    if (!c.parameterNames().equals(names)) {
                        throw new CheckpointException(intact.get().file(), "was written by a different model ("
                                + c.parameterNames().size() + " parameters)");
                    }
                    Checkpoints.copyInto(c.parameters(), weights, "weights");
                    ema.load(c.ema());
                    adam.load(c.adamFirst(), c.adamSecond(), c.state().step());
                    statefulWeight.ifPresent(w -> w.loadState(c.state().lossWeightState()));
                    step = c.state().step();
                    samplesSeen = c.state().samplesSeen();
                    logSum = c.state().logLossSum();
                    logObjectiveSum = c.state().logObjectiveSum();
                    logCount = c.state().logLossCount();
                    if (!intact.get().damaged().isEmpty()) {
                        warnings.accept(fallback(intact.get(), checkpoints.setAside(intact.get().damagedFiles())));
                    }
                }
            }
        }
        AtomicFiles.createDirectories(outputDir);
        ParameterStore parameterStore = new ParameterStore(manager, false);
        long startStep = step;
        long startSamples = samplesSeen;
        long t0 = System.nanoTime();
        double lastLogged = Double.NaN;
        try (TrainingLog log = TrainingLog.open(outputDir.resolve(LOG_FILE), step);
                GradientLanes lanes = GradientLanes.of(settings.lanes())) {
            while (step < settings.steps()) {
                Engines.touchExpOverflowConstant();
                SplittableRandom rng = StepRandom.forStep(settings.seed(), step, StepRandom.STREAM_BATCH);
                PairBatch batch = coupling.sample(rng, settings.batchSize());
                float[] times = timeDistribution.sample(rng, batch.batch());
                int[] labels = dropLabels(batch, rng, step);
                long dropoutSeed = StepRandom.derive(settings.seed(), step, StepRandom.STREAM_DROPOUT);
                engine.setRandomSeed((int) dropoutSeed);
                double lr = settings.schedule().at(step);
                double lossValue;
                double objectiveValue;
                double gradNorm;
                try (NDManager sub = manager.newSubManager(); NDScope scope = new NDScope()) {
                    scope.suppressNotUsedWarning();
                    Shape shape = new Shape(batch.batchShape());
                    NDArray t = sub.create(times);
                    PathSample ps = LinearPath.sample(sub.create(batch.x0(), shape), sub.create(batch.x1(), shape), t);
                    LossValue value;
                    try (GradientCollector gc = engine.newGradientCollector()) {
                        if (step == startStep) {
                            gc.zeroGradients(); // whatever earlier use left; later steps zero their own below
                        }
                        NDList input = labels == null ? new NDList(ps.xt(), t)
                                : new NDList(ps.xt(), t, sub.create(labels));
                        value = lanes.compute(gc, model, parameterStore, input, ps.target(), t, loss, dropoutSeed);
                    }
                    lossValue = value.unweightedMean().getFloat();
                    objectiveValue = value.objective().getFloat();
                    List<NDArray> grads = Gradients.of(weights);
                    gradNorm = Gradients.globalNorm(grads, sub);
                    if (!Double.isFinite(lossValue) || !Double.isFinite(objectiveValue) || !Double.isFinite(gradNorm)) {
                        throw nonFinite(step, Double.isFinite(lossValue) ? objectiveValue : lossValue, gradNorm,
                                checkpoints);
                    }
                    double clip = settings.gradClip();
                    double scale = clip > 0 && gradNorm > clip ? clip / (gradNorm + 1e-6) : 1.0;
                    adam.update(weights, grads, lr, scale);
                    samplesSeen += batch.batch();
                    ema.update(weights, EmaWeights.beta(batch.batch(), samplesSeen,
                            settings.emaHalflifeSamples(), settings.emaRampup()));
                    Gradients.zero(grads);
                }
                step++;
                stepListener.accept(step);
                logSum += lossValue;
                logObjectiveSum += objectiveValue;
                logCount++;
                double elapsed = (System.nanoTime() - t0) / 1e9;
                double sps = (samplesSeen - startSamples) / Math.max(elapsed, 1e-9);
                boolean logPoint = step % settings.logEvery() == 0 || step == settings.steps();
                if (logPoint) {
                    lastLogged = logSum / logCount;
                    Map<String, Object> rec = new LinkedHashMap<>();
                    rec.put("step", step);
                    rec.put("samples", samplesSeen);
                    rec.put("loss", lastLogged);
                    rec.put("objective", logObjectiveSum / logCount);
                    rec.put("lr", lr);
                    rec.put("grad_norm", gradNorm);
                    rec.put("samples_per_s", Math.round(sps * 10) / 10.0);
                    rec.put("elapsed_s", Math.round(elapsed * 100) / 100.0);
                    log.write(rec);
                    logSum = 0;
                    logObjectiveSum = 0;
                    logCount = 0;
                }
                progress.update(step, samplesSeen, logPoint ? lastLogged : lossValue, sps, logPoint);
                if (step % settings.checkpointEvery() == 0 || step == settings.steps()) {
                    TrainingState state = new TrainingState(step, samplesSeen,
                            statefulWeight.map(StatefulWeight::state).orElse(new double[0]), logSum, logObjectiveSum,
                            logCount);
                    Checkpoint c = new Checkpoint(state, config, coupling.sampleShape(), names, new NDList(weights), ema.weights(),
                            adam.firstMoments(), adam.secondMoments(), module, moduleDescriptor);
                    Checkpoints.write(checkpoints.fileFor(step), c);
                    checkpoints.prune(settings.keepCheckpoints());
                    if (step == settings.steps()) {
                        Checkpoints.write(outputDir.resolve(FINAL_CHECKPOINT), c);
                    }
                }
            }
        }
        Path finalCkpt = outputDir.resolve(FINAL_CHECKPOINT);
        if (startStep == settings.steps() && !Files.exists(finalCkpt)) {
            AtomicFiles.copy(checkpoints.fileFor(step), finalCkpt);
        }
        double seconds = (System.nanoTime() - t0) / 1e9;
        return new TrainResult(step, samplesSeen, lastLogged, finalCkpt, seconds,
                (samplesSeen - startSamples) / Math.max(seconds, 1e-9), startStep);
    }

    /**
     * The labels a step feeds the model: the batch's labels with label dropout applied (each
     * replaced by the null class {@code C} with probability {@code p}, one {@code nextDouble} per
     * sample), or null for an unconditional run.
     *
     * @param batch the step's batch
     * @param rng the step's generator (after the batch and times were drawn)
     * @param step the step, for messages
     * @param classes the class count C, 0 for an unconditional run
     * @param labelDropout the drop probability p
     * @return the labels, or null
     * @throws IllegalArgumentException if labels and classes do not go together
     */
    static int[] dropLabels(PairBatch batch, RandomGenerator rng, long step, int classes,
            double labelDropout) {
        int[] given = batch.labels();
        if (classes == 0) {
            if (given != null) {
                throw new IllegalArgumentException("the coupling's batches carry class labels but the trainer has"
                        + " no classes (set model.classes)");
            }
            return null;
        }
        if (given == null) {
            throw new IllegalArgumentException("a conditional model (" + classes + " classes) needs labeled"
                    + " batches; the coupling's batch at step " + (step + 1) + " has none");
        }
        int[] out = new int[given.length];
        for (int i = 0; i < given.length; i++) {
            if (given[i] < 0 || given[i] >= classes) {
                throw new IllegalArgumentException("label " + given[i] + " at step " + (step + 1)
                        + " is outside [0, " + classes + ")");
            }
            out[i] = rng.nextDouble() < labelDropout ? classes : given[i];
        }
        return out;
    }

    private int[] dropLabels(PairBatch batch, RandomGenerator rng, long step) {
        return dropLabels(batch, rng, step, classes, labelDropout);
    }

    /** The one line that reports a resume past damaged checkpoints. */
    private static String fallback(CheckpointDirectory.Intact intact, List<Path> setAside) {
        List<String> damaged = new ArrayList<>();
        for (CheckpointException e : intact.damaged()) {
            damaged.add(e.file() + " (" + e.problem() + ")");
        }
        long step = intact.checkpoint().state().step();
        long lost = CheckpointDirectory.stepOf(intact.damaged().get(0).file()) - step;
        return (damaged.size() == 1 ? "damaged checkpoint " : "damaged checkpoints ") + String.join(", ", damaged)
                + ", set aside as " + setAside.stream().map(p -> p.getFileName().toString()).toList()
                + "; resuming from " + intact.file() + " at step " + step + " (the " + lost
                + " steps after it are trained again)";
    }

    private NonFiniteLossException nonFinite(long step, double lossValue, double gradNorm,
            CheckpointDirectory checkpoints) throws IOException {
        String what = !Double.isFinite(lossValue) ? "loss " + lossValue : "gradient norm " + gradNorm;
        String last = checkpoints.latest().map(Path::toString).orElse("none yet");
        return new NonFiniteLossException("non-finite " + what + " at step " + (step + 1)
                + "; training stopped, last good checkpoint: " + last
                + " (try a lower train.lr or a smaller train.grad_clip, then --resume)");
    }

    /** The builder of {@link FlowTrainer}: every {@code set} is required. */
    public static final class Builder {
        private Block model;
        private NDManager manager;
        private Coupling coupling;
        private TimeDistribution timeDistribution;
        private GeneralizedLoss loss;
        private TrainSettings settings;
        private Path outputDir;
        private Map<String, Object> config = Map.of();
        private byte[] module;
        private Map<String, Object> moduleDescriptor;
        private ProgressBar progress;
        private int classes;
        private double labelDropout;
        private LongConsumer stepListener = step -> { };
        private Consumer<String> warnings = line -> System.err.println("reflow: warning: " + line);

        private Builder() {}

        /**
         * Sets where warnings go, one line each: a resume that skipped a damaged checkpoint says
         * which and the one it used (default: standard error, prefixed {@code reflow: warning:}).
         *
         * @param warnings the consumer of warning lines
         * @return this builder
         */
        public Builder optWarnings(Consumer<String> warnings) {
            this.warnings = Objects.requireNonNull(warnings, "warnings");
            return this;
        }

        /**
         * Sets a listener told the number of steps done after every optimizer step, before logging
         * and checkpointing (benchmarks time steps with it; default: none).
         *
         * @param listener called with {@code k} after step {@code k}
         * @return this builder
         */
        public Builder optStepListener(LongConsumer listener) {
            this.stepListener = listener == null ? step -> { } : listener;
            return this;
        }

        /**
         * Trains a class-conditional model: labeled batches, with label dropout (default: no
         * classes, unlabeled batches).
         *
         * @param classes the model's class count C, {@code > 0} (the null class is {@code C})
         * @param rate the probability {@code p} in {@code [0, 1)} of replacing a label by the null class
         * @return this builder
         * @throws IllegalArgumentException if a value is out of range
         */
        public Builder optLabelDropout(int classes, double rate) {
            if (classes <= 0) {
                throw new IllegalArgumentException("label dropout needs > 0 classes, got " + classes);
            }
            if (!(rate >= 0 && rate < 1)) {
                throw new IllegalArgumentException("label dropout must be in [0, 1), got " + rate);
            }
            this.classes = classes;
            this.labelDropout = rate;
            return this;
        }

        /**
         * Sets the initialized model and the manager owning its parameters.
         *
         * @param model the velocity network, input {@code (x, t)}
         * @param manager its parameters' manager (optimizer state and EMA go there too)
         * @return this builder
         */
        public Builder setModel(Block model, NDManager manager) {
            this.model = model;
            this.manager = manager;
            return this;
        }

        /**
         * Sets the coupling that supplies (x0, x1) batches.
         *
         * @param coupling the coupling
         * @return this builder
         */
        public Builder setCoupling(Coupling coupling) {
            this.coupling = coupling;
            return this;
        }

        /**
         * Sets the training-time distribution.
         *
         * @param timeDistribution the distribution (already clipped if desired)
         * @return this builder
         */
        public Builder setTimeDistribution(TimeDistribution timeDistribution) {
            this.timeDistribution = timeDistribution;
            return this;
        }

        /**
         * Sets the loss.
         *
         * @param loss the generalized loss
         * @return this builder
         */
        public Builder setLoss(GeneralizedLoss loss) {
            this.loss = loss;
            return this;
        }

        /**
         * Sets the optimization settings.
         *
         * @param settings the settings
         * @return this builder
         */
        public Builder setSettings(TrainSettings settings) {
            this.settings = settings;
            return this;
        }

        /**
         * Sets the run directory (checkpoints, log).
         *
         * @param outputDir the directory
         * @return this builder
         */
        public Builder setOutputDir(Path outputDir) {
            this.outputDir = outputDir;
            return this;
        }

        /**
         * Sets the resolved configuration stored in every checkpoint (default empty).
         *
         * @param config nested map
         * @return this builder
         */
        public Builder optConfig(Map<String, Object> config) {
            this.config = config;
            return this;
        }

        /**
         * Sets the TorchScript module of an imported network, stored in every checkpoint with its
         * descriptor so that the checkpoint can rebuild the network (default none).
         *
         * @param module the module archive
         * @param descriptor how to call it
         * @return this builder
         */
        public Builder optModule(byte[] module, Map<String, Object> descriptor) {
            this.module = module;
            this.moduleDescriptor = descriptor;
            return this;
        }

        /**
         * Sets the progress display (default: standard error).
         *
         * @param progress the display
         * @return this builder
         */
        public Builder optProgress(ProgressBar progress) {
            this.progress = progress;
            return this;
        }

        /**
         * Builds the trainer.
         *
         * @return the trainer
         */
        public FlowTrainer build() {
            if (model == null || manager == null || coupling == null || timeDistribution == null
                    || loss == null || settings == null || outputDir == null) {
                throw new IllegalStateException("FlowTrainer needs model, coupling, time distribution,"
                        + " loss, settings and output directory");
            }
            return new FlowTrainer(this);
        }
    }
}
