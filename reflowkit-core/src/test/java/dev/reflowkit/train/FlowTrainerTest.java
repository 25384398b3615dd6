package dev.reflowkit.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import com.fasterxml.jackson.databind.JsonNode;
import dev.reflowkit.coupling.Coupling;
import dev.reflowkit.coupling.IndependentCoupling;
import dev.reflowkit.coupling.PairBatch;
import dev.reflowkit.data.PointSet;
import dev.reflowkit.engine.Engines;
import dev.reflowkit.engine.FusedKernels;
import dev.reflowkit.loss.GeneralizedLoss;
import dev.reflowkit.loss.LossWeights;
import dev.reflowkit.loss.Losses;
import dev.reflowkit.model.MlpVelocityNet;
import dev.reflowkit.time.TimeDistributions;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.function.Consumer;
import java.util.random.RandomGenerator;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FlowTrainerTest {

    @TempDir
    Path dir;

    private static PointSet twoClusters() {
        SplittableRandom r = new SplittableRandom(5);
        float[] d = new float[2 * 2000];
        for (int i = 0; i < 2000; i++) {
            float c = i % 2 == 0 ? 2f : -2f;
            d[2 * i] = c + 0.2f * (float) r.nextGaussian();
            d[2 * i + 1] = 0.2f * (float) r.nextGaussian();
        }
        return new PointSet(2000, 2, d);
    }

    private static TrainSettings settings(long steps, long checkpointEvery) {
        return settings(steps, checkpointEvery, 1);
    }

    private static TrainSettings settings(long steps, long checkpointEvery, int lanes) {
        return new TrainSettings(steps, 64, 11, new AdamOptimizer.Settings(0.9, 0.999, 1e-8, 0, false),
                new LrSchedule(3e-3, 5, false, steps), 1.0, 2000, 0.05, checkpointEvery, 5, 10, lanes);
    }

    private static ProgressBar quiet() {
        return new ProgressBar(new PrintStream(new ByteArrayOutputStream()), 1, false);
    }

    /** Trains with dropout and a stateful loss weight so every source of state is exercised. */
    private TrainResult train(Path out, Coupling coupling, TrainSettings s, boolean resume) throws IOException {
        return train(out, coupling, s, resume, line -> {
            throw new AssertionError("unexpected warning: " + line);
        });
    }

    private TrainResult train(Path out, Coupling coupling, TrainSettings s, boolean resume,
            Consumer<String> warnings) throws IOException {
        try (NDManager m = Engines.newManager()) {
            Engines.engine().setRandomSeed(3);
            MlpVelocityNet net = MlpVelocityNet.builder().setDim(2).optHidden(32).optDepth(2).optDropout(0.1f)
                    .optTimeEmbedding(16, 1000f).build();
            net.initialize(m, DataType.FLOAT32, new Shape(1, 2), new Shape(1));
            GeneralizedLoss loss = GeneralizedLoss.builder()
                    .setLoss(Losses.byName("mse", Map.of()))
                    .optWeight(LossWeights.byName("time-bin-ema", Map.of("bins", 4.0, "decay", 0.9, "eps", 1e-3)))
                    .build();
            return FlowTrainer.builder()
                    .setModel(net, m)
                    .setCoupling(coupling)
                    .setTimeDistribution(TimeDistributions.byName("exponential", Map.of("base", 10.0)).clipped(1e-5))
                    .setLoss(loss)
                    .setSettings(s)
                    .setOutputDir(out)
                    .optProgress(quiet())
                    .optWarnings(warnings)
                    .build()
                    .run(resume);
        }
    }

    private static double[] losses(Path run) throws IOException {
        return TrainingLog.read(run.resolve(FlowTrainer.LOG_FILE)).stream()
                .mapToDouble(n -> n.get("loss").asDouble()).toArray();
    }

    @Test
    void resumedRunEqualsUninterruptedRun() throws IOException {
        IndependentCoupling coupling = new IndependentCoupling(twoClusters());
        Path full = dir.resolve("full");
        train(full, coupling, settings(40, 10), false);

        Path split = dir.resolve("split");
        train(split, coupling, settings(25, 10), false); // stops at 25; newest checkpoint is 25 (final)
        // Simulate a kill after step 20: drop the final artifacts, keep checkpoint 20 and a longer log.
        Files.delete(split.resolve(FlowTrainer.FINAL_CHECKPOINT));
        Files.delete(new CheckpointDirectory(split).fileFor(25));
        train(split, coupling, settings(40, 10), true);

        assertArrayEquals(losses(full), losses(split), "loss curves must match exactly");
        assertEquals(8, losses(full).length);
        try (NDManager m = Engines.newManager()) {
            Checkpoint a = Checkpoints.read(full.resolve(FlowTrainer.FINAL_CHECKPOINT), m);
            Checkpoint b = Checkpoints.read(split.resolve(FlowTrainer.FINAL_CHECKPOINT), m);
            for (int i = 0; i < a.parameters().size(); i++) {
                assertArrayEquals(a.parameters().get(i).toFloatArray(), b.parameters().get(i).toFloatArray());
                assertArrayEquals(a.ema().get(i).toFloatArray(), b.ema().get(i).toFloatArray());
            }
            assertArrayEquals(a.state().lossWeightState(), b.state().lossWeightState());
        }
    }

    @Test
    void twoLanesTrainAsOneAndResumeExactly() throws IOException {
        IndependentCoupling coupling = new IndependentCoupling(twoClusters());
        Path one = dir.resolve("one-lane");
        Path two = dir.resolve("two-lanes");
        train(one, coupling, settings(20, 10), false);
        train(two, coupling, settings(20, 10, 2), false);
        // the same batches, times, dropout masks and loss-weight state: only rounding differs
        assertArrayEquals(losses(one), losses(two), 1e-4);
        try (NDManager m = Engines.newManager()) {
            Checkpoint a = Checkpoints.read(one.resolve(FlowTrainer.FINAL_CHECKPOINT), m);
            Checkpoint b = Checkpoints.read(two.resolve(FlowTrainer.FINAL_CHECKPOINT), m);
            for (int i = 0; i < a.parameters().size(); i++) {
                assertArrayEquals(a.parameters().get(i).toFloatArray(), b.parameters().get(i).toFloatArray(), 1e-4f);
            }
        }
        Path split = dir.resolve("two-lanes-resumed");
        train(split, coupling, settings(15, 10, 2), false);
        Files.delete(split.resolve(FlowTrainer.FINAL_CHECKPOINT));
        Files.delete(new CheckpointDirectory(split).fileFor(15));
        train(split, coupling, settings(20, 10, 2), true);
        assertArrayEquals(losses(two), losses(split), "two lanes, resumed: the same losses bit for bit");
        assertSameState(two.resolve(FlowTrainer.FINAL_CHECKPOINT), split.resolve(FlowTrainer.FINAL_CHECKPOINT),
                "two lanes, resumed");
    }

    @Test
    void aDamagedNewestCheckpointFallsBackToThePreviousOne() throws IOException {
        IndependentCoupling coupling = new IndependentCoupling(twoClusters());
        Path full = dir.resolve("full");
        train(full, coupling, settings(12, 4), false);
        // a run of 12 steps killed after its checkpoint at 8: checkpoints 4 and 8, no model.ckpt
        Path base = dir.resolve("base");
        train(base, coupling, settings(8, 4), false);
        Files.delete(base.resolve(FlowTrainer.FINAL_CHECKPOINT));
        byte[] good = Files.readAllBytes(new CheckpointDirectory(base).fileFor(8));
        for (int seed = 1; seed <= 6; seed++) {
            SplittableRandom r = new SplittableRandom(seed);
            byte[] bad;
            String how;
            if (seed % 2 == 1) {
                bad = good.clone();
                List<Integer> offsets = new ArrayList<>();
                for (int k = 1 + r.nextInt(3); k > 0; k--) {
                    int at = r.nextInt(bad.length);
                    bad[at] ^= (byte) (1 + r.nextInt(255));
                    offsets.add(at);
                }
                how = "bytes flipped at " + offsets + " of " + good.length;
            } else {
                bad = Arrays.copyOf(good, r.nextInt(good.length));
                how = "truncated to " + bad.length + " of " + good.length + " bytes";
            }
            Path run = dir.resolve("resumed-" + seed);
            copyTree(base, run);
            CheckpointDirectory cd = new CheckpointDirectory(run);
            Files.write(cd.fileFor(8), bad);
            List<String> warnings = new ArrayList<>();
            TrainResult result = train(run, coupling, settings(12, 4), true, warnings::add);

            assertEquals(4, result.startStep(), how);
            assertEquals(1, warnings.size(), () -> how + ": " + warnings);
            String w = warnings.get(0);
            assertTrue(w.startsWith("damaged checkpoint " + cd.fileFor(8) + " (") && w.contains("resuming from "
                    + cd.fileFor(4) + " at step 4 (the 4 steps after it are trained again)"), how + ": " + w);
            assertTrue(Files.exists(run.resolve("checkpoints/step-0000000008.ckpt.damaged")), "set aside");
            assertEquals(List.of(cd.fileFor(4), cd.fileFor(8), cd.fileFor(12)), cd.list());
            // steps are deterministic: the resumed run ends where the uninterrupted one does, bit for bit
            assertArrayEquals(losses(full), losses(run), how);
            assertSameState(full.resolve(FlowTrainer.FINAL_CHECKPOINT), run.resolve(FlowTrainer.FINAL_CHECKPOINT), how);
        }
    }

    @Test
    void noIntactCheckpointLeftIsAClearError() throws IOException {
        IndependentCoupling coupling = new IndependentCoupling(twoClusters());
        Path run = dir.resolve("run");
        train(run, coupling, settings(4, 2), false);
        Files.delete(run.resolve(FlowTrainer.FINAL_CHECKPOINT));
        CheckpointDirectory cd = new CheckpointDirectory(run);
        byte[] two = Files.readAllBytes(cd.fileFor(2));
        Files.write(cd.fileFor(2), Arrays.copyOf(two, two.length - 1));
        byte[] four = Files.readAllBytes(cd.fileFor(4));
        four[four.length / 2] ^= 0x20;
        Files.write(cd.fileFor(4), four);
        CheckpointException e = assertThrows(CheckpointException.class,
                () -> train(run, coupling, settings(6, 2), true));
        assertTrue(e.getMessage().startsWith(cd.path() + ": no intact checkpoint to resume from (" + cd.fileFor(4)
                + ": ") && e.getMessage().contains("; " + cd.fileFor(2) + ": "), e.getMessage());
        assertFalse(e.getMessage().contains("\n"), "one line");
        assertEquals(List.of(cd.fileFor(2), cd.fileFor(4)), cd.list(), "nothing set aside or deleted");
    }

    private static void assertSameState(Path a, Path b, String how) {
        try (NDManager m = Engines.newManager()) {
            Checkpoint x = Checkpoints.read(a, m);
            Checkpoint y = Checkpoints.read(b, m);
            assertEquals(x.state().step(), y.state().step(), how);
            for (int i = 0; i < x.parameters().size(); i++) {
                assertArrayEquals(x.parameters().get(i).toFloatArray(), y.parameters().get(i).toFloatArray(), how);
                assertArrayEquals(x.ema().get(i).toFloatArray(), y.ema().get(i).toFloatArray(), how);
                assertArrayEquals(x.adamFirst().get(i).toFloatArray(), y.adamFirst().get(i).toFloatArray(), how);
                assertArrayEquals(x.adamSecond().get(i).toFloatArray(), y.adamSecond().get(i).toFloatArray(), how);
            }
            assertArrayEquals(x.state().lossWeightState(), y.state().lossWeightState(), how);
        }
    }

    private static void copyTree(Path from, Path to) throws IOException {
        try (Stream<Path> s = Files.walk(from)) {
            for (Path p : (Iterable<Path>) s::iterator) {
                Path target = to.resolve(from.relativize(p).toString());
                if (Files.isDirectory(p)) {
                    Files.createDirectories(target);
                } else {
                    Files.copy(p, target);
                }
            }
        }
    }

    @Test
    void fusedAndCompositeOptimizerStepsTrainAlike() throws IOException {
        IndependentCoupling coupling = new IndependentCoupling(twoClusters());
        Path fused = dir.resolve("fused");
        Path composite = dir.resolve("composite");
        train(fused, coupling, settings(20, 20), false);
        FusedKernels.withComposite(() -> {
            try {
                return train(composite, coupling, settings(20, 20), false);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        });
        assertArrayEquals(losses(composite), losses(fused), 1e-4);
        try (NDManager m = Engines.newManager()) {
            Checkpoint a = Checkpoints.read(fused.resolve(FlowTrainer.FINAL_CHECKPOINT), m);
            Checkpoint b = Checkpoints.read(composite.resolve(FlowTrainer.FINAL_CHECKPOINT), m);
            for (int i = 0; i < a.parameters().size(); i++) {
                assertArrayEquals(b.parameters().get(i).toFloatArray(), a.parameters().get(i).toFloatArray(), 1e-4f);
                assertArrayEquals(b.ema().get(i).toFloatArray(), a.ema().get(i).toFloatArray(), 1e-4f);
                assertArrayEquals(b.adamSecond().get(i).toFloatArray(), a.adamSecond().get(i).toFloatArray(), 1e-5f);
            }
        }
    }

    @Test
    void lossDecreases() throws IOException {
        Path out = dir.resolve("run");
        TrainResult r = train(out, new IndependentCoupling(twoClusters()), settings(150, 150), false);
        double[] l = losses(out);
        assertTrue(l[l.length - 1] < 0.8 * l[0], "loss " + l[0] + " -> " + l[l.length - 1]);
        assertEquals(150, r.steps());
        assertEquals(150 * 64, r.samplesSeen());
        assertTrue(Files.exists(r.checkpoint()));
    }

    @Test
    void refusesToOverwriteARunWithoutResume() throws IOException {
        Path out = dir.resolve("run");
        train(out, new IndependentCoupling(twoClusters()), settings(10, 10), false);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> train(out, new IndependentCoupling(twoClusters()), settings(10, 10), false));
        assertTrue(e.getMessage().contains("--resume"), e.getMessage());
    }

    @Test
    void nonFiniteLossStopsAndKeepsTheLastGoodCheckpoint() throws IOException {
        IndependentCoupling good = new IndependentCoupling(twoClusters());
        Coupling poisoned = new Coupling() {
            private int calls;

            @Override
            public PairBatch sample(RandomGenerator rng, int batchSize) {
                PairBatch b = good.sample(rng, batchSize);
                if (++calls > 12) {
                    b.x0()[0] = Float.NaN;
                }
                return b;
            }

            @Override
            public long[] sampleShape() {
                return good.sampleShape();
            }
        };
        Path out = dir.resolve("run");
        NonFiniteLossException e = assertThrows(NonFiniteLossException.class,
                () -> train(out, poisoned, settings(40, 10), false));
        assertTrue(e.getMessage().contains("step 13") && e.getMessage().contains("step-0000000010.ckpt"),
                e.getMessage());
        try (NDManager m = Engines.newManager()) {
            Checkpoint c = Checkpoints.read(new CheckpointDirectory(out).fileFor(10), m);
            assertEquals(10, c.state().step());
            for (int i = 0; i < c.parameters().size(); i++) {
                for (float v : c.parameters().get(i).toFloatArray()) {
                    assertTrue(Float.isFinite(v));
                }
            }
        }
        assertTrue(new CheckpointDirectory(out).list().size() == 1, "no checkpoint after the divergence");
        List<JsonNode> log = TrainingLog.read(out.resolve(FlowTrainer.LOG_FILE));
        assertEquals(2, log.size());
    }
}
