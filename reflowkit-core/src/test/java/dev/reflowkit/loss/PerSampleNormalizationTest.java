package dev.reflowkit.loss;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import dev.reflowkit.engine.Engines;
import java.util.SplittableRandom;
import java.util.function.ToDoubleFunction;
import org.junit.jupiter.api.Test;

/**
 * With {@code w = 1/sg[l + eps]} the gradient of the weighted loss is the gradient of {@code
 * mean log(l + eps)}: checked against finite differences on a tiny linear model {@code y = W x}.
 */
class PerSampleNormalizationTest {

    private static final int N = 5;
    private static final int IN = 4;
    private static final int OUT = 3;

    private final float[] x = new float[N * IN];
    private final float[] target = new float[N * OUT];
    private final float[] w0 = new float[OUT * IN];

    PerSampleNormalizationTest() {
        SplittableRandom rng = new SplittableRandom(9);
        for (int i = 0; i < x.length; i++) {
            x[i] = (float) rng.nextGaussian();
        }
        for (int i = 0; i < w0.length; i++) {
            w0[i] = (float) (0.5 * rng.nextGaussian());
        }
        // per-sample losses spanning orders of magnitude, as in ReFlow
        for (int i = 0; i < N; i++) {
            double scale = Math.pow(10, i - 2);
            for (int o = 0; o < OUT; o++) {
                target[i * OUT + o] = (float) (scale * rng.nextGaussian());
            }
        }
    }

    /** Per-sample MSE of the linear model in double precision. */
    private double[] losses(double[] w) {
        double[] l = new double[N];
        for (int i = 0; i < N; i++) {
            for (int o = 0; o < OUT; o++) {
                double y = 0;
                for (int j = 0; j < IN; j++) {
                    y += w[o * IN + j] * x[i * IN + j];
                }
                double e = y - target[i * OUT + o];
                l[i] += e * e / OUT;
            }
        }
        return l;
    }

    private double[] finiteDifference(ToDoubleFunction<double[]> f) {
        double[] grad = new double[w0.length];
        double h = 1e-6;
        for (int k = 0; k < w0.length; k++) {
            double[] plus = new double[w0.length];
            double[] minus = new double[w0.length];
            for (int j = 0; j < w0.length; j++) {
                plus[j] = w0[j];
                minus[j] = w0[j];
            }
            plus[k] += h;
            minus[k] -= h;
            grad[k] = (f.applyAsDouble(plus) - f.applyAsDouble(minus)) / (2 * h);
        }
        return grad;
    }

    private float[] autogradOf(LossWeight weight, boolean gcBeforeBackward) {
        GeneralizedLoss loss =
                GeneralizedLoss.builder().setLoss(MseLoss.of()).optWeight(weight).build();
        try (NDManager m = Engines.newManager()) {
            NDArray w = m.create(w0, new Shape(OUT, IN));
            w.setRequiresGradient(true);
            NDArray input = m.create(x, new Shape(N, IN));
            NDArray y = m.create(target, new Shape(N, OUT));
            NDArray t = m.create(new float[] {0.1f, 0.3f, 0.5f, 0.7f, 0.9f});
            try (GradientCollector gc = Engines.engine().newGradientCollector()) {
                NDArray objective = loss.compute(input.matMul(w.transpose()), y, t);
                if (gcBeforeBackward) {
                    System.gc();
                }
                gc.backward(objective);
            }
            return w.getGradient().toFloatArray();
        }
    }

    private static void assertClose(double[] expected, float[] actual, double relTol, String what) {
        double scale = 0;
        for (double v : expected) {
            scale = Math.max(scale, Math.abs(v));
        }
        for (int k = 0; k < expected.length; k++) {
            assertEquals(expected[k], actual[k], relTol * scale, what + " [" + k + "]");
        }
    }

    private static double relativeDifference(double[] a, double[] b) {
        double num = 0;
        double den = 0;
        for (int k = 0; k < a.length; k++) {
            num += (a[k] - b[k]) * (a[k] - b[k]);
            den += b[k] * b[k];
        }
        return Math.sqrt(num / den);
    }

    @Test
    void gradientIsGradientOfLogLoss() {
        for (double eps : new double[] {0.0, 1e-3, 0.1}) {
            double[] logGrad = finiteDifference(w -> {
                double s = 0;
                for (double l : losses(w)) {
                    s += Math.log(l + eps);
                }
                return s / N;
            });
            float[] got = autogradOf(PerSampleNormalization.builder().optEps(eps).build(), false);
            assertClose(logGrad, got, 1e-4, "eps " + eps);
        }
    }

    @Test
    void gradientDiffersFromUnnormalizedGradient() {
        double[] plainGrad = finiteDifference(w -> {
            double s = 0;
            for (double l : losses(w)) {
                s += l;
            }
            return s / N;
        });
        assertClose(plainGrad, autogradOf(ConstantWeight.one(), false), 1e-4, "constant weight");
        double[] normalized = new double[w0.length];
        float[] got = autogradOf(PerSampleNormalization.builder().optEps(0).build(), false);
        for (int k = 0; k < got.length; k++) {
            normalized[k] = got[k];
        }
        double diff = relativeDifference(normalized, plainGrad);
        assertTrue(diff > 0.5, "normalized vs plain gradient relative difference " + diff);
    }

    @Test
    void gradientSurvivesGarbageCollectionBeforeBackward() {
        float[] reference = autogradOf(PerSampleNormalization.builder().build(), false);
        for (int trial = 0; trial < 10; trial++) {
            float[] got = autogradOf(PerSampleNormalization.builder().build(), true);
            assertArrayEquals(reference, got, 1e-6f, "trial " + trial);
        }
    }

    @Test
    void weightsAreInverseDetachedLosses() {
        try (NDManager m = Engines.newManager()) {
            NDArray l = m.create(new float[] {0.5f, 2f, 0f});
            l.setRequiresGradient(true);
            NDArray w;
            try (GradientCollector gc = Engines.engine().newGradientCollector()) {
                w = PerSampleNormalization.builder().optEps(0.5).build().weight(l, l.zerosLike());
                gc.backward(w.mul(l).sum());
            }
            assertArrayEquals(new float[] {1f, 0.4f, 2f}, w.toFloatArray(), 1e-6f);
            // detached: d(w l)/dl = w; without detaching it would be eps / (l + eps)^2
            assertArrayEquals(w.toFloatArray(), l.getGradient().toFloatArray(), 1e-6f);
        }
        assertEquals(1e-3, PerSampleNormalization.builder().build().eps());
        assertThrows(
                IllegalArgumentException.class, () -> PerSampleNormalization.builder().optEps(-1));
    }
}
