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
import org.junit.jupiter.api.Test;

class HighPassFilterLossTest {

    private static float[] gaussian(int n, long seed) {
        SplittableRandom rng = new SplittableRandom(seed);
        float[] out = new float[n];
        for (int i = 0; i < n; i++) {
            out[i] = (float) rng.nextGaussian();
        }
        return out;
    }

    @Test
    void lambdaZeroIsMse() {
        HighPassFilterLoss hpf = HighPassFilterLoss.builder().optLambda(0).optCutoff(0.3).build();
        try (NDManager m = Engines.newManager()) {
            NDArray e = m.create(gaussian(2 * 3 * 8 * 8, 1), new Shape(2, 3, 8, 8));
            assertArrayEquals(
                    MseLoss.of().perSample(e).toFloatArray(), hpf.perSample(e).toFloatArray(), 0f);
        }
        float[] a = hpf.filterMatrix(5, 4);
        for (int i = 0; i < 20; i++) {
            for (int j = 0; j < 20; j++) {
                assertEquals(i == j ? 1f : 0f, a[i * 20 + j], "A at lambda 0 is I");
            }
        }
    }

    @Test
    void constantErrorIsScaledByGainSquared() {
        for (double lambda : new double[] {0.5, 1, 3}) {
            for (double cutoff : new double[] {0.01, 0.125, 0.4}) {
                HighPassFilterLoss hpf =
                        HighPassFilterLoss.builder().optLambda(lambda).optCutoff(cutoff).build();
                try (NDManager m = Engines.newManager()) {
                    NDArray e = m.full(new Shape(2, 3, 8, 6), 0.7f);
                    float[] got = hpf.perSample(e).toFloatArray();
                    double expected = 0.49 / ((1 + lambda) * (1 + lambda));
                    for (float v : got) {
                        assertEquals(expected, v, 1e-6, "lambda " + lambda + ", cutoff " + cutoff);
                    }
                }
            }
        }
    }

    @Test
    void checkerboardIsUnchanged() {
        HighPassFilterLoss hpf = HighPassFilterLoss.builder().optLambda(4).optCutoff(0.5).build();
        int h = 8;
        int w = 6;
        float[] board = new float[2 * h * w];
        for (int c = 0; c < 2; c++) {
            for (int y = 0; y < h; y++) {
                for (int x = 0; x < w; x++) {
                    board[c * h * w + y * w + x] = ((x + y) % 2 == 0 ? 1f : -1f) * (c + 1);
                }
            }
        }
        try (NDManager m = Engines.newManager()) {
            NDArray e = m.create(board, new Shape(1, 2, h, w));
            assertArrayEquals(board, hpf.filter(e).toFloatArray(), 1e-5f);
            assertEquals(2.5f, hpf.perSample(e).getFloat(0), 1e-5f);
        }
    }

    @Test
    void projectionIsSymmetricIdempotentWithRankOfKeptModes() {
        int[][] sizes = {{8, 8}, {7, 6}, {5, 9}};
        double[] cutoffs = {0.2, 0.3, 0.45};
        for (int s = 0; s < sizes.length; s++) {
            int h = sizes[s][0];
            int w = sizes[s][1];
            int n = h * w;
            double[] p = HighPassFilterLoss.lowPassProjection(h, w, cutoffs[s]);
            double trace = 0;
            for (int i = 0; i < n; i++) {
                trace += p[i * n + i];
                for (int j = 0; j < n; j++) {
                    assertEquals(p[i * n + j], p[j * n + i], 1e-12, "symmetric");
                    double pp = 0;
                    for (int k = 0; k < n; k++) {
                        pp += p[i * n + k] * p[k * n + j];
                    }
                    assertEquals(p[i * n + j], pp, 1e-10, "P^2 = P");
                }
            }
            int rank = HighPassFilterLoss.keptModes(h, w, cutoffs[s]);
            assertTrue(rank > 1 && rank < n, "non-trivial projection, rank " + rank);
            assertEquals(rank, trace, 1e-9, "trace = number of kept modes");
        }
    }

    @Test
    void isInvertibleWithSmallestGainOneOverOnePlusLambda() {
        double lambda = 4;
        double cutoff = 0.2;
        int h = 8;
        int w = 8;
        int n = h * w;
        HighPassFilterLoss hpf =
                HighPassFilterLoss.builder().optLambda(lambda).optCutoff(cutoff).build();
        double[] p = HighPassFilterLoss.lowPassProjection(h, w, cutoff);
        float[] data = gaussian(2 * n, 3);
        float[] filtered;
        try (NDManager m = Engines.newManager()) {
            filtered = hpf.filter(m.create(data, new Shape(1, 2, h, w))).toFloatArray();
        }
        double changed = 0;
        for (int c = 0; c < 2; c++) {
            for (int i = 0; i < n; i++) {
                // closed-form inverse (I + lambda P) applied to phi(e) must return e
                double back = filtered[c * n + i];
                for (int j = 0; j < n; j++) {
                    back += lambda * p[i * n + j] * filtered[c * n + j];
                }
                assertEquals(data[c * n + i], back, 1e-4, "inverse at " + c + "," + i);
                changed = Math.max(changed, Math.abs(filtered[c * n + i] - data[c * n + i]));
            }
        }
        assertTrue(changed > 0.05, "the filter does change a random image");
        // On range(P) A scales by exactly 1/(1+lambda), on its complement by 1: since A is
        // symmetric and P a projection, these are all its eigenvalues and the smallest is > 0.
        float[] a = hpf.filterMatrix(h, w);
        double[] r = new double[n];
        for (int i = 0; i < n; i++) {
            r[i] = data[i];
        }
        double[] low = multiply(p, r, n);
        double[] high = new double[n];
        for (int i = 0; i < n; i++) {
            high[i] = r[i] - low[i];
        }
        assertEquals(1 / (1 + lambda), norm(multiply(a, low, n)) / norm(low), 1e-5);
        assertEquals(1.0, norm(multiply(a, high, n)) / norm(high), 1e-5);
    }

    @Test
    void matchesAFourierDomainGain() {
        int h = 6;
        int w = 5;
        double lambda = 2;
        double cutoff = 0.3;
        HighPassFilterLoss hpf =
                HighPassFilterLoss.builder().optLambda(lambda).optCutoff(cutoff).build();
        float[] data = gaussian(h * w, 4);
        float[] got;
        try (NDManager m = Engines.newManager()) {
            got = hpf.filter(m.create(data, new Shape(1, 1, h, w))).toFloatArray();
        }
        // naive 2-D DFT, gain per mode, inverse DFT
        double[] re = new double[h * w];
        double[] im = new double[h * w];
        for (int k1 = 0; k1 < h; k1++) {
            for (int k2 = 0; k2 < w; k2++) {
                for (int y = 0; y < h; y++) {
                    for (int x = 0; x < w; x++) {
                        double ang = -2 * Math.PI * ((double) k1 * y / h + (double) k2 * x / w);
                        re[k1 * w + k2] += data[y * w + x] * Math.cos(ang);
                        im[k1 * w + k2] += data[y * w + x] * Math.sin(ang);
                    }
                }
                int c1 = k1 <= h / 2 ? k1 : k1 - h;
                int c2 = k2 <= w / 2 ? k2 : k2 - w;
                double radius = Math.hypot((double) c1 / h, (double) c2 / w);
                double gain = radius < cutoff ? 1 / (1 + lambda) : 1;
                re[k1 * w + k2] *= gain;
                im[k1 * w + k2] *= gain;
            }
        }
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                double v = 0;
                for (int k1 = 0; k1 < h; k1++) {
                    for (int k2 = 0; k2 < w; k2++) {
                        double ang = 2 * Math.PI * ((double) k1 * y / h + (double) k2 * x / w);
                        v += re[k1 * w + k2] * Math.cos(ang) - im[k1 * w + k2] * Math.sin(ang);
                    }
                }
                assertEquals(v / (h * w), got[y * w + x], 1e-5, "pixel " + y + "," + x);
            }
        }
    }

    @Test
    void gradientIsTwoOverDTimesATransposeAE() {
        HighPassFilterLoss hpf = HighPassFilterLoss.builder().optLambda(1.5).optCutoff(0.25).build();
        int h = 4;
        int w = 4;
        int n = h * w;
        float[] data = gaussian(n, 5);
        float[] grad;
        try (NDManager m = Engines.newManager()) {
            NDArray e = m.create(data, new Shape(1, 1, h, w));
            e.setRequiresGradient(true);
            try (GradientCollector gc = Engines.engine().newGradientCollector()) {
                gc.backward(hpf.perSample(e).sum());
            }
            grad = e.getGradient().toFloatArray();
        }
        float[] a = hpf.filterMatrix(h, w);
        double[] ae = new double[n];
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < n; j++) {
                ae[i] += a[i * n + j] * data[j];
            }
        }
        for (int i = 0; i < n; i++) {
            double g = 0;
            for (int j = 0; j < n; j++) {
                g += a[j * n + i] * ae[j];
            }
            assertEquals(2.0 / n * g, grad[i], 1e-5, "gradient " + i);
        }
    }

    @Test
    void rejectsNonImageErrorsAndBadParameters() {
        HighPassFilterLoss hpf = HighPassFilterLoss.builder().build();
        try (NDManager m = Engines.newManager()) {
            IllegalArgumentException e = assertThrows(
                    IllegalArgumentException.class, () -> hpf.perSample(m.ones(new Shape(4, 2))));
            assertTrue(e.getMessage().contains("(N, C, H, W)") && e.getMessage().contains("(4, 2)"));
            assertThrows(
                    IllegalArgumentException.class,
                    () -> hpf.perSample(m.ones(new Shape(1, 1, 65, 64))));
        }
        assertThrows(IllegalArgumentException.class, () -> HighPassFilterLoss.builder().optLambda(-1));
        assertThrows(IllegalArgumentException.class, () -> HighPassFilterLoss.builder().optCutoff(0));
    }

    private static double[] multiply(double[] m, double[] v, int n) {
        double[] out = new double[n];
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < n; j++) {
                out[i] += m[i * n + j] * v[j];
            }
        }
        return out;
    }

    private static double[] multiply(float[] m, double[] v, int n) {
        double[] out = new double[n];
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < n; j++) {
                out[i] += m[i * n + j] * v[j];
            }
        }
        return out;
    }

    private static double norm(double[] v) {
        double s = 0;
        for (double x : v) {
            s += x * x;
        }
        return Math.sqrt(s);
    }
}
