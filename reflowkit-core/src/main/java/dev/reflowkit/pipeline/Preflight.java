package dev.reflowkit.pipeline;

import dev.reflowkit.config.Config;
import dev.reflowkit.data.DataSpec;
import dev.reflowkit.data.Toy2d;
import dev.reflowkit.features.FeatureNetwork;
import dev.reflowkit.loss.HighPassFilterLoss;
import dev.reflowkit.pairs.PairDirection;
import dev.reflowkit.solver.DormandPrinceSolver;
import dev.reflowkit.solver.Samplers;
import dev.reflowkit.solver.grid.TimeGrid;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Set;
import java.util.function.Supplier;

/**
 * The checks a job makes before it starts working: everything that can be decided from its
 * configuration and the size and shape of its data, so that a setting that cannot work stops the
 * job within seconds instead of after minutes of training or pair generation ("fail before the
 * work, not after it", docs/RELIABILITY.md).
 *
 * <p>One method per concept, shared by every job that needs it: {@link #teacher} (model, loss and
 * class count against the data), {@link #pairs} (pair count, projection, guidance and the pair
 * sampler; the adaptive default of {@code pairs.forward_count}), {@link #sampler} (an NFE the
 * solver can take, a grid that can give it), {@link #evaluation} (held-out sizes, the feature
 * network's needs, the evaluation's samplers), {@link #reflowModel} (what a ReFlow recipe may
 * change). {@link #pipeline} and {@link #ablation} run all of them for every stage of their jobs;
 * {@code reflow train}, {@code pairs}, {@code sample}, {@code eval} and {@code tune-grid} call the
 * ones they need. Every refusal is an {@link IllegalArgumentException} whose message is one
 * sentence naming the setting, its value and what would work (the CLI's input error, exit code 2).
 *
 * <pre>{@code
 * Preflight.Checked checked = Preflight.pipeline(config);   // throws before any file is written
 * checked.notes().forEach(System.out::println);             // e.g. an adapted forward-pair count
 * }</pre>
 */
public final class Preflight {

    /** Model settings a ReFlow recipe may change: they do not change the teacher's parameters. */
    private static final Set<String> REFLOW_MAY_CHANGE = Set.of("model.dropout", "model.label_dropout",
            "model.zero_init");

    private Preflight() {}

    /**
     * What the checks need to know about a run's data.
     *
     * @param source the data spec ({@code data.source})
     * @param trainPoints the training samples a run uses (after {@code data.train_count})
     * @param sampleShape the shape of one sample: {@code {d}} or {@code {C, H, W}}
     * @param classes the number of label classes, 0 for unlabelled data
     * @param images whether the data are images
     * @param referenceLimit the most held-out samples an evaluation can compare with
     *     ({@link Integer#MAX_VALUE} for a generated set)
     * @param floorLimit the most samples the data-vs-data floor can draw
     */
    public record DataFacts(String source, int trainPoints, long[] sampleShape, int classes, boolean images,
            int referenceLimit, int floorLimit) {

        /**
         * The facts of loaded data.
         *
         * @param config the run configuration ({@code data.source}, {@code eval.count})
         * @param data the data it loaded
         * @return the facts
         */
        public static DataFacts of(Config config, RunData data) {
            String source = config.getString("data.source");
            if (data.isImages()) {
                return new DataFacts(source, data.train().n(), data.sampleShape(), data.classes(), true,
                        data.images().train().n(), data.images().test().n());
            }
            DataSpec spec = DataSpec.parse(source);
            if (spec.isBuiltin()) {
                return new DataFacts(source, data.train().n(), data.sampleShape(),
                        Toy2d.classes(spec.name().orElseThrow()), false, Integer.MAX_VALUE, Integer.MAX_VALUE);
            }
            int held = config.getInt("eval.count"); // a file's held-out halves, each eval.count points
            return new DataFacts(source, data.train().n(), data.sampleShape(), 0, false, held, held);
        }

        /**
         * The facts of held-out points drawn elsewhere (e.g. {@code reflow eval --data}), whose
         * size was checked where they were drawn: no training points, no labels, no size limit.
         *
         * @param source the data spec
         * @param dimension the points' dimension
         * @return the facts
         */
        public static DataFacts heldOutPoints(String source, int dimension) {
            return new DataFacts(source, 0, new long[] {dimension}, 0, false, Integer.MAX_VALUE, Integer.MAX_VALUE);
        }

        /**
         * Loads a configuration's data ({@link RunData#load}) and returns its facts.
         *
         * @param config the run configuration
         * @return the facts
         * @throws IOException if a data file is unreadable or malformed
         */
        public static DataFacts load(Config config) throws IOException {
            return of(config, RunData.load(config));
        }
    }

    /**
     * The outcome of a job's checks: the data they saw and the notes worth a line in the log
     * (defaults that adapted to the data).
     *
     * @param data the data facts
     * @param notes one line each, in the order found, without duplicates
     */
    public record Checked(DataFacts data, List<String> notes) {}

    /**
     * The number of pairs of one store, and a note when a default adapted to the data.
     *
     * @param count the pairs to generate
     * @param note a line for the log, or null
     */
    public record PairCount(int count, String note) {}

    /**
     * Checks a whole {@code reflow pipeline} (or {@code demo}) before its first stage: the
     * teacher's training (unless {@code pipeline.teacher} names one), every ReFlow recipe of
     * {@code pipeline.models} with its pair stores in every round, and the evaluation.
     *
     * @param config the pipeline's configuration (after {@link Pipeline#withGivenTeacher})
     * @return the data facts and the notes (e.g. forward pairs capped at the training points)
     * @throws IOException if the data cannot be read
     * @throws IllegalArgumentException naming the first setting that cannot work
     */
    public static Checked pipeline(Config config) throws IOException {
        DataFacts data = DataFacts.load(config);
        if (config.getString("pipeline.teacher").isEmpty()) {
            teacher(config, data);
        }
        Set<String> notes = new LinkedHashSet<>();
        int classes = config.getInt("model.classes");
        for (String preset : config.getStringList("pipeline.models")) {
            Config model = Pipeline.modelConfig(config, preset, Path.of("teacher"), Path.of("pairs"));
            String where = "pipeline.models: " + preset;
            reflowModel(config, model, where, data);
            for (String direction : model.getStringList("reflow.directions")) {
                PairCount n = within(where, () -> pairs(model, PairDirection.byName(direction), classes,
                        data.trainPoints(), data.source(), null));
                if (n.note() != null) {
                    notes.add(n.note());
                }
            }
        }
        evaluation(config, data, null);
        return new Checked(data, List.copyOf(notes));
    }

    /**
     * Checks a whole {@code reflow ablate} before its first stage: the teacher's training (unless
     * {@code pipeline.teacher} names one), every row's ReFlow configuration, the pair stores the
     * rows share, and every row's evaluation.
     *
     * @param config the ablation's configuration (after {@link Pipeline#withGivenTeacher})
     * @return the data facts and the notes
     * @throws IOException if the data cannot be read
     * @throws IllegalArgumentException naming the first setting that cannot work
     */
    public static Checked ablation(Config config) throws IOException {
        DataFacts data = DataFacts.load(config);
        if (config.getString("pipeline.teacher").isEmpty()) {
            teacher(config, data);
        }
        int classes = config.getInt("model.classes");
        String rows = config.getString("ablate.rows");
        if (classes > 0 && !rows.equals("none")) {
            throw new IllegalArgumentException("ablate.rows = " + rows + " includes rows with projected pairs (simple-reflow"
                    + " with all seven, and the projected-pairs rows), which a class-conditional teacher (model.classes = "
                    + classes + ") cannot give; set ablate.rows=none to compare baseline with simple-reflow");
        }
        Set<String> notes = new LinkedHashSet<>();
        Set<String> directions = new LinkedHashSet<>();
        int seed = config.getIntList("ablate.seeds").get(0);
        evaluation(config, data, null); // the floor and the teacher's row
        for (Ablation.Variant v : Ablation.variants(config, data.images())) {
            Config model = Ablation.variantConfig(config, v, seed, Path.of("teacher"), Path.of("pairs"));
            String where = "ablation row '" + v.name() + "'";
            reflowModel(config, model, where, data);
            within(where, () -> {
                evaluation(model, data, null);
                return null;
            });
            directions.addAll(model.getStringList("reflow.directions"));
        }
        for (String direction : directions) { // the rows share the stores, drawn with the base configuration
            PairCount n = pairs(config, PairDirection.byName(direction), classes, data.trainPoints(), data.source(),
                    null);
            if (n.note() != null) {
                notes.add(n.note());
            }
        }
        return new Checked(data, List.copyOf(notes));
    }

    /**
     * Checks the training of a teacher (a 1-rectified flow on the data): the loss weight, the
     * model type, the class count against the data's labels, and the network and loss against
     * the sample shape.
     *
     * @param config the teacher's configuration
     * @param data the data it trains on
     * @throws IllegalArgumentException naming the setting that cannot work
     */
    public static void teacher(Config config, DataFacts data) {
        if (config.getString("loss.weight").equals("per-sample")) {
            throw new IllegalArgumentException("loss.weight = per-sample on a teacher run: 1/sg[l_i] weights each"
                    + " sample by its own loss, which on the independent coupling pulls the model toward the"
                    + " conditional mode instead of the flow-matching minimiser (docs/PRESETS.md); use"
                    + " loss.weight=time-bin-ema (depends on t only) for a normalised teacher loss");
        }
        if (config.getString("model.type").equals(Components.TORCHSCRIPT)) {
            throw new IllegalArgumentException("model.type torchscript: an imported network is a teacher already"
                    + " (reflow import); ReflowKit trains it only as a ReFlow model (reflow.teacher set)");
        }
        classes(config, data);
        network(config, data);
        loss(config, data.sampleShape(), data.source());
    }

    /**
     * Checks the network against the data's sample shape ({@link Components#checkModel}); for a
     * unet, first that its levels divide the images that {@code data.resolution} gives.
     *
     * @param config the configuration ({@code model.*}, {@code data.resolution})
     * @param data the data
     * @throws IllegalArgumentException naming the setting that does not fit
     */
    public static void network(Config config, DataFacts data) {
        long[] shape = data.sampleShape();
        if (config.getString("model.type").equals("unet") && shape.length == 3) {
            List<Integer> mult = config.getIntList("model.channel_mult");
            long factor = 1L << (mult.size() - 1);
            if (shape[1] % factor != 0 || shape[2] % factor != 0) {
                throw new IllegalArgumentException("model.channel_mult = " + mult + " has " + mult.size() + " levels,"
                        + " which halve the image " + (mult.size() - 1) + " times, so its height and width must be"
                        + " divisible by " + factor + ", but " + data.source() + " gives " + shape[1] + "x" + shape[2]
                        + " images (data.resolution = " + config.getInt("data.resolution") + "); set data.resolution"
                        + " to a multiple of " + factor + ", or use fewer levels");
            }
        }
        Components.checkModel(config, shape);
    }

    /**
     * Checks {@code model.classes} against the data's labels: a class-conditional model needs
     * labelled data of exactly that many classes.
     *
     * @param config the configuration
     * @param data the data
     * @throws IllegalArgumentException if the counts disagree or the data carry no labels
     */
    public static void classes(Config config, DataFacts data) {
        int classes = config.getInt("model.classes");
        if (classes == 0) {
            return;
        }
        if (data.classes() == 0) {
            throw new IllegalArgumentException("model.classes = " + classes + " but " + data.source() + " carries no"
                    + " class labels (the built-in point sets and labelled image sets do); set model.classes=0");
        }
        if (data.classes() != classes) {
            throw new IllegalArgumentException("model.classes = " + classes + " but data set " + data.source()
                    + " has " + data.classes() + " classes; set model.classes=" + data.classes());
        }
    }

    /**
     * Checks the loss against the sample shape: the HPF loss filters image errors of at most
     * {@value HighPassFilterLoss#MAX_PIXELS} pixels.
     *
     * @param config the configuration ({@code loss.type})
     * @param sampleShape the shape of one sample
     * @param source the data, for the message
     * @throws IllegalArgumentException if the loss cannot take these samples
     */
    public static void loss(Config config, long[] sampleShape, String source) {
        if (!config.getString("loss.type").equals("hpf")) {
            return;
        }
        if (sampleShape.length != 3) {
            throw new IllegalArgumentException("loss.type = hpf filters the spatial frequencies of image errors, but the"
                    + " samples of " + source + " have shape " + Arrays.toString(sampleShape)
                    + "; use loss.type=mse or pseudo-huber");
        }
        long pixels = sampleShape[1] * sampleShape[2];
        if (pixels > HighPassFilterLoss.MAX_PIXELS) {
            throw new IllegalArgumentException("loss.type = hpf supports images of at most "
                    + HighPassFilterLoss.MAX_PIXELS + " pixels (64x64), but " + source + " gives " + sampleShape[1]
                    + "x" + sampleShape[2] + " (data.resolution = " + config.getInt("data.resolution")
                    + "); lower data.resolution to 64 or less, or use loss.type=mse");
        }
    }

    /**
     * Checks one pair store's settings and resolves its pair count: the guidance weight against
     * the teacher's classes, projected pairs' needs (an unconditional teacher, shards of whole
     * blocks, a block of distinct training points), the pair sampler, and the count.
     *
     * <p>The count is {@code given} if not null, else {@code pairs.count} for backward and
     * projected pairs, else {@code pairs.forward_count}: each forward pair integrates one training
     * point, so at most {@code trainPoints}. Left at its default ({@link Config#isSet} false),
     * {@code pairs.forward_count} adapts: all the training points there are when they are fewer,
     * with a note saying so; set above them (or given), it is refused. 0 takes every point.
     *
     * @param config the pair configuration ({@code pairs.*}; grid parameters from {@code sample.*})
     * @param direction the pair direction
     * @param teacherClasses the teacher's {@code model.classes}
     * @param trainPoints the teacher's training points (ignored for backward pairs)
     * @param source the teacher's data, for messages
     * @param given a count given outright (e.g. {@code reflow pairs --count}), or null
     * @return the count, with a note when the default adapted
     * @throws IllegalArgumentException naming the setting that cannot work
     */
    public static PairCount pairs(Config config, PairDirection direction, int teacherClasses, int trainPoints,
            String source, Integer given) {
        double guidance = config.getDouble("pairs.guidance");
        if (teacherClasses == 0 && guidance != 1.0) {
            throw new IllegalArgumentException("pairs.guidance = " + number(guidance) + " is a classifier-free guidance"
                    + " weight for class-conditional teachers, but the teacher is unconditional (model.classes = 0);"
                    + " leave pairs.guidance at 1");
        }
        if (direction == PairDirection.PROJECTED) {
            if (teacherClasses > 0) {
                throw new IllegalArgumentException("projected pairs of a class-conditional teacher (model.classes = "
                        + teacherClasses + ") are not supported (a generated sample's class and the matched real"
                        + " point's could differ); use backward and forward pairs (reflow.directions)");
            }
            int block = config.getInt("pairs.block");
            int shardSize = config.getInt("pairs.shard_size");
            if (shardSize % block != 0) {
                throw new IllegalArgumentException("projected pairs need pairs.shard_size (" + shardSize
                        + ") to be a multiple of pairs.block (" + block + "); set pairs.shard_size="
                        + Math.max(block, shardSize / block * block) + " or a pairs.block that divides " + shardSize);
            }
            if (trainPoints < block) {
                throw new IllegalArgumentException("projected pairs draw pairs.block = " + block + " distinct training"
                        + " points per block, but " + source + " has only " + trainPoints + " training points; set"
                        + " pairs.block=" + largestDivisorAtMost(shardSize, trainPoints) + " or less");
            }
        }
        sampler(config, "pairs.solver", config.getString("pairs.solver"), "pairs.grid", config.getString("pairs.grid"),
                "pairs.nfe", List.of(config.getInt("pairs.nfe")));
        if (direction != PairDirection.FORWARD) {
            int n = given != null ? given : config.getInt("pairs.count");
            requirePositive(n, given != null ? "count" : "pairs.count");
            return new PairCount(n, null);
        }
        boolean chosen = given != null || config.isSet("pairs.forward_count");
        String setting = given != null ? "count" : "pairs.forward_count";
        int n = given != null ? given : config.getInt("pairs.forward_count");
        if (n == 0 && given == null) {
            return new PairCount(trainPoints, null); // 0 takes every training point
        }
        requirePositive(n, setting);
        if (n <= trainPoints) {
            return new PairCount(n, null);
        }
        if (chosen) {
            throw new IllegalArgumentException(setting + " = " + n + " asks for more forward pairs than the "
                    + trainPoints + " training points of " + source + " (each forward pair integrates one of them); set "
                    + setting + " to " + trainPoints + " or less"
                    + (given != null ? "" : ", or 0 (or leave it unset) to take them all"));
        }
        return new PairCount(trainPoints, String.format(Locale.ROOT, "forward pairs: all %d training points of %s"
                + " (pairs.forward_count is left at its default %d, more than there are)", trainPoints, source, n));
    }

    /**
     * Checks that a fixed-step solver can take every NFE budget and that the grid gives each its
     * steps: an NFE the solver cannot take (rk4 at NFE 9, midpoint at an odd NFE), a custom grid
     * missing, not running from 1 to 0, or of another step count, bad grid parameters. The
     * adaptive solver takes no NFE and no grid; a {@code tuned} grid is tuned per model
     * ({@link GridTuning}), so only the NFE is checked.
     *
     * @param config the configuration (grid parameters from {@code sample.*})
     * @param solverSetting the solver's setting, for messages (e.g. {@code eval.solver})
     * @param solver the solver
     * @param gridSetting the grid's setting, for messages, or null
     * @param grid the grid name, or null for none (checks the NFE only)
     * @param nfeSetting the NFE's setting, for messages (e.g. {@code eval.nfe})
     * @param nfes the NFE budgets
     * @throws IllegalArgumentException naming the setting that cannot work
     */
    public static void sampler(Config config, String solverSetting, String solver, String gridSetting, String grid,
            String nfeSetting, List<Integer> nfes) {
        if (solver.equals(DormandPrinceSolver.NAME)) {
            return;
        }
        List<Integer> steps = new ArrayList<>();
        for (int nfe : nfes) {
            try {
                steps.add(Samplers.steps(solver, nfe));
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("NFE " + nfe + " (" + nfeSetting + ") is not feasible for "
                        + solverSetting + " = " + solver + "; valid: " + Samplers.feasibleNfe(solver) + "; change "
                        + nfeSetting + " or " + solverSetting, e);
            }
        }
        if (grid == null || grid.equals(GridTuning.NAME)) {
            return;
        }
        if (grid.equals("custom")) {
            customGrid(config, solverSetting, solver, gridSetting, nfeSetting, nfes, steps);
            return;
        }
        TimeGrid g;
        try {
            g = Components.grid(config, grid);
            for (int s : steps) {
                g.points(1.0, 0.0, s);
            }
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(gridSetting + " = " + grid + ": " + e.getMessage(), e);
        }
    }

    private static void customGrid(Config config, String solverSetting, String solver, String gridSetting,
            String nfeSetting, List<Integer> nfes, List<Integer> steps) {
        List<Double> times = config.getDoubleList("sample.custom_grid");
        if (times.size() < 2) {
            throw new IllegalArgumentException(gridSetting + " = custom needs sample.custom_grid, the times from 1"
                    + " (noise) to 0 (data), but it is empty; set it, e.g. sample.custom_grid=[1,0.5,0]");
        }
        if (times.get(0) != 1.0 || times.get(times.size() - 1) != 0.0) {
            throw new IllegalArgumentException("sample.custom_grid = " + times + " runs from " + number(times.get(0))
                    + " to " + number(times.get(times.size() - 1)) + ", but " + gridSetting + " = custom needs a grid"
                    + " from 1 (noise) to 0 (data); start it at 1 and end it at 0");
        }
        int have = times.size() - 1;
        for (int i = 0; i < nfes.size(); i++) {
            if (steps.get(i) != have) {
                throw new IllegalArgumentException(gridSetting + " = custom: sample.custom_grid has " + have + " steps ("
                        + times.size() + " times), but " + solverSetting + " = " + solver + " at NFE " + nfes.get(i)
                        + " (" + nfeSetting + ") takes " + steps.get(i) + "; give sample.custom_grid "
                        + (steps.get(i) + 1) + " times, or an NFE of " + have + " steps");
            }
        }
    }

    /**
     * Checks an evaluation: its samplers ({@code eval.solver} on {@code eval.grid} and {@code
     * eval.extra_grids} at every {@code eval.nfe}), {@code eval.count} against the held-out data
     * (image sets: the train split the samples are compared with, the test split the floor
     * draws), what the feature network of labelled images needs (at least 8x8 pixels, two
     * classes), and the data's sample shape against a model's.
     *
     * @param config the evaluation's configuration
     * @param data the data it scores against
     * @param modelShape the sample shape of the model scored, or null when it is the data's
     * @throws IllegalArgumentException naming the setting that cannot work
     */
    public static void evaluation(Config config, DataFacts data, long[] modelShape) {
        String solver = config.getString("eval.solver");
        List<Integer> nfes = config.getIntList("eval.nfe");
        sampler(config, "eval.solver", solver, "eval.grid", config.getString("eval.grid"), "eval.nfe", nfes);
        for (String grid : config.getStringList("eval.extra_grids")) {
            sampler(config, "eval.solver", solver, "eval.extra_grids", grid, "eval.nfe", nfes);
        }
        if (modelShape != null && !Arrays.equals(modelShape, data.sampleShape())) {
            throw new IllegalArgumentException(data.source() + " has samples of shape " + Arrays.toString(data.sampleShape())
                    + (data.images() ? " (data.resolution = " + config.getInt("data.resolution") + ", data.channels = "
                    + config.getInt("data.channels") + ")" : "") + " but the model's samples have shape "
                    + Arrays.toString(modelShape) + "; evaluate against data of the model's shape");
        }
        int count = config.getInt("eval.count");
        if (count > data.referenceLimit()) {
            throw new IllegalArgumentException("eval.count = " + count + " but the train split of " + data.source()
                    + " has only " + data.referenceLimit() + " images to compare samples with; set eval.count="
                    + Math.min(data.referenceLimit(), data.floorLimit()) + " or less");
        }
        if (count > data.floorLimit()) {
            throw new IllegalArgumentException("eval.count = " + count + " but the test split of " + data.source()
                    + " has only " + data.floorLimit() + " images for the data-vs-data floor; set eval.count="
                    + data.floorLimit() + " or less");
        }
        if (data.images() && data.classes() > 0) { // scored on the features of a classifier of the data
            long side = Math.min(data.sampleShape()[1], data.sampleShape()[2]);
            if (side < FeatureNetwork.MIN_SIDE) {
                throw new IllegalArgumentException(data.source() + " gives " + data.sampleShape()[1] + "x"
                        + data.sampleShape()[2] + " images (data.resolution = " + config.getInt("data.resolution")
                        + "), but the feature network that scores them (FD, KID, precision/recall) needs at least "
                        + FeatureNetwork.MIN_SIDE + "x" + FeatureNetwork.MIN_SIDE + "; set data.resolution="
                        + FeatureNetwork.MIN_SIDE + " or more");
            }
            if (data.classes() < 2) {
                throw new IllegalArgumentException(data.source() + " has one class, but the feature network that scores"
                        + " image samples is a classifier of at least two; add a second class folder, or keep the"
                        + " images in one folder without class folders (unlabelled: only sw2 is scored)");
            }
        }
    }

    /**
     * Checks a ReFlow recipe's configuration against its teacher's: the network must keep the
     * teacher's architecture (it starts from the teacher's weights; only dropout may change),
     * unless an imported teacher is distilled into a ReflowKit network; {@code reflow.mix} must
     * give one weight per pair store; and its loss must suit the samples.
     *
     * @param teacher the teacher's configuration (the pipeline's)
     * @param model the ReFlow model's configuration (preset and {@code pipeline.reflow_set} on top)
     * @param where the recipe, for messages (e.g. {@code pipeline.models: simple-reflow})
     * @param data the data
     * @throws IllegalArgumentException naming the setting that cannot work
     */
    public static void reflowModel(Config teacher, Config model, String where, DataFacts data) {
        boolean distilled = teacher.getString("model.type").equals(Components.TORCHSCRIPT)
                && !model.getString("model.type").equals(Components.TORCHSCRIPT);
        if (!distilled) {
            for (var e : teacher.toFlatMap().entrySet()) {
                String key = e.getKey();
                if (key.startsWith("model.") && !REFLOW_MAY_CHANGE.contains(key)
                        && !Objects.equals(e.getValue(), model.get(key))) {
                    throw new IllegalArgumentException(where + ": pipeline.reflow_set sets " + key + " = "
                            + model.get(key) + ", but a ReFlow model starts from its teacher's weights and keeps its"
                            + " architecture (" + key + " = " + e.getValue() + "); remove " + key
                            + " from pipeline.reflow_set (model.dropout and reflow.dropout may change)");
                }
            }
        }
        within(where, () -> {
            mix(model, model.getStringList("reflow.directions").size());
            loss(model, data.sampleShape(), data.source());
            return null;
        });
    }

    /**
     * Checks that {@code reflow.mix} gives one weight per pair store, or none.
     *
     * @param config the configuration
     * @param stores the number of pair stores the run trains on
     * @throws IllegalArgumentException if the counts differ
     */
    public static void mix(Config config, int stores) {
        List<Double> mix = config.getDoubleList("reflow.mix");
        if (!mix.isEmpty() && mix.size() != stores) {
            throw new IllegalArgumentException("reflow.mix has " + mix.size() + " weight" + (mix.size() == 1 ? "" : "s")
                    + " for " + stores + " pair store" + (stores == 1 ? "" : "s") + "; give one weight per store, in"
                    + " their order, or leave reflow.mix empty to mix them by their pair counts");
        }
    }

    /**
     * Checks a class label asked of a model: a class-conditional model's {@code 0 .. classes-1},
     * or -1 for an even spread over its classes.
     *
     * @param option the option, for messages (e.g. {@code --class})
     * @param label the class asked
     * @param classes the model's class count
     * @param model the checkpoint, for messages
     * @throws IllegalArgumentException if the model is unconditional or the class is out of range
     */
    public static void classLabel(String option, int label, int classes, Path model) {
        if (classes == 0) {
            throw new IllegalArgumentException(option + " " + label + " needs a class-conditional model, but " + model
                    + " is unconditional (model.classes = 0)");
        }
        if (label < -1 || label >= classes) {
            throw new IllegalArgumentException(option + " " + label + " is not a class of " + model + ", which has "
                    + classes + " classes (0 .. " + (classes - 1) + "); give one of them, or -1 for an even spread");
        }
    }

    /** Runs a check, prefixing its refusal with where it applies. */
    private static <T> T within(String where, Supplier<T> check) {
        try {
            return check.get();
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(where + ": " + e.getMessage(), e);
        }
    }

    private static void requirePositive(int n, String setting) {
        if (n < 1) {
            throw new IllegalArgumentException("the pair count must be >= 1, got " + setting + " = " + n);
        }
    }

    /** The largest divisor of {@code n} that is at most {@code max} (at least 1). */
    private static int largestDivisorAtMost(int n, int max) {
        for (int d = Math.min(n, max); d > 1; d--) {
            if (n % d == 0) {
                return d;
            }
        }
        return 1;
    }

    private static String number(double v) {
        return v == Math.rint(v) && Math.abs(v) < 1e15 ? Long.toString((long) v) : Double.toString(v);
    }
}
