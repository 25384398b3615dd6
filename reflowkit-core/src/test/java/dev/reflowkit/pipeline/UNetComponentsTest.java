package dev.reflowkit.pipeline;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import ai.djl.nn.Parameter;
import ai.djl.util.Pair;
import dev.reflowkit.config.Config;
import dev.reflowkit.config.ConfigLoader;
import dev.reflowkit.config.ReflowConfig;
import dev.reflowkit.coupling.Coupling;
import dev.reflowkit.coupling.PairBatch;
import dev.reflowkit.engine.Engines;
import dev.reflowkit.field.ConditionalField;
import dev.reflowkit.model.BlockConditionalField;
import dev.reflowkit.model.BlockVelocityField;
import dev.reflowkit.model.UNetVelocityNet;
import dev.reflowkit.train.Checkpoint;
import dev.reflowkit.train.Checkpoints;
import dev.reflowkit.train.FlowTrainer;
import dev.reflowkit.train.ProgressBar;
import dev.reflowkit.train.TrainResult;
import dev.reflowkit.train.TrainingState;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.random.RandomGenerator;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code model.type unet} through {@link Components#model} and a checkpoint round trip. */
class UNetComponentsTest {

    private static final long[] IMAGE = {1, 8, 8};

    private static Config unet(String... more) {
        List<String> o = new ArrayList<>(List.of("model.type=unet", "model.channels=8", "model.groups=4",
                "model.channel_mult=[1,2]", "model.time_dim=8", "model.zero_init=false"));
        o.addAll(List.of(more));
        return ConfigLoader.load(ReflowConfig.schema(), null, o);
    }

    @Test
    void buildsAnInitializedUNetForImageSamples() {
        try (NDManager m = Engines.newManager()) {
            Block block = Components.model(unet("model.attention_resolutions=[4]", "model.res_blocks=2",
                    "model.activation=gelu", "model.dropout=0.1"), IMAGE, m);
            UNetVelocityNet net = assertInstanceOf(UNetVelocityNet.class, block);
            for (String setting : List.of("1x8x8", "channels=8", "mult=[1, 2]", "res_blocks=2", "attention=[4]+mid",
                    "groups=4", "gelu", "time=8", "dropout=0.1")) {
                assertTrue(net.toString().contains(setting), setting + " in " + net);
            }
            assertTrue(block.isInitialized());
            NDArray v = new BlockVelocityField(block, m).velocity(m.randomNormal(new Shape(2, 1, 8, 8)),
                    m.create(new float[] {0.3f, 0.7f}));
            assertEquals(new Shape(2, 1, 8, 8), v.getShape());
        }
    }

    @Test
    void sameSeedSameWeights() {
        try (NDManager m = Engines.newManager()) {
            Block a = Components.model(unet("seed=5"), IMAGE, m);
            Block b = Components.model(unet("seed=5"), IMAGE, m);
            Block c = Components.model(unet("seed=6"), IMAGE, m);
            NDArray wa = a.getParameters().get("03in_weight").getArray();
            assertArrayEquals(wa.toFloatArray(), b.getParameters().get("03in_weight").getArray().toFloatArray());
            assertFalse(Arrays.equals(wa.toFloatArray(),
                    c.getParameters().get("03in_weight").getArray().toFloatArray()));
        }
    }

    @Test
    void shapeAndLayoutErrorsNameTheProblem() {
        try (NDManager m = Engines.newManager()) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> Components.model(unet(), new long[] {64}, m));
            assertTrue(e.getMessage().contains("model.type unet needs image samples of shape {C, H, W}")
                    && e.getMessage().contains("model.type mlp"), e.getMessage());
            e = assertThrows(IllegalArgumentException.class,
                    () -> Components.model(ReflowConfig.schema().defaults(), IMAGE, m));
            assertTrue(e.getMessage().contains("model.type mlp needs flat samples")
                    && e.getMessage().contains("model.type unet"), e.getMessage());
            e = assertThrows(IllegalArgumentException.class,
                    () -> Components.model(unet("model.channel_mult=[1,2,2]"), new long[] {1, 10, 10}, m));
            assertTrue(e.getMessage().contains("model.type unet for samples of shape (1, 10, 10)")
                    && e.getMessage().contains("divisible by 4"), e.getMessage());
            e = assertThrows(IllegalArgumentException.class,
                    () -> Components.model(unet("model.channels=12", "model.groups=8"), IMAGE, m));
            assertTrue(e.getMessage().contains("not divisible by 8 GroupNorm groups"), e.getMessage());
        }
    }

    /** Images of a bright 3x3 square on a dark 8x8 background (data) and Gaussian noise. */
    private static final Coupling SQUARES = new Coupling() {
        @Override
        public PairBatch sample(RandomGenerator rng, int batchSize) {
            float[] x0 = new float[batchSize * 64];
            float[] x1 = new float[batchSize * 64];
            Arrays.fill(x0, -1f);
            for (int i = 0; i < batchSize; i++) {
                int r = rng.nextInt(6);
                int c = rng.nextInt(6);
                for (int dr = 0; dr < 3; dr++) {
                    for (int dc = 0; dc < 3; dc++) {
                        x0[i * 64 + (r + dr) * 8 + c + dc] = 1f;
                    }
                }
            }
            for (int j = 0; j < x1.length; j++) {
                x1[j] = (float) rng.nextGaussian();
            }
            return new PairBatch(x0, x1, batchSize, IMAGE);
        }

        @Override
        public long[] sampleShape() {
            return IMAGE;
        }
    };

    @Test
    void flowTrainerTrainsAUNetOnImagesAndItsCheckpointLoads(@TempDir Path dir) throws IOException {
        Config config = unet("model.zero_init=true", "train.steps=40", "train.batch_size=16", "train.warmup_steps=0",
                "train.lr=0.002", "train.log_every=10", "train.checkpoint_every=40");
        Path run = dir.resolve("run");
        try (NDManager m = Engines.newManager()) {
            Block model = Components.model(config, IMAGE, m);
            TrainResult result = FlowTrainer.builder()
                    .setModel(model, m)
                    .setCoupling(SQUARES)
                    .setTimeDistribution(Components.timeDistribution(config))
                    .setLoss(Components.loss(config))
                    .setSettings(Components.trainSettings(config))
                    .setOutputDir(run)
                    .optConfig(config.toNestedMap())
                    .optProgress(new ProgressBar(new PrintStream(new ByteArrayOutputStream()), 40, false))
                    .build()
                    .run(false);
            assertEquals(40, result.steps());
            List<String> log = Files.readAllLines(run.resolve(FlowTrainer.LOG_FILE));
            double first = lossOf(log.get(0));
            double last = lossOf(log.get(log.size() - 1));
            assertTrue(last < 0.8 * first, "mean loss of steps 1-10 " + first + ", of steps 31-40 " + last);

            TrainedModel loaded = TrainedModel.load(result.checkpoint(), false, m);
            assertArrayEquals(IMAGE, loaded.sampleShape());
            NDArray x = m.randomNormal(new Shape(2, 1, 8, 8));
            NDArray t = m.create(new float[] {0.5f, 0.5f});
            float[] expected = new BlockVelocityField(model, m).velocity(x, t).toFloatArray();
            assertArrayEquals(expected, loaded.field().velocity(x, t).toFloatArray());
        }
    }

    private static double lossOf(String jsonLine) {
        Matcher matcher = Pattern.compile("\"loss\"\\s*:\\s*([0-9.eE+-]+)").matcher(jsonLine);
        assertTrue(matcher.find(), jsonLine);
        return Double.parseDouble(matcher.group(1));
    }

    @Test
    void checkpointRoundTripGivesIdenticalOutputs(@TempDir Path dir) throws IOException {
        Config config = unet("model.classes=3", "seed=9");
        try (NDManager m = Engines.newManager()) {
            Block block = Components.model(config, IMAGE, m);
            List<String> names = new ArrayList<>();
            NDList weights = new NDList();
            NDList ema = new NDList();
            NDList moments = new NDList();
            for (Pair<String, Parameter> p : block.getParameters()) {
                names.add(p.getKey());
                weights.add(p.getValue().getArray());
                ema.add(p.getValue().getArray().mul(m.create(0.5f)));
                moments.add(p.getValue().getArray().zerosLike());
            }
            Path file = dir.resolve("unet.ckpt");
            Checkpoints.write(file, new Checkpoint(new TrainingState(7, 7 * 16, new double[0], 0, 0, 0),
                    config.toNestedMap(), IMAGE, names, weights, ema, moments, moments));

            NDArray x = m.randomNormal(new Shape(3, 1, 8, 8));
            NDArray t = m.create(new float[] {0.1f, 0.5f, 0.9f});
            NDArray labels = m.create(new int[] {0, 2, 3});
            ConditionalField original = new BlockConditionalField(block, 3, m);
            TrainedModel raw = TrainedModel.load(file, false, m);
            assertArrayEquals(IMAGE, raw.sampleShape());
            assertEquals(7, raw.step());
            assertEquals(3, raw.classes());
            assertArrayEquals(original.velocity(x, t, labels).toFloatArray(),
                    raw.conditional().velocity(x, t, labels).toFloatArray());
            assertArrayEquals(original.velocity(x, t).toFloatArray(), raw.field().velocity(x, t).toFloatArray());

            TrainedModel averaged = TrainedModel.load(file, true, m);
            assertFalse(Arrays.equals(original.velocity(x, t).toFloatArray(),
                    averaged.field().velocity(x, t).toFloatArray()), "the EMA weights are the halved ones");
            assertEquals(DataType.FLOAT32, averaged.field().velocity(x, t).getDataType());
        }
    }
}
