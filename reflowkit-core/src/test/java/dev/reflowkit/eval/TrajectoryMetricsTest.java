package dev.reflowkit.eval;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import dev.reflowkit.engine.Engines;
import dev.reflowkit.sampling.BatchSampler;
import dev.reflowkit.sampling.SeededNoise;
import dev.reflowkit.solver.SampleResult;
import dev.reflowkit.solver.SamplerPlan;
import dev.reflowkit.solver.Samplers;
import dev.reflowkit.solver.grid.UniformGrid;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class TrajectoryMetricsTest {

    /**
     * Hand computation: two Euler steps of the rotation v = J x (omega = 1) from x1 = (1, 0) on the
     * grid 1, 0.5, 0. v(x1) = (0, 1), so x(0.5) = (1, -0.5); v = (0.5, 1), so x0 = (0.75, -1).
     * Step velocities a = (0, 1) and (0.5, 1); u = (x0 - x1) / (0 - 1) = (0.25, 1); each step has
     * weight 1/2 and ||a - u||^2 = 0.0625, so S = 0.0625; ||x1 - x0||^2 = 0.0625 + 1 = 1.0625.
     */
    @Test
    void rotationTwoEulerStepsMatchTheHandComputation() {
        List<float[]> states = List.of(new float[] {1, 0}, new float[] {1, -0.5f}, new float[] {0.75f, -1});
        double[] times = {1, 0.5, 0};
        assertEquals(0.0625, TrajectoryMetrics.straightness(states, times, 2), 1e-12);
        assertEquals(1.0625, TrajectoryMetrics.transportCost(states.get(0), states.get(2), 2), 1e-12);

        // the same trajectory from the solver, measured by the pure function and by the recorder
        try (NDManager m = Engines.newManager()) {
            NDArray x1 = m.create(new float[] {1, 0}, new Shape(1, 2));
            SamplerPlan plan = Samplers.plan("euler", new UniformGrid(), 2, 1.0, 0.0);
            SampleResult r = plan.sample(Fields.rotation(1), x1, true, null);
            List<float[]> solved = new ArrayList<>();
            r.trajectory().forEach(a -> solved.add(a.toFloatArray()));
            assertArrayEquals(new float[] {0.75f, -1}, solved.get(2), 1e-7f);
            assertEquals(0.0625, TrajectoryMetrics.straightness(solved, r.times(), 2), 1e-7);

            TrajectoryRecorder rec = new TrajectoryRecorder(1, 2);
            rec.startBatch(0, 1.0, x1);
            SampleResult again = plan.sample(Fields.rotation(1), x1, false, rec);
            rec.endBatch(0, again.x());
            assertEquals(0.0625, rec.straightness(), 1e-7);
            assertEquals(1.0625, rec.transportCost(), 1e-6);
        }
    }

    @Test
    void straightLineAtConstantSpeedHasZeroStraightnessOnAnyGrid() {
        double[] times = {1, 0.9, 0.5, 0.45, 0.1, 0};
        float[] x1 = {0.3f, -1.2f, 2f, 0.5f};
        float[] c = {1.5f, -0.25f, 0.75f, 2f};
        List<float[]> states = new ArrayList<>();
        for (double t : times) {
            float[] x = new float[4];
            for (int j = 0; j < 4; j++) {
                x[j] = (float) (x1[j] + (t - 1) * c[j]);
            }
            states.add(x);
        }
        double[] s = TrajectoryMetrics.straightnessPerSample(states, times, 2);
        assertEquals(2, s.length);
        assertEquals(0, s[0], 1e-10);
        assertEquals(0, s[1], 1e-10);
    }

    @Test
    void aStraightLineAtVaryingSpeedIsNotStraightInThisSense() {
        // x moves from 0 to 1 along one axis, 0.9 of the way in the first half of the time
        List<float[]> states = List.of(new float[] {0}, new float[] {0.9f}, new float[] {1});
        double[] times = {0, 0.5, 1};
        // a = 1.8 and 0.2, u = 1: S = 0.5 * 0.64 + 0.5 * 0.64
        assertEquals(0.64, TrajectoryMetrics.straightness(states, times, 1), 1e-6);
    }

    @Test
    void recorderAgreesWithThePureFunctionOnACurvedFieldInBatches() {
        SamplerPlan plan = Samplers.plan("heun", new UniformGrid(), 7, 1.0, 0.0);
        try (NDManager m = Engines.newManager()) {
            TrajectoryRecorder rec = new TrajectoryRecorder(13, 2);
            float[] samples = BatchSampler.generate(Fields.rotation(2), plan, 13, 5, 3, new long[] {2}, m, rec).data();
            NDArray noise = m.create(SeededNoise.normal(3, 0, 13, 2), new Shape(13, 2));
            SampleResult r = plan.sample(Fields.rotation(2), noise, true, null);
            List<float[]> states = new ArrayList<>();
            r.trajectory().forEach(a -> states.add(a.toFloatArray()));
            assertArrayEquals(states.get(states.size() - 1), samples, 1e-6f);
            double[] expected = TrajectoryMetrics.straightnessPerSample(states, r.times(), 2);
            double[] actual = rec.straightnessPerSample();
            for (int i = 0; i < expected.length; i++) {
                assertTrue(expected[i] > 0.01, "curved path " + i + ": " + expected[i]);
                assertEquals(expected[i], actual[i], 1e-5 * expected[i], "sample " + i);
            }
            assertEquals(TrajectoryMetrics.transportCost(states.get(0), samples, 2), rec.transportCost(), 1e-9);
        }
    }

    @Test
    void fineRotationApproachesTheContinuousStraightness() {
        // |v| = omega r along the circle, the chord is 2 r sin(omega / 2): S = r^2 (omega^2 - 4 sin^2(omega / 2))
        double omega = 1.5;
        Random rng = new Random(4);
        int n = 6;
        float[] x1 = new float[2 * n];
        for (int i = 0; i < x1.length; i++) {
            x1[i] = (float) rng.nextGaussian();
        }
        try (NDManager m = Engines.newManager()) {
            SamplerPlan plan = Samplers.plan("rk4", new UniformGrid(), 400, 1.0, 0.0);
            SampleResult r = plan.sample(Fields.rotation((float) omega), m.create(x1, new Shape(n, 2)), true, null);
            List<float[]> states = new ArrayList<>();
            r.trajectory().forEach(a -> states.add(a.toFloatArray()));
            double[] s = TrajectoryMetrics.straightnessPerSample(states, r.times(), 2);
            double factor = omega * omega - 4 * Math.pow(Math.sin(omega / 2), 2);
            for (int i = 0; i < n; i++) {
                double r2 = (double) x1[2 * i] * x1[2 * i] + (double) x1[2 * i + 1] * x1[2 * i + 1];
                assertEquals(factor * r2, s[i], 1e-3 * r2 + 1e-6, "sample " + i);
                // the end point is the start rotated by -omega: transport cost 4 r^2 sin^2(omega / 2)
                double cost = TrajectoryMetrics.squaredDistances(
                        new float[] {x1[2 * i], x1[2 * i + 1]},
                        new float[] {states.get(100)[2 * i], states.get(100)[2 * i + 1]}, 2)[0];
                assertEquals(4 * r2 * Math.pow(Math.sin(omega / 2), 2), cost, 1e-4 * r2);
            }
        }
    }

    @Test
    void discretizationErrorIsTheMeanSquaredDistanceAndItsRoot() {
        float[] a = {0, 0, 1, 1, 2, 2};
        float[] b = {3, 4, 1, 1, 2, 3};
        DiscretizationError e = TrajectoryMetrics.discretizationError(a, b, 2);
        assertEquals((25 + 0 + 1) / 3.0, e.meanSquared(), 1e-12);
        assertEquals(Math.sqrt(26 / 3.0), e.rms(), 1e-12);
        assertArrayEquals(new double[] {25, 0, 1}, TrajectoryMetrics.squaredDistances(a, b, 2));
        assertEquals(0, TrajectoryMetrics.discretizationError(a, a.clone(), 2).rms());
    }

    @Test
    void badInputsAreRejectedWithTheOffendingValues() {
        IllegalArgumentException size = assertThrows(IllegalArgumentException.class,
                () -> TrajectoryMetrics.transportCost(new float[4], new float[6], 2));
        assertTrue(size.getMessage().contains("4") && size.getMessage().contains("6"), size.getMessage());
        IllegalArgumentException dim = assertThrows(IllegalArgumentException.class,
                () -> TrajectoryMetrics.transportCost(new float[5], new float[5], 2));
        assertTrue(dim.getMessage().contains("multiple of 2"), dim.getMessage());
        IllegalArgumentException mono = assertThrows(IllegalArgumentException.class,
                () -> TrajectoryMetrics.straightness(List.of(new float[2], new float[2], new float[2]),
                        new double[] {1, 0.5, 0.5}, 2));
        assertTrue(mono.getMessage().contains("monotone"), mono.getMessage());
        IllegalArgumentException count = assertThrows(IllegalArgumentException.class,
                () -> TrajectoryMetrics.straightness(List.of(new float[2], new float[2]), new double[] {1, 0.5, 0}, 2));
        assertTrue(count.getMessage().contains("2 states and 3 times"), count.getMessage());
        TrajectoryRecorder rec = new TrajectoryRecorder(3, 2);
        IllegalStateException missing = assertThrows(IllegalStateException.class, rec::straightness);
        assertTrue(missing.getMessage().contains("sample 0"), missing.getMessage());
    }
}
