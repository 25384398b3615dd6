package dev.reflowkit.model;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import ai.djl.training.GradientCollector;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;
import dev.reflowkit.engine.Engines;
import dev.reflowkit.engine.FusedKernels;
import java.util.Arrays;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** The U-Net's building blocks: attention against a direct computation, residual and upsampling. */
class UNetBlocksTest {

    private static void randomize(PairList<String, Parameter> params, SplittableRandom rng) {
        for (Parameter p : params.values()) {
            NDArray a = p.getArray();
            float[] v = new float[(int) a.size()];
            for (int i = 0; i < v.length; i++) {
                v[i] = (float) (0.5 * rng.nextGaussian());
            }
            a.set(v);
        }
    }

    @Test
    void attentionMatchesADirectComputation() {
        int n = 2;
        int c = 4;
        int groups = 2;
        int p = 6; // H = 2, W = 3
        SplittableRandom rng = new SplittableRandom(5);
        try (NDManager m = Engines.newManager()) {
            AttentionBlock block = AttentionBlock.builder().setChannels(c).setGroups(groups).build();
            Shape shape = new Shape(n, c, 2, 3);
            block.initialize(m, DataType.FLOAT32, shape);
            randomize(block.getParameters(), rng);
            float[][] w = new float[6][];
            int k = 0;
            for (Parameter param : block.getParameters().values()) {
                w[k++] = param.getArray().toFloatArray();
            }
            float[] gamma = w[0];
            float[] beta = w[1];
            float[] wqkv = w[2];
            float[] bqkv = w[3];
            float[] wp = w[4];
            float[] bp = w[5];
            float[] x = new float[n * c * p];
            for (int i = 0; i < x.length; i++) {
                x[i] = (float) rng.nextGaussian();
            }
            float[] y = block.forward(new ParameterStore(m, false), new NDList(m.create(x, shape)), false)
                    .singletonOrThrow().toFloatArray();

            for (int b = 0; b < n; b++) {
                double[][] h = new double[c][p];
                for (int g = 0; g < groups; g++) {
                    int per = c / groups;
                    double mean = 0;
                    double sq = 0;
                    for (int ch = g * per; ch < (g + 1) * per; ch++) {
                        for (int i = 0; i < p; i++) {
                            mean += x[(b * c + ch) * p + i];
                        }
                    }
                    mean /= per * p;
                    for (int ch = g * per; ch < (g + 1) * per; ch++) {
                        for (int i = 0; i < p; i++) {
                            double d = x[(b * c + ch) * p + i] - mean;
                            sq += d * d;
                        }
                    }
                    double std = Math.sqrt(sq / (per * p) + 1e-5);
                    for (int ch = g * per; ch < (g + 1) * per; ch++) {
                        for (int i = 0; i < p; i++) {
                            h[ch][i] = gamma[ch] * (x[(b * c + ch) * p + i] - mean) / std + beta[ch];
                        }
                    }
                }
                double[][] qkv = new double[3 * c][p];
                for (int o = 0; o < 3 * c; o++) {
                    for (int i = 0; i < p; i++) {
                        double s = bqkv[o];
                        for (int ch = 0; ch < c; ch++) {
                            s += wqkv[o * c + ch] * h[ch][i];
                        }
                        qkv[o][i] = s;
                    }
                }
                for (int i = 0; i < p; i++) { // query position
                    double[] logits = new double[p];
                    double max = Double.NEGATIVE_INFINITY;
                    for (int j = 0; j < p; j++) { // key position
                        double s = 0;
                        for (int ch = 0; ch < c; ch++) {
                            s += qkv[ch][i] * qkv[c + ch][j];
                        }
                        logits[j] = s / Math.sqrt(c);
                        max = Math.max(max, logits[j]);
                    }
                    double z = 0;
                    for (int j = 0; j < p; j++) {
                        logits[j] = Math.exp(logits[j] - max);
                        z += logits[j];
                    }
                    double[] att = new double[c];
                    for (int ch = 0; ch < c; ch++) {
                        for (int j = 0; j < p; j++) {
                            att[ch] += qkv[2 * c + ch][j] * logits[j] / z;
                        }
                    }
                    for (int o = 0; o < c; o++) {
                        double s = bp[o] + x[(b * c + o) * p + i];
                        for (int ch = 0; ch < c; ch++) {
                            s += wp[o * c + ch] * att[ch];
                        }
                        assertEquals(s, y[(b * c + o) * p + i], 1e-4, "sample " + b + " channel " + o + " position " + i);
                    }
                }
            }
        }
    }

    @Test
    void zeroInitialisedBlocksStartAsTheirSkipPath() {
        try (NDManager m = Engines.newManager()) {
            ParameterStore ps = new ParameterStore(m, false);
            NDArray x = m.randomNormal(new Shape(3, 4, 4, 4));
            NDArray e = m.randomNormal(new Shape(3, 16));
            ResidualBlock same = ResidualBlock.builder().setChannels(4, 4).setGroups(2).optZeroInit(true).build();
            same.initialize(m, DataType.FLOAT32, x.getShape(), e.getShape());
            assertArrayEquals(x.toFloatArray(), same.forward(ps, new NDList(x, e), false).singletonOrThrow().toFloatArray());
            AttentionBlock attention = AttentionBlock.builder().setChannels(4).setGroups(2).optZeroInit(true).build();
            attention.initialize(m, DataType.FLOAT32, x.getShape());
            assertArrayEquals(x.toFloatArray(), attention.forward(ps, new NDList(x), false).singletonOrThrow().toFloatArray());

            ResidualBlock wider = ResidualBlock.builder().setChannels(4, 8).setGroups(2).optZeroInit(true).build();
            wider.initialize(m, DataType.FLOAT32, x.getShape(), e.getShape());
            assertEquals(new Shape(8, 4, 1, 1), wider.getParameters().get("06skip_weight").getShape(), "1x1 skip conv");
            NDArray y = wider.forward(ps, new NDList(x, e), false).singletonOrThrow();
            assertEquals(new Shape(3, 8, 4, 4), y.getShape());
        }
    }

    @Test
    void residualBlockUsesTheEmbedding() {
        try (NDManager m = Engines.newManager()) {
            ParameterStore ps = new ParameterStore(m, false);
            NDArray x = m.randomNormal(new Shape(2, 4, 4, 4));
            ResidualBlock block = ResidualBlock.builder().setChannels(4, 4).setGroups(2).build();
            block.initialize(m, DataType.FLOAT32, x.getShape(), new Shape(2, 16));
            assertEquals(10, block.getParameters().size(), "2 norms, 2 convs, 1 linear; no skip conv");
            float[] a = block.forward(ps, new NDList(x, m.zeros(new Shape(2, 16))), false).singletonOrThrow().toFloatArray();
            float[] b = block.forward(ps, new NDList(x, m.ones(new Shape(2, 16))), false).singletonOrThrow().toFloatArray();
            assertFalse(Arrays.equals(a, b));
        }
        assertThrows(IllegalArgumentException.class, () -> ResidualBlock.builder().setChannels(6, 8).setGroups(4).build());
        assertThrows(IllegalArgumentException.class, () -> AttentionBlock.builder().setChannels(6).setGroups(4).build());
    }

    @Test
    void nearestUpsamplingRepeatsEachValueIntoA2x2Patch() {
        try (NDManager m = Engines.newManager()) {
            NDArray x = m.create(new float[] {1, 2, 3, 4, 5, 6}, new Shape(1, 1, 2, 3));
            NDArray y = Upsample.nearest2x(x);
            assertEquals(new Shape(1, 1, 4, 6), y.getShape());
            assertArrayEquals(new float[] {
                1, 1, 2, 2, 3, 3,
                1, 1, 2, 2, 3, 3,
                4, 4, 5, 5, 6, 6,
                4, 4, 5, 5, 6, 6}, y.toFloatArray());
            Upsample up = new Upsample(3);
            up.initialize(m, DataType.FLOAT32, new Shape(2, 3, 2, 2));
            NDArray out = up.forward(new ParameterStore(m, false), new NDList(m.ones(new Shape(2, 3, 2, 2))), false)
                    .singletonOrThrow();
            assertEquals(new Shape(2, 3, 4, 4), out.getShape());
            Upsample plain = new Upsample(1, false);
            plain.initialize(m, DataType.FLOAT32, new Shape(1, 1, 2, 3));
            assertEquals(0, plain.getParameters().size());
            assertArrayEquals(y.toFloatArray(), plain.forward(new ParameterStore(m, false), new NDList(x), false)
                    .singletonOrThrow().toFloatArray());
        }
    }

    @Test
    void fusedUpsamplingEqualsTheEnginesForwardAndBackward() {
        assertTrue(FusedKernels.enabled());
        try (NDManager m = Engines.newManager()) {
            float[] v = new float[2 * 3 * 4 * 5];
            for (int i = 0; i < v.length; i++) {
                v[i] = (float) Math.sin(i * 0.7) * 3;
            }
            v[7] = Float.NaN;
            v[11] = Float.POSITIVE_INFINITY;
            NDArray special = m.create(v, new Shape(2, 3, 4, 5));
            float[] fused = Upsample.nearest2x(special).toFloatArray();
            float[] engine = FusedKernels.withComposite(() -> Upsample.nearest2x(special)).toFloatArray();
            assertArrayEquals(engine, fused, 0f, "same values, NaN and infinity included");

            v[7] = 1f;
            v[11] = -2f;
            float[][] grads = new float[2][];
            for (int k = 0; k < 2; k++) {
                NDArray x = m.create(v, new Shape(2, 3, 4, 5));
                x.setRequiresGradient(true);
                NDArray w = m.arange(2 * 3 * 8 * 10).toType(DataType.FLOAT32, false).reshape(2, 3, 8, 10);
                try (GradientCollector gc = Engines.engine().newGradientCollector()) {
                    NDArray y = k == 0 ? Upsample.nearest2x(x) : FusedKernels.withComposite(() -> Upsample.nearest2x(x));
                    gc.backward(y.mul(w).sum());
                }
                grads[k] = x.getGradient().toFloatArray();
            }
            assertArrayEquals(grads[1], grads[0], 0f, "each input's gradient sums its 2x2 patch");
        }
    }
}
