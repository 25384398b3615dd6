package dev.reflowkit.field;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import dev.reflowkit.engine.Engines;
import dev.reflowkit.solver.HeunSolver;
import dev.reflowkit.solver.SampleResult;
import dev.reflowkit.solver.grid.EdmGrid;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** EDM's sigma convention against ours, and the denoiser adapter on Gaussian data. */
class EdmConventionTest {

    private static final double S = 0.5;

    private static NDManager manager;

    @BeforeAll
    static void start() {
        manager = Engines.newManager();
    }

    @AfterAll
    static void stop() {
        manager.close();
    }

    @Test
    void scalarConversionsRoundTrip() {
        assertEquals(80.0 / 81, EdmConvention.tFromSigma(80), 1e-15);
        assertEquals(0.002 / 1.002, EdmConvention.tFromSigma(0.002), 1e-15);
        assertEquals(0.5, EdmConvention.tFromSigma(1), 0.0);
        assertEquals(1.0, EdmConvention.tFromSigma(Double.POSITIVE_INFINITY), 0.0);
        assertEquals(Double.POSITIVE_INFINITY, EdmConvention.sigmaFromT(1), 0.0);
        for (double sigma : new double[] {0, 0.002, 0.3, 1, 7.5, 80}) {
            assertEquals(sigma, EdmConvention.sigmaFromT(EdmConvention.tFromSigma(sigma)),
                    1e-12 * Math.max(1, sigma));
        }
        for (double t : new double[] {0, 0.01, 0.5, 0.9, 0.999}) {
            assertEquals(t, EdmConvention.tFromSigma(EdmConvention.sigmaFromT(t)), 1e-14);
        }
        assertThrows(IllegalArgumentException.class, () -> EdmConvention.tFromSigma(-1));
        assertThrows(IllegalArgumentException.class, () -> EdmConvention.sigmaFromT(1.5));
    }

    @Test
    void statesConvertConsistentlyWithBothPaths() {
        try (NDManager m = manager.newSubManager()) {
            NDArray x0 = m.create(new float[] {0.4f, -0.9f, 1.3f, 0.2f, -0.6f, 2.1f},
                    new Shape(3, 2));
            NDArray n = m.create(new float[] {-1.1f, 0.7f, 0.25f, -0.3f, 1.9f, -0.8f},
                    new Shape(3, 2));
            float[] sigmas = {0.002f, 1.5f, 80f};
            NDArray sigma = m.create(sigmas);
            NDArray t = EdmConvention.tFromSigma(sigma);
            for (int i = 0; i < 3; i++) {
                assertEquals(sigmas[i] / (1.0 + sigmas[i]), t.getFloat(i), 1e-6);
            }
            NDArray sb = sigma.reshape(3, 1);
            NDArray tb = t.reshape(3, 1);
            NDArray xSigma = x0.add(n.mul(sb));                      // EDM: x0 + sigma n
            NDArray xt = x0.mul(tb.onesLike().sub(tb)).add(n.mul(tb)); // ours
            assertTrue(FieldAssertions.maxAbsDiff(EdmConvention.xtFromXSigma(xSigma, sigma), xt) < 1e-5);
            NDArray back = EdmConvention.xSigmaFromXt(xt, t);
            assertTrue(FieldAssertions.maxAbsDiff(back, xSigma) < 1e-6 * 81 * 3,
                    "x_sigma round trip " + FieldAssertions.maxAbsDiff(back, xSigma));
            assertTrue(FieldAssertions.maxAbsDiff(EdmConvention.sigmaFromT(t), sigma) < 1e-5 * 80);
        }
    }

    @Test
    void denoiserFieldOfGaussianDataEqualsTheExactVelocity() {
        VelocityField fromEdm = new EdmDenoiserField(GaussianFields.denoiser(S));
        VelocityField exact = GaussianFields.ours(S);
        try (NDManager m = manager.newSubManager()) {
            NDArray x = m.create(new float[] {1.2f, -0.4f, 0.3f, -2.0f}, new Shape(2, 2));
            for (float t : new float[] {0.01f, 0.2f, 0.5f, 0.8f, 80f / 81}) {
                NDArray ts = m.full(new Shape(2), t);
                NDArray a = fromEdm.velocity(x, ts);
                NDArray b = exact.velocity(x, ts);
                double d = FieldAssertions.maxAbsDiff(a, b);
                assertTrue(d < 1e-5 * (1 + maxAbs(b)), "t=" + t + ": " + d);
            }
        }
    }

    @Test
    void edmSamplingFromSigmaMaxReachesTheData() {
        // Heun with its Euler last step never evaluates t = 0, where the adapter is undefined.
        double tMax = EdmConvention.tFromSigma(80);
        double[] grid = EdmGrid.builder().build().points(tMax, 0, 32);
        try (NDManager m = manager.newSubManager()) {
            NDArray noise = m.create(new float[] {1.2f, -0.4f, 0.3f, -2.0f}, new Shape(2, 2));
            NDArray start = noise.mul(tMax); // x_t = sigmaMax n / (1 + sigmaMax)
            SampleResult r = HeunSolver.builder().optLastStep(HeunSolver.LastStep.EULER).build().solve(
                    new EdmDenoiserField(GaussianFields.denoiser(S)), start, grid, false, null);
            // exact flow from tMax: x_0 = s / std(tMax) x_tMax, std(t)^2 = (1-t)^2 s^2 + t^2
            double std = Math.sqrt((1 - tMax) * (1 - tMax) * S * S + tMax * tMax);
            NDArray expected = start.mul(S / std);
            double d = FieldAssertions.maxAbsDiff(r.x(), expected);
            assertTrue(d < 5e-3, "EDM-sampled data off by " + d);
            float[] out = r.x().toFloatArray();
            for (float v : out) {
                assertTrue(Float.isFinite(v));
            }
        }
    }

    @Test
    void adaptersRejectNull() {
        assertThrows(IllegalArgumentException.class, () -> new EdmDenoiserField(null));
        assertThrows(IllegalArgumentException.class, () -> new TimeFlippedField(null));
    }

    private static double maxAbs(NDArray a) {
        double m = 0;
        for (float v : a.toFloatArray()) {
            m = Math.max(m, Math.abs(v));
        }
        return m;
    }
}
