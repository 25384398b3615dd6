package dev.reflowkit.model;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import ai.djl.training.GradientCollector;
import ai.djl.training.ParameterStore;
import ai.djl.util.Pair;
import dev.reflowkit.engine.Engines;
import dev.reflowkit.path.LinearPath;
import dev.reflowkit.path.PathSample;
import dev.reflowkit.train.AdamOptimizer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

class UNetVelocityNetTest {

    /** A tiny network: 8 base channels, 4 groups, 8-wide time sinusoid. */
    private static UNetVelocityNet.Builder tiny(long... shape) {
        return UNetVelocityNet.builder().setSampleShape(shape).optChannels(8).optGroups(4)
                .optTimeEmbedding(8, 1000f);
    }

    private static UNetVelocityNet init(UNetVelocityNet net, NDManager m) {
        long[] s = net.sampleShape();
        net.initialize(m, DataType.FLOAT32, new Shape(1, s[0], s[1], s[2]), new Shape(1));
        return net;
    }

    private static long parameterCount(UNetVelocityNet net) {
        long total = 0;
        for (Pair<String, Parameter> p : net.getParameters()) {
            total += p.getValue().getArray().size();
        }
        return total;
    }

    @Test
    void outputHasTheShapeOfTheInputForSeveralLayouts() {
        List<UNetVelocityNet.Builder> layouts = List.of(
                tiny(1, 8, 8).optChannelMult(1, 2),
                tiny(3, 8, 8).optChannelMult(1, 2).optResBlocks(2).optAttentionResolutions(List.of(4, 8)),
                tiny(1, 12, 12).optChannelMult(1, 2, 2).optMidAttention(false).optActivation(ActivationKind.GELU),
                tiny(2, 8, 12).optChannelMult(1, 1, 2).optAttentionResolutions(List.of(2)),
                tiny(1, 4, 4).optChannelMult(2).optDropout(0.1f),
                tiny(1, 16, 16).optUpsampleConv(false));
        try (NDManager m = Engines.newManager()) {
            ParameterStore ps = new ParameterStore(m, false);
            for (UNetVelocityNet.Builder b : layouts) {
                UNetVelocityNet net = init(b.optZeroInit(false).build(), m);
                long[] s = net.sampleShape();
                Shape shape = new Shape(3, s[0], s[1], s[2]);
                NDArray x = m.randomNormal(shape);
                NDArray t = m.randomUniform(0, 1, new Shape(3));
                NDArray v = new BlockVelocityField(net, m).velocity(x, t);
                assertEquals(shape, v.getShape(), net.toString());
                NDArray trained = net.forward(ps, new NDList(x, t), true).singletonOrThrow();
                assertEquals(shape, trained.getShape(), net.toString());
                NDArray flat = new BlockVelocityField(net, m).velocity(x.reshape(3, -1), t);
                assertEquals(new Shape(3, shape.size() / 3), flat.getShape(), "flat input, flat output");
                assertArrayEquals(v.toFloatArray(), flat.toFloatArray(), 1e-6f, "flat = row-major C, H, W");
            }
        }
    }

    @Test
    void hasTheDdpmLayoutsParameters() {
        try (NDManager m = Engines.newManager()) {
            UNetVelocityNet net = init(tiny(1, 8, 8).optChannelMult(1, 2).build(), m);
            // Counted by hand (time MLP, input conv, 1 + 2 residual blocks per level with concatenated
            // skips, stride-2 and upsampling convs, middle res + attention + res, output norm and conv).
            assertEquals(41_609, parameterCount(net));
            assertArrayEquals(new int[] {8, 4}, net.levelResolutions());
            UNetVelocityNet plain = init(tiny(1, 8, 8).optChannelMult(1, 2).optUpsampleConv(false).build(), m);
            assertEquals(41_609 - (16 * 16 * 9 + 16), parameterCount(plain), "no 3x3 conv after upsampling");
            UNetVelocityNet conditional = init(tiny(1, 8, 8).optChannelMult(1, 2).optClasses(3).build(), m);
            assertEquals(41_609 + 4 * 8, parameterCount(conditional), "a (classes + 1) x time_dim table");
            assertEquals("class_embedding", conditional.getParameters().get(0).getKey());
        }
    }

    @Test
    void zeroInitialisedNetworkStartsAtZeroAndOtherwiseDependsOnTime() {
        try (NDManager m = Engines.newManager()) {
            NDArray x = m.randomNormal(new Shape(2, 1, 8, 8));
            NDArray early = m.create(new float[] {0.1f, 0.1f});
            NDArray late = m.create(new float[] {0.9f, 0.9f});
            BlockVelocityField zero = new BlockVelocityField(init(tiny(1, 8, 8).optChannelMult(1, 2).build(), m), m);
            assertArrayEquals(new float[2 * 64], zero.velocity(x, early).toFloatArray());
            BlockVelocityField f = new BlockVelocityField(
                    init(tiny(1, 8, 8).optChannelMult(1, 2).optZeroInit(false).build(), m), m);
            assertFalse(Arrays.equals(f.velocity(x, early).toFloatArray(), f.velocity(x, late).toFloatArray()));
        }
    }

    @Test
    void channelsLastSamplingGivesTheSameVelocitiesAsNchw() {
        try (NDManager m = Engines.newManager()) {
            // Widths 16, 32 and 32 (concatenations 48 and 64), attention at 8x8 and in the middle:
            // narrow NCHW and wide channels-last activations meet in every kind of block.
            UNetVelocityNet[] nets = new UNetVelocityNet[2];
            for (int k = 0; k < 2; k++) {
                Engines.engine().setRandomSeed(11);
                nets[k] = UNetVelocityNet.builder().setSampleShape(1, 16, 16).optChannels(16)
                        .optChannelMult(1, 2, 2).optAttentionResolutions(List.of(8)).optGroups(4).optDropout(0.1f)
                        .optZeroInit(false).optTimeEmbedding(16, 1000f).optClasses(3).optChannelsLast(k == 1)
                        .build();
                nets[k].initialize(m, DataType.FLOAT32, new Shape(1, 1, 16, 16), new Shape(1));
            }
            for (int i = 0; i < nets[0].getParameters().size(); i++) {
                assertArrayEquals(nets[0].getParameters().get(i).getValue().getArray().toFloatArray(),
                        nets[1].getParameters().get(i).getValue().getArray().toFloatArray(), "same initial weights");
            }
            NDArray x = m.randomNormal(new Shape(6, 1, 16, 16));
            NDArray t = m.randomUniform(0, 1, new Shape(6));
            NDArray labels = m.create(new int[] {0, 1, 2, 3, 0, 1});
            float[][] v = new float[2][];
            float[][] recorded = new float[2][];
            for (int k = 0; k < 2; k++) {
                v[k] = new BlockConditionalField(nets[k], 3, m).velocity(x, t, labels).toFloatArray();
                NDList in = new NDList(x, t, labels);
                UNetVelocityNet net = nets[k];
                try (GradientCollector gc = Engines.engine().newGradientCollector()) {
                    recorded[k] = net.forward(new ParameterStore(m, false), in, false).singletonOrThrow().toFloatArray();
                }
            }
            double scale = 0;
            for (float f : v[0]) {
                scale = Math.max(scale, Math.abs(f));
            }
            assertTrue(scale > 0.1, "a velocity that is not trivially zero");
            assertArrayEquals(v[0], v[1], (float) (1e-5 * scale + 1e-6), "sampling: channels-last = NCHW");
            assertArrayEquals(recorded[0], recorded[1], 0f, "with a graph both take the NCHW path");
            assertArrayEquals(v[0], recorded[0], (float) (1e-5 * scale + 1e-6));
        }
    }

    @Test
    void classLabelsChangeTheVelocityAndTheNullLabelIsTheDefault() {
        try (NDManager m = Engines.newManager()) {
            UNetVelocityNet net = init(tiny(1, 8, 8).optChannelMult(1, 2).optClasses(4).optZeroInit(false).build(), m);
            assertEquals(4, net.classes());
            BlockConditionalField f = new BlockConditionalField(net, 4, m);
            NDArray x = m.randomNormal(new Shape(4, 1, 8, 8));
            NDArray t = m.randomUniform(0, 1, new Shape(4));
            float[] c0 = f.velocity(x, t, m.zeros(new Shape(4), DataType.INT32)).toFloatArray();
            float[] c1 = f.velocity(x, t, m.ones(new Shape(4), DataType.INT32)).toFloatArray();
            float[] nullClass = f.velocity(x, t, m.full(new Shape(4), 4, DataType.INT32)).toFloatArray();
            assertFalse(Arrays.equals(c0, c1), "labels change the velocity");
            assertFalse(Arrays.equals(c0, nullClass), "a class differs from the null class");
            assertArrayEquals(nullClass, f.velocity(x, t).toFloatArray(), "no labels = the null class");
            assertArrayEquals(c1, f.velocity(x, t, m.ones(new Shape(4))).toFloatArray(), "float labels work too");
            float[] mixed = f.velocity(x, t, m.create(new int[] {0, 1, 4, 4})).toFloatArray();
            assertArrayEquals(Arrays.copyOfRange(c0, 0, 64), Arrays.copyOfRange(mixed, 0, 64), "per-sample labels");
            assertArrayEquals(Arrays.copyOfRange(c1, 64, 128), Arrays.copyOfRange(mixed, 64, 128), "per-sample labels");

            UNetVelocityNet unconditional = init(tiny(1, 8, 8).optChannelMult(1, 2).build(), m);
            assertThrows(IllegalArgumentException.class, () -> unconditional.forward(new ParameterStore(m, false),
                    new NDList(x, t, m.zeros(new Shape(4))), false));
        }
    }

    @Test
    void gradientsMatchADirectionalFiniteDifference() {
        Engine engine = Engines.engine();
        try (NDManager m = Engines.newManager()) {
            engine.setRandomSeed(7);
            UNetVelocityNet net = init(tiny(1, 8, 8).optChannelMult(1, 2).optAttentionResolutions(List.of(4))
                    .optClasses(2).optZeroInit(false).build(), m);
            ParameterStore ps = new ParameterStore(m, false);
            NDArray x = m.randomNormal(new Shape(3, 1, 8, 8));
            NDArray t = m.create(new float[] {0.2f, 0.5f, 0.9f});
            NDArray labels = m.create(new int[] {0, 1, 2});
            NDArray r = m.randomNormal(new Shape(3, 1, 8, 8));
            List<NDArray> weights = new ArrayList<>();
            List<NDArray> directions = new ArrayList<>();
            for (Pair<String, Parameter> p : net.getParameters()) {
                weights.add(p.getValue().getArray());
                directions.add(m.randomNormal(p.getValue().getArray().getShape()));
            }
            double analytic = 0;
            try (GradientCollector gc = engine.newGradientCollector()) {
                NDArray v = net.forward(ps, new NDList(x, t, labels), true).singletonOrThrow();
                gc.backward(v.mul(r).sum());
            }
            for (int i = 0; i < weights.size(); i++) {
                analytic += weights.get(i).getGradient().mul(directions.get(i)).sum().getFloat();
            }
            float h = 1e-3f;
            double[] f = new double[2];
            for (int side = 0; side < 2; side++) {
                NDArray step = m.create(side == 0 ? h : -2 * h);
                for (int i = 0; i < weights.size(); i++) {
                    weights.get(i).addi(directions.get(i).mul(step));
                }
                f[side] = net.forward(ps, new NDList(x, t, labels), false).singletonOrThrow().mul(r).sum().getFloat();
            }
            double numeric = (f[0] - f[1]) / (2 * h);
            // Central differences err by O(h^2): 0.2% here at h = 1e-3 (20% at 1e-2, as expected).
            assertEquals(analytic, numeric, 1e-2 * Math.abs(analytic), "directional derivative");
        }
    }

    @Test
    void aFewAdamStepsOnATinyFlowMatchingProblemReduceTheLoss() {
        Engine engine = Engines.engine();
        try (NDManager m = Engines.newManager()) {
            engine.setRandomSeed(3);
            UNetVelocityNet net = init(tiny(1, 8, 8).optChannelMult(1, 2).optZeroInit(false).build(), m);
            List<NDArray> weights = new ArrayList<>();
            for (Pair<String, Parameter> p : net.getParameters()) {
                weights.add(p.getValue().getArray());
            }
            AdamOptimizer adam = new AdamOptimizer(new AdamOptimizer.Settings(0.9, 0.999, 1e-8, 0, false), weights, m);
            ParameterStore ps = new ParameterStore(m, false);
            // Data: bright squares at random places; noise: standard normal; fixed times.
            NDArray x0 = m.full(new Shape(16, 1, 8, 8), -1f);
            for (int i = 0; i < 16; i++) {
                int r = i % 5;
                int c = (i * 3) % 5;
                x0.set(new NDIndex(i + ",0," + r + ":" + (r + 3) + "," + c + ":" + (c + 3)), 1f);
            }
            NDArray x1 = m.randomNormal(new Shape(16, 1, 8, 8));
            NDArray t = m.randomUniform(0, 1, new Shape(16));
            PathSample sample = LinearPath.sample(x0, x1, t);
            float first = Float.NaN;
            float last = Float.NaN;
            for (int step = 0; step < 40; step++) {
                try (NDManager sub = m.newSubManager(); NDScope scope = new NDScope()) {
                    scope.suppressNotUsedWarning();
                    NDArray loss;
                    try (GradientCollector gc = engine.newGradientCollector()) {
                        NDArray v = net.forward(ps, new NDList(sample.xt(), t), true).singletonOrThrow();
                        NDArray d = v.sub(sample.target());
                        loss = d.mul(d).mean();
                        gc.backward(loss);
                    }
                    last = loss.getFloat();
                    if (step == 0) {
                        first = last;
                    }
                    List<NDArray> grads = new ArrayList<>();
                    for (NDArray w : weights) {
                        grads.add(w.getGradient());
                    }
                    adam.update(weights, grads, 1e-3, 1.0);
                }
            }
            assertTrue(Float.isFinite(last));
            assertTrue(last < 0.5f * first, "loss " + first + " -> " + last);
        }
    }

    @Test
    void rejectsLayoutsThatDoNotFitTheImageWithClearMessages() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> tiny(1, 14, 14).optChannelMult(1, 2, 2).build());
        assertTrue(e.getMessage().contains("divisible by 4") && e.getMessage().contains("14x14"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> tiny(1, 8, 8).optChannels(12).optGroups(8).build());
        assertTrue(e.getMessage().contains("12") && e.getMessage().contains("8 GroupNorm groups"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class,
                () -> tiny(1, 16, 16).optAttentionResolutions(List.of(5)).build());
        assertTrue(e.getMessage().contains("attention resolution 5") && e.getMessage().contains("[16, 8, 4]"),
                e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> UNetVelocityNet.builder().setSampleShape(64));
        assertTrue(e.getMessage().contains("{C, H, W}"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> UNetVelocityNet.builder().build());
        assertThrows(IllegalArgumentException.class, () -> tiny(1, 8, 8).optChannelMult().build());
        assertThrows(IllegalArgumentException.class, () -> tiny(1, 8, 8).optResBlocks(0).build());
        assertThrows(IllegalArgumentException.class, () -> tiny(1, 8, 8).optDropout(1f).build());
        assertThrows(IllegalArgumentException.class, () -> tiny(1, 8, 8).optClasses(-1).build());
    }
}
