package dev.reflowkit.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import dev.reflowkit.engine.Engines;
import dev.reflowkit.engine.FusedKernels;
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

    /** Both update paths: the fused multi-tensor kernel and the per-parameter engine update. */
    private static void checkBothPaths(boolean decoupled, double wd) {
        check(decoupled, wd);
        FusedKernels.withComposite(() -> {
            check(decoupled, wd);
            return null;
        });
    }

    @Test
    void matchesReferenceAdam() {
        checkBothPaths(false, 0.0);
    }

    @Test
    void matchesReferenceAdamWithL2() {
        checkBothPaths(false, 0.1);
    }

    @Test
    void matchesReferenceAdamW() {
        checkBothPaths(true, 0.1);
    }

    @Test
    void theFusedUpdateTakesManyParametersAndScalesTheGradients() {
        assertTrue(FusedKernels.enabled());
        try (NDManager m = Engines.newManager()) {
            Engines.engine().setRandomSeed(4);
            List<NDArray> fused = List.of(m.randomNormal(new Shape(3, 5)), m.randomNormal(new Shape(7)),
                    m.randomNormal(new Shape(2, 2, 3, 3)));
            List<NDArray> plain = fused.stream().map(NDArray::duplicate).toList();
            AdamOptimizer.Settings s = new AdamOptimizer.Settings(0.9, 0.99, 1e-6, 0.01, true);
            AdamOptimizer a = new AdamOptimizer(s, fused, m);
            AdamOptimizer b = new AdamOptimizer(s, plain, m);
            for (int k = 0; k < 4; k++) {
                List<NDArray> grads = fused.stream().map(p -> p.getManager().randomNormal(p.getShape())).toList();
                List<NDArray> copies = grads.stream().map(NDArray::duplicate).toList();
                FusedKernels.withComposite(() -> {
                    b.update(plain, copies, 0.05, 0.3);
                    return null;
                });
                a.update(fused, grads, 0.05, 0.3);
                for (int i = 0; i < grads.size(); i++) {
                    float[] scaled = copies.get(i).toFloatArray();
                    for (int j = 0; j < scaled.length; j++) {
                        scaled[j] *= 0.3f;
                    }
                    assertArrayEquals(scaled, grads.get(i).toFloatArray(), 1e-6f, "gradient " + i + " left scaled");
                }
            }
            for (int i = 0; i < fused.size(); i++) {
                assertArrayEquals(plain.get(i).toFloatArray(), fused.get(i).toFloatArray(), 1e-6f, "parameter " + i);
                assertArrayEquals(b.firstMoments().get(i).toFloatArray(), a.firstMoments().get(i).toFloatArray(), 1e-6f);
                assertArrayEquals(b.secondMoments().get(i).toFloatArray(), a.secondMoments().get(i).toFloatArray(),
                        1e-6f);
            }
        }
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
