package dev.reflowkit.bench;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import ai.djl.nn.Parameter;
import ai.djl.util.Pair;
import dev.reflowkit.config.Config;
import dev.reflowkit.coupling.IndependentCoupling;
import dev.reflowkit.model.BlockVelocityField;
import dev.reflowkit.pipeline.Components;
import dev.reflowkit.pipeline.RunData;
import dev.reflowkit.sampling.BatchSampler;
import dev.reflowkit.solver.SamplerPlan;
import dev.reflowkit.train.FlowTrainer;
import dev.reflowkit.train.ProgressBar;
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
import java.util.function.LongConsumer;
import java.util.stream.Stream;

/**
 * Runs workloads through ReflowKit's own code paths: {@link FlowTrainer} for training (the step
 * {@code reflow train} runs, with its logging and EMA), {@link BatchSampler} for sampling (the path
 * of {@code reflow sample} and pair generation), and an NDArray matmul for the peak.
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
        return switch (w.kind()) {
            case TRAIN -> train(w);
            case SAMPLE -> sample(w);
            case MATMUL -> matmul(w);
        };
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

    private Measurement train(Workload w) throws IOException {
        double[] seconds = new double[1];
        long parameters = train(w, new long[] {w.count()}, seconds, null);
        return measurement(w, seconds[0], ProcessMemory.peakMb(), parameters);
    }

    private Measurement sample(Workload w) throws IOException {
        double[] seconds = new double[1];
        long parameters = sample(w, new long[] {w.count()}, seconds, null);
        return measurement(w, seconds[0], ProcessMemory.peakMb(), parameters);
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
     * first), ReflowKit runs a chunk of the timed steps or batches, then the reference the same
     * chunk, and so on, so that a slow spell of a shared machine hits both sides alike. Each side's
     * clock runs only during its own chunks; before each chunk the other side's idle compute
     * threads get a moment to stop spinning.
     *
     * @param w a training or sampling workload
     * @param reference a session serving the same workload, warmed up; ended here after its last
     *     turn, since its peak RSS is known only then
     * @param chunks how many turns each side takes (at most the workload's timed count)
     * @return both measurements
     * @throws IOException if the training run directory cannot be written or the reference fails
     */
    public Paired runPaired(Workload w, TorchSession reference, int chunks) throws IOException {
        long[] sizes = chunkSizes(w.count(), chunks);
        double[] ourSeconds = new double[sizes.length];
        double[] theirSeconds = new double[sizes.length];
        ProcessMemory.resetPeak();
        Turn theirTurn = i -> {
            settle();
            theirSeconds[i] = reference.run(sizes[i]);
            settle();
        };
        long parameters = switch (w.kind()) {
            case TRAIN -> train(w, sizes, ourSeconds, theirTurn);
            case SAMPLE -> sample(w, sizes, ourSeconds, theirTurn);
            case MATMUL -> throw new IllegalArgumentException(
                    w.name() + ": only training and sampling workloads run in chunks");
        };
        double ourPeak = ProcessMemory.peakMb();
        reference.close();
        return new Paired(measurement(w, Arrays.stream(ourSeconds).sum(), ourPeak, parameters),
                measurement(w, Arrays.stream(theirSeconds).sum(), reference.peakRssMb(), parameters),
                Arrays.stream(ourSeconds).boxed().toList(), Arrays.stream(theirSeconds).boxed().toList());
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

    /** The other side's turn after ReflowKit's chunk {@code i} (the paired mode). */
    @FunctionalInterface
    private interface Turn {
        void take(int i) throws IOException;
    }

    /**
     * Trains a workload's network for its warm-up and then its timed steps in chunks, timing each
     * chunk; after each chunk the other side takes its turn, if there is one.
     *
     * @return the network's parameter count
     */
    private long train(Workload w, long[] sizes, double[] seconds, Turn other) throws IOException {
        if (w.warmup() == 0) {
            throw new IllegalArgumentException(w.name() + ": training workloads need at least one warm-up step"
                    + " (the clock starts when it ends)");
        }
        int total = w.warmup() + w.count();
        Config c = w.config().with("train.steps", total).with("train.checkpoint_every", total)
                .with("train.batch_size", w.batch());
        RunData data = RunData.load(c);
        Path dir = Files.createTempDirectory("reflow-bench-");
        long[] ends = new long[sizes.length];
        long end = w.warmup();
        for (int i = 0; i < sizes.length; i++) {
            end += sizes[i];
            ends[i] = end;
        }
        long[] start = new long[1];
        int[] chunk = {0};
        try (NDManager m = manager.newSubManager()) {
            Block net = network(w, m);
            trainer(c, data, net, m, dir.resolve("run"), step -> {
                if (step == w.warmup()) {
                    if (other != null) {
                        settle();
                    }
                    start[0] = System.nanoTime();
                } else if (chunk[0] < ends.length && step == ends[chunk[0]]) {
                    int i = chunk[0]++;
                    seconds[i] = (System.nanoTime() - start[0]) / 1e9;
                    if (other != null) {
                        try {
                            other.take(i);
                        } catch (IOException e) {
                            throw new UncheckedIOException(e);
                        }
                    }
                    start[0] = System.nanoTime();
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
     * Samples a workload's warm-up batches and then its timed batches in chunks, timing each
     * chunk; after each chunk the other side takes its turn, if there is one.
     *
     * @return the network's parameter count
     */
    private long sample(Workload w, long[] sizes, double[] seconds, Turn other) throws IOException {
        try (NDManager m = manager.newSubManager()) {
            Block net = network(w, m);
            BlockVelocityField field = new BlockVelocityField(net, m);
            Config c = w.config();
            SamplerPlan plan = Components.plan(c, c.getString("sample.solver"), c.getString("sample.grid"), w.nfe());
            if (w.warmup() > 0) {
                BatchSampler.generate(field, plan, w.warmup() * w.batch(), w.batch(), 1, w.sampleShape(), m);
            }
            for (int i = 0; i < sizes.length; i++) {
                if (other != null && i == 0) {
                    settle(); // later chunks start after the other side's turn, which ends settled
                }
                long t0 = System.nanoTime();
                BatchSampler.generate(field, plan, Math.toIntExact(sizes[i] * w.batch()), w.batch(), 2 + i,
                        w.sampleShape(), m);
                seconds[i] = (System.nanoTime() - t0) / 1e9;
                if (other != null) {
                    other.take(i);
                }
            }
            return parameterCount(net);
        }
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
