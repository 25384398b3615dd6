package dev.reflowkit.field;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import dev.reflowkit.engine.Engines;
import dev.reflowkit.sampling.BatchSampler;
import dev.reflowkit.solver.FieldCalls;
import dev.reflowkit.solver.NfeLimitExceededException;
import dev.reflowkit.solver.SampleResult;
import dev.reflowkit.solver.SamplerPlan;
import dev.reflowkit.solver.Samplers;
import dev.reflowkit.solver.grid.UniformGrid;
import org.junit.jupiter.api.Test;

class GuidedFieldTest {

    /** A nonlinear, time-dependent "strong model". */
    private static final VelocityField STRONG = (x, t) -> x.sin().mul(t.reshape(-1, 1)).add(x.mul(0.3f));
    /** A different "weak model". */
    private static final VelocityField WEAK = (x, t) -> x.tanh().sub(t.reshape(-1, 1));

    private static float[] velocity(VelocityField f, NDManager m) {
        NDArray x = m.create(new float[] {0.3f, -1.7f, 2.2f, 0.01f, -0.4f, 5f}, new Shape(3, 2));
        NDArray t = m.create(new float[] {0.9f, 0.5f, 0.1f});
        return f.velocity(x, t).toFloatArray();
    }

    @Test
    void weightOneIsTheStrongModelAndZeroTheWeakOneExactly() {
        try (NDManager m = Engines.newManager()) {
            assertArrayEquals(velocity(STRONG, m), velocity(new GuidedField(STRONG, WEAK, 1), m));
            assertArrayEquals(velocity(WEAK, m), velocity(new GuidedField(STRONG, WEAK, 0), m));
        }
    }

    @Test
    void otherWeightsExtrapolateFromTheWeakModel() {
        try (NDManager m = Engines.newManager()) {
            float[] s = velocity(STRONG, m);
            float[] w = velocity(WEAK, m);
            for (double weight : new double[] {2.5, 0.5, -1}) {
                float[] g = velocity(new GuidedField(STRONG, WEAK, weight), m);
                for (int i = 0; i < g.length; i++) {
                    assertEquals(w[i] + weight * (s[i] - w[i]), g[i], 1e-5, "w=" + weight + " value " + i);
                }
            }
        }
    }

    @Test
    void aGuidedCallCostsBothNetworks() {
        assertEquals(2, new GuidedField(STRONG, WEAK, 2).evaluationsPerCall());
        assertEquals(1, new GuidedField(STRONG, WEAK, 1).evaluationsPerCall(), "w = 1 evaluates the strong model only");
        assertEquals(1, new GuidedField(STRONG, WEAK, 0).evaluationsPerCall(), "w = 0 evaluates the weak model only");
        assertEquals(3, new GuidedField(new GuidedField(STRONG, WEAK, 2), WEAK, 1.5).evaluationsPerCall());
        assertEquals(1, CostedField.costOf(STRONG));
        assertEquals(2, CostedField.costOf(new CountingField(new GuidedField(STRONG, WEAK, 2))));
        assertEquals(2, CostedField.costOf(new TimeFlippedField(new GuidedField(STRONG, WEAK, 2))));
    }

    @Test
    void solversAndTheBatchSamplerReportTheNetworkEvaluations() {
        try (NDManager m = Engines.newManager()) {
            CountingField counted = new CountingField(new GuidedField(STRONG, WEAK, 1.5));
            NDArray x = m.randomNormal(new Shape(4, 2));
            SamplerPlan heun9 = Samplers.plan("heun", new UniformGrid(), 9, 1.0, 0.0);
            SampleResult r = heun9.sample(counted, x, false, null);
            assertEquals(9, counted.count(), "9 calls");
            assertEquals(18, r.nfe(), "9 guided calls = 18 network evaluations");
            assertEquals(18.0, BatchSampler.generate(counted, heun9, 5, 2, 1, new long[] {2}, m).nfe());
            counted.reset();
            SampleResult adaptive = Samplers.plan("dopri5", null, 0, 1.0, 0.0).sample(counted, x, false, null);
            assertEquals(2 * counted.count(), adaptive.nfe());
            assertEquals(4, Samplers.plan("euler", new UniformGrid(), 4, 1.0, 0.0)
                    .sample(new GuidedField(STRONG, WEAK, 1), x, false, null).nfe(), "unguided at w = 1");
        }
    }

    @Test
    void theNfeLimitCountsNetworkEvaluations() {
        try (NDManager m = Engines.newManager()) {
            FieldCalls calls = new FieldCalls(new GuidedField(STRONG, WEAK, 2), "test", 5);
            NDArray x = m.zeros(new Shape(1, 2));
            calls.velocity(x, 1);
            calls.velocity(x, 0.5);
            assertEquals(4, calls.count());
            NfeLimitExceededException e = assertThrows(NfeLimitExceededException.class, () -> calls.velocity(x, 0.25));
            assertEquals(5, e.getLimit());
        }
    }

    @Test
    void badArgumentsAreRejected() {
        IllegalArgumentException nan = assertThrows(IllegalArgumentException.class,
                () -> new GuidedField(STRONG, WEAK, Double.NaN));
        assertTrue(nan.getMessage().contains("NaN"), nan.getMessage());
        IllegalArgumentException none = assertThrows(IllegalArgumentException.class,
                () -> new GuidedField(STRONG, null, 2));
        assertTrue(none.getMessage().contains("weak"), none.getMessage());
        try (NDManager m = Engines.newManager()) {
            VelocityField wide = (x, t) -> x.getManager().zeros(new Shape(x.getShape().get(0), 3));
            IllegalArgumentException shape = assertThrows(IllegalArgumentException.class,
                    () -> velocity(new GuidedField(STRONG, wide, 2), m));
            assertTrue(shape.getMessage().contains("(3, 2)") && shape.getMessage().contains("(3, 3)"),
                    shape.getMessage());
        }
    }
}
