package dev.reflowkit.model;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import ai.djl.training.ParameterStore;
import dev.reflowkit.engine.Engines;
import java.util.Arrays;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class GroupNormTest {

    private static final int N = 2;
    private static final int C = 6;
    private static final int H = 3;
    private static final int W = 2;
    private static final int G = 3;
    private static final double EPS = 1e-5;

    private static double[] random(SplittableRandom rng, int n, double scale, double shift) {
        double[] a = new double[n];
        for (int i = 0; i < n; i++) {
            a[i] = shift + scale * rng.nextGaussian();
        }
        return a;
    }

    /** GroupNorm computed directly, in double: the reference. */
    private static double[] reference(double[] x, double[] gamma, double[] beta) {
        double[] y = new double[x.length];
        int per = C / G * H * W;
        for (int n = 0; n < N; n++) {
            for (int g = 0; g < G; g++) {
                int start = (n * C + g * (C / G)) * H * W;
                double mean = 0;
                for (int i = 0; i < per; i++) {
                    mean += x[start + i];
                }
                mean /= per;
                double var = 0;
                for (int i = 0; i < per; i++) {
                    var += (x[start + i] - mean) * (x[start + i] - mean);
                }
                var /= per;
                for (int i = 0; i < per; i++) {
                    int c = g * (C / G) + i / (H * W);
                    y[start + i] = gamma[c] * (x[start + i] - mean) / Math.sqrt(var + EPS) + beta[c];
                }
            }
        }
        return y;
    }

    private static double weightedSum(double[] y, double[] w) {
        double s = 0;
        for (int i = 0; i < y.length; i++) {
            s += y[i] * w[i];
        }
        return s;
    }

    @Test
    void blockMatchesTheDefinitionInFloat32() {
        SplittableRandom rng = new SplittableRandom(1);
        double[] x = random(rng, N * C * H * W, 2.0, 3.0);
        try (NDManager m = Engines.newManager()) {
            GroupNorm gn = GroupNorm.builder().setGroups(G).build();
            Shape shape = new Shape(N, C, H, W);
            gn.initialize(m, DataType.FLOAT32, shape);
            assertEquals(new Shape(C), gn.getParameters().get("gamma").getArray().getShape());
            assertArrayEquals(new float[] {1, 1, 1, 1, 1, 1}, gn.getParameters().get("gamma").getArray().toFloatArray());
            assertArrayEquals(new float[C], gn.getParameters().get("beta").getArray().toFloatArray());
            double[] gamma = random(rng, C, 1.0, 0.0);
            double[] beta = random(rng, C, 1.0, 0.0);
            gn.getParameters().get("gamma").getArray().set(toFloat(gamma));
            gn.getParameters().get("beta").getArray().set(toFloat(beta));
            float[] y = gn.forward(new ParameterStore(m, false), new NDList(m.create(toFloat(x), shape)), false)
                    .singletonOrThrow().toFloatArray();
            double[] expected = reference(x, gamma, beta);
            for (int i = 0; i < y.length; i++) {
                assertEquals(expected[i], y[i], 2e-5, "element " + i);
            }
        }
    }

    @Test
    void gradientsMatchFiniteDifferencesInFloat64() {
        SplittableRandom rng = new SplittableRandom(2);
        double[] x = random(rng, N * C * H * W, 1.5, -0.5);
        double[] gamma = random(rng, C, 1.0, 1.0);
        double[] beta = random(rng, C, 1.0, 0.0);
        double[] w = random(rng, x.length, 1.0, 0.0);
        Engine engine = Engines.engine();
        try (NDManager m = Engines.newManager()) {
            Shape shape = new Shape(N, C, H, W);
            NDArray xa = m.create(x, shape);
            NDArray ga = m.create(gamma);
            NDArray ba = m.create(beta);
            xa.setRequiresGradient(true);
            ga.setRequiresGradient(true);
            ba.setRequiresGradient(true);
            try (GradientCollector gc = engine.newGradientCollector()) {
                NDArray y = GroupNorm.groupNorm(xa, G, ga, ba, (float) EPS);
                assertEquals(DataType.FLOAT64, y.getDataType());
                gc.backward(y.mul(m.create(w, shape)).sum());
            }
            double[] dx = xa.getGradient().toDoubleArray();
            double[] dg = ga.getGradient().toDoubleArray();
            double[] db = ba.getGradient().toDoubleArray();
            double h = 1e-6;
            for (int i = 0; i < x.length; i++) {
                double[] plus = x.clone();
                double[] minus = x.clone();
                plus[i] += h;
                minus[i] -= h;
                double fd = (weightedSum(reference(plus, gamma, beta), w)
                        - weightedSum(reference(minus, gamma, beta), w)) / (2 * h);
                assertEquals(fd, dx[i], 1e-6, "d/dx[" + i + "]");
            }
            // Analytic: d/dgamma_c = sum w * xhat over channel c, d/dbeta_c = sum w over channel c.
            double[] xhat = reference(x, ones(C), new double[C]);
            for (int c = 0; c < C; c++) {
                double sg = 0;
                double sb = 0;
                for (int n = 0; n < N; n++) {
                    for (int p = 0; p < H * W; p++) {
                        int i = (n * C + c) * H * W + p;
                        sg += w[i] * xhat[i];
                        sb += w[i];
                    }
                }
                assertEquals(sg, dg[c], 1e-9, "d/dgamma[" + c + "]");
                assertEquals(sb, db[c], 1e-9, "d/dbeta[" + c + "]");
            }
        }
    }

    @Test
    void normalizesEachGroupToZeroMeanAndUnitVariance() {
        try (NDManager m = Engines.newManager()) {
            NDArray x = m.randomNormal(5f, 3f, new Shape(4, 8, 5, 5), DataType.FLOAT32);
            NDArray y = GroupNorm.groupNorm(x, 2, m.ones(new Shape(8)), m.zeros(new Shape(8)), 1e-5f)
                    .reshape(4, 2, 4 * 25);
            for (float mean : y.mean(new int[] {2}).toFloatArray()) {
                assertEquals(0f, mean, 1e-5f);
            }
            for (float var : y.mul(y).mean(new int[] {2}).toFloatArray()) {
                assertEquals(1f, var, 1e-3f);
            }
        }
    }

    @Test
    void rejectsChannelsNotDivisibleByGroups() {
        assertThrows(IllegalArgumentException.class, () -> GroupNorm.builder().build());
        assertThrows(IllegalArgumentException.class, () -> GroupNorm.builder().setGroups(2).optEps(0f).build());
        try (NDManager m = Engines.newManager()) {
            GroupNorm gn = GroupNorm.builder().setGroups(4).build();
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> gn.initialize(m, DataType.FLOAT32, new Shape(1, 6, 2, 2)));
            assertTrue(e.getMessage().contains("6 channels") && e.getMessage().contains("4 groups"), e.getMessage());
        }
    }

    private static float[] toFloat(double[] a) {
        float[] f = new float[a.length];
        for (int i = 0; i < a.length; i++) {
            f[i] = (float) a[i];
        }
        return f;
    }

    private static double[] ones(int n) {
        double[] a = new double[n];
        Arrays.fill(a, 1.0);
        return a;
    }
}
