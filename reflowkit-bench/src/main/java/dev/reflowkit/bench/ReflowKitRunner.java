package dev.reflowkit.bench;

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
import dev.reflowkit.config.Config;
import dev.reflowkit.coupling.IndependentCoupling;
import dev.reflowkit.coupling.PairBatch;
import dev.reflowkit.engine.Engines;
import dev.reflowkit.field.VelocityField;
import dev.reflowkit.loss.GeneralizedLoss;
import dev.reflowkit.model.BlockVelocityField;
import dev.reflowkit.path.LinearPath;
import dev.reflowkit.path.PathSample;
import dev.reflowkit.pipeline.Components;
import dev.reflowkit.pipeline.RunData;
import dev.reflowkit.sampling.BatchSampler;
import dev.reflowkit.sampling.SeededNoise;
import dev.reflowkit.solver.SamplerPlan;
import dev.reflowkit.solver.StepCallback;
import dev.reflowkit.train.FlowTrainer;
import dev.reflowkit.train.GradientLanes;
import dev.reflowkit.train.ProgressBar;
import dev.reflowkit.train.StepRandom;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;
import java.util.SplittableRandom;
import java.util.function.LongConsumer;
import java.util.stream.Stream;

/**
 * Runs workloads through ReflowKit's own code paths: {@link FlowTrainer} for training (the step
 * {@code reflow train} runs, with its logging and EMA), {@link BatchSampler} for sampling (the path
 * of {@code reflow sample} and pair generation), and an NDArray matmul for the peak. The
 * network-alone workloads ({@link Workload.Scope#NETWORK}) time the network as those paths call it:
 * a training forward, the loss and the backward pass on a fixed batch, or a batch's NFE evaluations
 * of the velocity field without a graph.
 */
public final class ReflowKitRunner {

    /** The pause at each hand-over of the paired mode, in milliseconds. */
    static final long SETTLE_MILLIS = 50;

    private final NDManager manager;

    /**
     * Creates a runner.
     *
     * @param manager the manager that owns each workload's networks (sub-managers are used)
     */
    public ReflowKitRunner(NDManager manager) {
        this.manager = manager;
    }

    /**
     * Runs one workload.
     *
     * @param w the workload
     * @return the measurement
     * @throws IOException if the training run directory cannot be written
     */
    public Measurement run(Workload w) throws IOException {
        ProcessMemory.resetPeak();
        if (w.kind() == Workload.Kind.MATMUL) {
            return matmul(w);
        }
        double[] seconds = new double[1];
        long parameters = measure(w, new Turns(new long[] {w.count()}, seconds, null, false));
        return measurement(w, seconds[0], ProcessMemory.peakMb(), parameters);
    }

    /**
     * Builds and initializes the network of a workload.
     *
     * @param w a training or sampling workload
     * @param m the manager that owns it
     * @return the network
     */
    public static Block network(Workload w, NDManager m) {
        return Components.model(w.config(), w.sampleShape(), m);
    }

    /** Runs a training or sampling workload's warm-up and timed units, taking the turns given. */
    private long measure(Workload w, Turns turns) throws IOException {
        return switch (w.kind()) {
            case TRAIN -> w.scope() == Workload.Scope.STEP ? train(w, turns) : trainNetwork(w, turns);
            case SAMPLE -> w.scope() == Workload.Scope.STEP ? sample(w, turns) : sampleNetwork(w, turns);
            case MATMUL -> throw new IllegalArgumentException(
                    w.name() + ": only training and sampling workloads run in chunks");
        };
    }

    /**
     * Both sides of one round of a training or sampling workload, measured in alternating chunks.
     *
     * @param ours ReflowKit's measurement (the sum of its chunks)
     * @param theirs the reference's (the sum of its chunks; its peak RSS as the session reports)
     * @param ourChunks ReflowKit's seconds per chunk, in order
     * @param theirChunks the reference's seconds per chunk (the same sizes), in order
     */
    public record Paired(Measurement ours, Measurement theirs, List<Double> ourChunks, List<Double> theirChunks) {

        /**
         * The ratio of each pair of chunks, ReflowKit's rate over the reference's.
         *
         * @return the reference's seconds over ReflowKit's, per chunk
         */
        public List<Double> chunkRatios() {
            List<Double> ratios = new ArrayList<>();
            for (int i = 0; i < ourChunks.size(); i++) {
                ratios.add(theirChunks.get(i) / ourChunks.get(i));
            }
            return ratios;
        }
    }

    /**
     * Runs one round of a workload on both sides in turns: after both warm-ups (the reference's
     * first), one side runs a chunk of the timed steps or batches, then the other the same chunk,
     * and so on, so that a slow spell of a shared machine hits both sides alike; which side starts
     * alternates between rounds (the caller's {@code referenceFirst}). Each side's clock runs only
     * during its own chunks; before each chunk the other side's idle compute threads get a moment
     * to stop spinning. Both sides report their network's parameter count, and a difference fails
     * the round: the two sides would not be running the same network.
     *
     * @param w a training or sampling workload
     * @param reference a session serving the same workload, warmed up; ended here after its last
     *     turn, since its peak RSS is known only then
     * @param chunks how many turns each side takes (at most the workload's timed count)
     * @param referenceFirst whether the reference takes the first turn
     * @return both measurements
     * @throws IOException if the training run directory cannot be written, the reference fails,
     *     or the two networks' parameter counts differ
     */
    public Paired runPaired(Workload w, TorchSession reference, int chunks, boolean referenceFirst)
            throws IOException {
        long[] sizes = chunkSizes(w.count(), chunks);
        double[] ourSeconds = new double[sizes.length];
        double[] theirSeconds = new double[sizes.length];
        CpuUse.Stretch[] cpu = new CpuUse.Stretch[sizes.length];
        CpuUse.Stretch[] theirCpu = new CpuUse.Stretch[sizes.length];
        ProcessMemory.resetPeak();
        Turn theirTurn = i -> {
            settle();
            CpuUse before = reference.process().map(CpuUse::of).orElse(null);
            theirSeconds[i] = reference.run(sizes[i]);
            if (before != null) {
                theirCpu[i] = CpuUse.of(reference.process().orElseThrow()).since(before);
            }
            settle();
        };
        long parameters = measure(w, new Turns(sizes, ourSeconds, theirTurn, referenceFirst, cpu));
        double ourPeak = ProcessMemory.peakMb();
        reference.close();
        Measurement ours = measurement(w, Arrays.stream(ourSeconds).sum(), ourPeak, parameters)
                .withCpu(List.of(cpu));
        Measurement theirs = measurement(w, Arrays.stream(theirSeconds).sum(), reference.peakRssMb(),
                reference.parameters());
        if (Arrays.stream(theirCpu).allMatch(Objects::nonNull)) {
            theirs = theirs.withCpu(List.of(theirCpu));
        }
        requireSameNetwork(w, ours, theirs);
        return new Paired(ours, theirs, Arrays.stream(ourSeconds).boxed().toList(),
                Arrays.stream(theirSeconds).boxed().toList());
    }

    /**
     * Checks that both sides ran a network of the same size: the reference builds its network from
     * the spec, and a different parameter count means it is not the same network.
     *
     * @param w the workload
     * @param ours ReflowKit's measurement
     * @param theirs the reference's
     * @throws IOException if the counts differ
     */
    static void requireSameNetwork(Workload w, Measurement ours, Measurement theirs) throws IOException {
        if (w.kind() != Workload.Kind.MATMUL && ours.parameters() != theirs.parameters()) {
            throw new IOException("not like for like: " + w.name() + " ran a network of " + ours.parameters()
                    + " parameters in ReflowKit and of " + theirs.parameters() + " in the PyTorch reference");
        }
    }

    /**
     * Splits a timed count into chunks of nearly equal size (the first ones one larger).
     *
     * @param count the timed steps or batches
     * @param chunks the chunks wanted
     * @return min(count, chunks) sizes adding up to count
     */
    static long[] chunkSizes(long count, int chunks) {
        if (count < 1 || chunks < 1) {
            throw new IllegalArgumentException("count and chunks must be >= 1, got " + count + ", " + chunks);
        }
        int n = (int) Math.min(count, chunks);
        long[] sizes = new long[n];
        for (int i = 0; i < n; i++) {
            sizes[i] = count / n + (i < count % n ? 1 : 0);
        }
        return sizes;
    }

    private static Measurement measurement(Workload w, double seconds, double peakMb, long parameters) {
        return new Measurement(seconds, w.count() / seconds, w.count() * w.itemsPerUnit() / seconds, peakMb,
                parameters);
    }

    /** The other side's chunk {@code i} (the paired mode). */
    @FunctionalInterface
    interface Turn {
        void take(int i) throws IOException;
    }

    /**
     * ReflowKit's clock and the turns around its chunks. The timed units are split into chunks;
     * {@link #boundary(int) boundary(i)} is called before ReflowKit's chunk {@code i} and after its
     * chunk {@code i - 1} (i = 0 .. n): it stops the clock of chunk {@code i - 1}, lets the other
     * side take its chunk ({@code i} when the other side goes first, else {@code i - 1}) and starts
     * the clock of chunk {@code i}.
     */
    static final class Turns {
        private final long[] sizes;
        private final double[] seconds;
        private final Turn other;
        private final boolean otherFirst;
        private long start;
        private final CpuUse.Stretch[] cpu;
        private CpuUse startUse;

        Turns(long[] sizes, double[] seconds, Turn other, boolean otherFirst) {
            this(sizes, seconds, other, otherFirst, null);
        }

        /** With {@code cpu} non-null, where the CPU went during each of ReflowKit's chunks lands there. */
        Turns(long[] sizes, double[] seconds, Turn other, boolean otherFirst, CpuUse.Stretch[] cpu) {
            this.cpu = cpu;
            this.sizes = sizes;
            this.seconds = seconds;
            this.other = other;
            this.otherFirst = otherFirst;
        }

        int chunks() {
            return sizes.length;
        }

        long size(int i) {
            return sizes[i];
        }

        void boundary(int i) throws IOException {
            if (i > 0) {
                seconds[i - 1] = (System.nanoTime() - start) / 1e9;
                if (cpu != null) {
                    cpu[i - 1] = CpuUse.now().since(startUse);
                }
            }
            if (other != null) {
                int theirs = otherFirst ? i : i - 1;
                if (theirs >= 0 && theirs < sizes.length) {
                    other.take(theirs); // ends settled
                } else if (i == 0) {
                    settle(); // after the warm-ups, before ReflowKit's first chunk
                }
            }
            if (i < sizes.length) {
                if (cpu != null) {
                    startUse = CpuUse.now();
                }
                start = System.nanoTime();
            }
        }
    }

    /**
     * Trains a workload's network for its warm-up and then its timed steps in chunks, through
     * {@link FlowTrainer}, taking the turns at the chunks' boundaries.
     *
     * @return the network's parameter count
     */
    private long train(Workload w, Turns turns) throws IOException {
        if (w.warmup() == 0) {
            throw new IllegalArgumentException(w.name() + ": training workloads need at least one warm-up step"
                    + " (the clock starts when it ends)");
        }
        int total = w.warmup() + w.count();
        Config c = w.config().with("train.steps", total).with("train.checkpoint_every", total)
                .with("train.batch_size", w.batch());
        RunData data = RunData.load(c);
        Path dir = Files.createTempDirectory("reflow-bench-");
        long[] ends = new long[turns.chunks()];
        long end = w.warmup();
        for (int i = 0; i < ends.length; i++) {
            end += turns.size(i);
            ends[i] = end;
        }
        int[] chunk = {0};
        try (NDManager m = manager.newSubManager()) {
            Block net = network(w, m);
            trainer(c, data, net, m, dir.resolve("run"), step -> {
                try {
                    if (step == w.warmup()) {
                        turns.boundary(0);
                    } else if (chunk[0] < ends.length && step == ends[chunk[0]]) {
                        turns.boundary(++chunk[0]);
                    }
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            }).run(false);
            return parameterCount(net);
        } catch (UncheckedIOException e) {
            throw e.getCause();
        } finally {
            deleteTree(dir);
        }
    }

    /**
     * The network alone in training: on one fixed batch (drawn as {@link FlowTrainer} draws its
     * first), a training forward pass, the loss and the backward pass per unit, each in its own
     * scope as the trainer's step and in the trainer's lanes ({@link GradientLanes}); the gradients
     * accumulate (the reference's likewise).
     *
     * @return the network's parameter count
     */
    private long trainNetwork(Workload w, Turns turns) throws IOException {
        Config c = w.config().with("train.batch_size", w.batch());
        RunData data = RunData.load(c);
        Engine engine = Engines.engine();
        try (NDManager m = manager.newSubManager()) {
            Block net = network(w, m);
            SplittableRandom rng = StepRandom.forStep(c.getLong("seed"), 0, StepRandom.STREAM_BATCH);
            PairBatch batch = new IndependentCoupling(data.train(), null, data.sampleShape()).sample(rng, w.batch());
            float[] times = Components.timeDistribution(c).sample(rng, batch.batch());
            Shape shape = new Shape(batch.batchShape());
            NDArray t = m.create(times);
            PathSample ps = LinearPath.sample(m.create(batch.x0(), shape), m.create(batch.x1(), shape), t);
            GeneralizedLoss loss = Components.loss(c);
            ParameterStore store = new ParameterStore(m, false);
            try (GradientLanes lanes = GradientLanes.of(w.lanes())) {
                IOConsumerLong step = k -> {
                    for (long j = 0; j < k; j++) {
                        Engines.touchExpOverflowConstant(); // as the trainer's step does
                        // The scope frees the step's intermediates (attached to the inputs' manager).
                        try (NDScope scope = new NDScope()) {
                            scope.suppressNotUsedWarning();
                            try (GradientCollector gc = engine.newGradientCollector()) {
                                // dropout seed j: any value per pass, the masks' cost does not depend on it
                                lanes.compute(gc, net, store, new NDList(ps.xt(), t), ps.target(), t, loss, j);
                            }
                        }
                    }
                };
                runUnits(w, turns, step);
            }
            return parameterCount(net);
        }
    }

    /** Runs {@code k} units of a workload. */
    @FunctionalInterface
    interface IOConsumerLong {
        void accept(long k) throws IOException;
    }

    /** The warm-up, then the timed chunks with the turns at their boundaries. */
    private static void runUnits(Workload w, Turns turns, IOConsumerLong units) throws IOException {
        runUnits(w.warmup(), turns, units);
    }

    /**
     * The warm-up, then the timed chunks with the turns at their boundaries.
     *
     * @param warmup untimed units first
     * @param turns the chunks, clock and the other side's turns
     * @param units runs k units
     * @throws IOException if a unit or a turn fails
     */
    static void runUnits(long warmup, Turns turns, IOConsumerLong units) throws IOException {
        if (warmup > 0) {
            units.accept(warmup);
        }
        turns.boundary(0);
        for (int i = 0; i < turns.chunks(); i++) {
            units.accept(turns.size(i));
            turns.boundary(i + 1);
        }
    }

    /**
     * Samples a workload's warm-up batches and then its timed batches in chunks, through
     * {@link BatchSampler}, taking the turns at the chunks' boundaries.
     *
     * @return the network's parameter count
     */
    private long sample(Workload w, Turns turns) throws IOException {
        try (NDManager m = manager.newSubManager()) {
            Block net = network(w, m);
            BlockVelocityField field = new BlockVelocityField(net, m);
            SamplerPlan plan = w.plan();
            long[] seed = {1};
            runUnits(w, turns, k -> BatchSampler.generate(field, plan, Math.toIntExact(k * w.batch()), w.batch(),
                    seed[0]++, w.sampleShape(), m));
            return parameterCount(net);
        }
    }

    /**
     * The network alone in sampling: per unit, the velocity field evaluated at the plan's
     * {@code NFE} times on one fixed batch of noise, without a graph, each unit in its own scope as
     * a sampler's batch; the times made per evaluation as the solvers make them.
     *
     * @return the network's parameter count
     */
    private long sampleNetwork(Workload w, Turns turns) throws IOException {
        try (NDManager m = manager.newSubManager()) {
            Block net = network(w, m);
            BlockVelocityField field = new BlockVelocityField(net, m);
            double[] times = evaluationTimes(w.plan(), w.sampleShape(), m);
            long[] shape = new Shape(w.batch()).addAll(new Shape(w.sampleShape())).getShape();
            int perSample = Math.toIntExact(new Shape(w.sampleShape()).size());
            NDArray x = m.create(SeededNoise.normal(1, 0, w.batch(), perSample), new Shape(shape));
            runUnits(w, turns, k -> {
                for (long j = 0; j < k; j++) {
                    try (NDManager sub = m.newSubManager(); NDScope scope = new NDScope()) {
                        scope.suppressNotUsedWarning();
                        for (double t : times) {
                            Engines.touchExpOverflowConstant(); // as the solvers do
                            field.velocity(x, sub.full(new Shape(w.batch()), (float) t)).close();
                        }
                    }
                }
            });
            return parameterCount(net);
        }
    }

    /**
     * The times at which a plan's solver evaluates the field, in order: recorded from one solve of
     * a single sample with a field that returns zeros.
     *
     * @param plan the plan
     * @param sampleShape the shape of one sample
     * @param manager a manager for the solve
     * @return the times, NFE of them
     */
    static double[] evaluationTimes(SamplerPlan plan, long[] sampleShape, NDManager manager) {
        List<Double> times = new ArrayList<>();
        VelocityField recorder = (x, t) -> {
            times.add((double) t.getFloat(0));
            return x.zerosLike();
        };
        try (NDManager sub = manager.newSubManager()) {
            long[] shape = new Shape(1).addAll(new Shape(sampleShape)).getShape();
            plan.solver().solve(recorder, sub.zeros(new Shape(shape)), plan.grid(), false, StepCallback.NONE);
        }
        return times.stream().mapToDouble(Double::doubleValue).toArray();
    }

    /**
     * Waits a moment at a hand-over, outside both clocks: the compute threads of the side that
     * just stopped spin for a few milliseconds before they sleep, and would take a core from the
     * side that starts.
     */
    private static void settle() {
        try {
            Thread.sleep(SETTLE_MILLIS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private Measurement matmul(Workload w) {
        try (NDManager m = manager.newSubManager()) {
            int n = w.batch();
            NDArray a = m.randomNormal(new Shape(n, n));
            NDArray b = m.randomNormal(new Shape(n, n));
            for (int i = 0; i < w.warmup(); i++) {
                a.matMul(b).close();
            }
            long t0 = System.nanoTime();
            NDArray c = null;
            for (int i = 0; i < w.count(); i++) {
                if (c != null) {
                    c.close();
                }
                c = a.matMul(b);
            }
            c.sum().getFloat();
            double seconds = (System.nanoTime() - t0) / 1e9;
            return new Measurement(seconds, w.count() / seconds, w.count() * w.itemsPerUnit() / seconds,
                    ProcessMemory.peakMb(), 0);
        }
    }

    /**
     * The trainer {@code reflow train} builds for a teacher, silent, with a step listener.
     *
     * @param c the configuration (its {@code train.steps} is the run length)
     * @param data the run's data
     * @param net the initialized network
     * @param m the manager owning it
     * @param dir a fresh run directory
     * @param onStep called after every step
     * @return the trainer
     */
    static FlowTrainer trainer(Config c, RunData data, Block net, NDManager m, Path dir, LongConsumer onStep) {
        return FlowTrainer.builder()
                .setModel(net, m)
                .setCoupling(new IndependentCoupling(data.train(), null, data.sampleShape()))
                .setTimeDistribution(Components.timeDistribution(c))
                .setLoss(Components.loss(c))
                .setSettings(Components.trainSettings(c))
                .setOutputDir(dir)
                .optProgress(new ProgressBar(new PrintStream(OutputStream.nullOutputStream()),
                        c.getLong("train.steps"), false))
                .optStepListener(onStep)
                .build();
    }

    /**
     * The number of scalar parameters of a network.
     *
     * @param net an initialized network
     * @return the sum of its parameter sizes
     */
    public static long parameterCount(Block net) {
        long n = 0;
        for (Pair<String, Parameter> p : net.getParameters()) {
            n += p.getValue().getArray().size();
        }
        return n;
    }

    /**
     * Deletes a scratch directory and everything in it.
     *
     * @param dir the directory
     * @throws IOException if something cannot be deleted
     */
    static void deleteTree(Path dir) throws IOException {
        try (Stream<Path> s = Files.walk(dir)) {
            s.sorted(Comparator.reverseOrder()).forEach(p -> {
                try {
                    Files.deleteIfExists(p);
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            });
        }
    }
}
