package dev.reflowkit.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import dev.reflowkit.engine.Engines;
import java.util.List;
import org.junit.jupiter.api.Test;

class AdamOptimizerTest {

    /** Reference Adam in double precision, PyTorch's formulation (bias-corrected moments). */
    private static double[] referenceAdam(double[] p, double[][] grads, double lr, double b1, double b2,
            double eps, double wd, boolean decoupled) {
        double[] m = new double[p.length];
        double[] v = new double[p.length];
        double[] x = p.clone();
        for (int k = 1; k <= grads.length; k++) {
            for (int i = 0; i < x.length; i++) {
                double g = grads[k - 1][i];
                if (decoupled) {
                    x[i] *= 1 - lr * wd;
                } else {
                    g += wd * x[i];
                }
                m[i] = b1 * m[i] + (1 - b1) * g;
                v[i] = b2 * v[i] + (1 - b2) * g * g;
                double mh = m[i] / (1 - Math.pow(b1, k));
                double vh = v[i] / (1 - Math.pow(b2, k));
                x[i] -= lr * mh / (Math.sqrt(vh) + eps);
            }
        }
        return x;
    }

    private static void check(boolean decoupled, double wd) {
        double[] p0 = {0.5, -1.25, 2.0, 0.0};
        double[][] grads = {{0.1, -0.2, 0.3, 1e-4}, {0.05, 0.4, -0.3, 0}, {-0.2, 0.1, 0.0, 2.5}};
        double[] expected = referenceAdam(p0, grads, 0.01, 0.9, 0.999, 1e-8, wd, decoupled);
        try (NDManager m = Engines.newManager()) {
            NDArray p = m.create(new float[] {0.5f, -1.25f, 2.0f, 0.0f});
            AdamOptimizer adam = new AdamOptimizer(
                    new AdamOptimizer.Settings(0.9, 0.999, 1e-8, wd, decoupled), List.of(p), m);
            for (double[] g : grads) {
                float[] gf = new float[g.length];
                for (int i = 0; i < g.length; i++) {
                    gf[i] = (float) g[i];
                }
                adam.update(List.of(p), List.of(m.create(gf)), 0.01, 1.0);
            }
            float[] got = p.toFloatArray();
            for (int i = 0; i < got.length; i++) {
                assertEquals(expected[i], got[i], 2e-6, "parameter " + i);
            }
            assertEquals(3, adam.count());
        }
    }

    @Test
    void matchesReferenceAdam() {
        check(false, 0.0);
    }

    @Test
    void matchesReferenceAdamWithL2() {
        check(false, 0.1);
    }

    @Test
    void matchesReferenceAdamW() {
        check(true, 0.1);
    }

    @Test
    void gradScaleIsAppliedBeforeTheMoments() {
        try (NDManager m = Engines.newManager()) {
            NDArray a = m.create(new float[] {1f, 1f});
            NDArray b = m.create(new float[] {1f, 1f});
            AdamOptimizer.Settings s = new AdamOptimizer.Settings(0.9, 0.999, 1e-8, 0, false);
            AdamOptimizer oa = new AdamOptimizer(s, List.of(a), m);
            AdamOptimizer ob = new AdamOptimizer(s, List.of(b), m);
            oa.update(List.of(a), List.of(m.create(new float[] {2f, -4f})), 0.1, 0.5);
            ob.update(List.of(b), List.of(m.create(new float[] {1f, -2f})), 0.1, 1.0);
            assertArrayEquals(b.toFloatArray(), a.toFloatArray(), 1e-7f);
            assertEquals(1.0f, oa.firstMoments().get(0).toFloatArray()[0] / 0.1f, 1e-5f);
        }
    }
}
