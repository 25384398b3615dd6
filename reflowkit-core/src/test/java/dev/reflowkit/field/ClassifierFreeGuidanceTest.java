package dev.reflowkit.field;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import dev.reflowkit.engine.Engines;
import dev.reflowkit.solver.SamplerPlan;
import dev.reflowkit.solver.Samplers;
import dev.reflowkit.solver.grid.UniformGrid;
import org.junit.jupiter.api.Test;

class ClassifierFreeGuidanceTest {

    /** v(x, t, c) = x + c (c = 3 is the null class), counting its network calls. */
    private static final class Shift implements ConditionalField {
        int conditionalCalls;
        int unconditionalCalls;

        @Override
        public NDArray velocity(NDArray x, NDArray t, NDArray labels) {
            conditionalCalls++;
            return x.add(labels.toType(DataType.FLOAT32, false).reshape(-1, 1));
        }

        @Override
        public NDArray velocity(NDArray x, NDArray t) {
            unconditionalCalls++;
            return x.add(3f);
        }

        @Override
        public int classes() {
            return 3;
        }
    }

    @Test
    void guidesBetweenTheUnconditionalAndTheConditionalVelocity() {
        try (NDManager m = Engines.newManager()) {
            NDArray x = m.create(new float[] {1, 2, 3, 4, 5, 6, 7, 8}, new Shape(4, 2));
            NDArray t = m.full(new Shape(4), 0.5f);
            Shift f = new Shift();
            // w = 1: the conditional model exactly, one network call
            assertArrayEquals(new float[] {2, 3, 4, 5, 6, 7, 8, 9},
                    new ClassifierFreeGuidance(f, 1, 1).velocity(x, t).toFloatArray());
            assertEquals(1, f.conditionalCalls);
            assertEquals(0, f.unconditionalCalls);
            // w = 0: the unconditional model exactly, one network call
            assertArrayEquals(x.add(3f).toFloatArray(), new ClassifierFreeGuidance(f, 1, 0).velocity(x, t).toFloatArray());
            assertEquals(1, f.conditionalCalls);
            assertEquals(1, f.unconditionalCalls);
            // w = 2.5: v_null + w (v_c - v_null) = x + 3 + 2.5 (c - 3), both networks
            float[] g = new ClassifierFreeGuidance(f, 0, 2.5).velocity(x, t).toFloatArray();
            float[] expected = x.add(3f + 2.5f * (0 - 3)).toFloatArray();
            assertArrayEquals(expected, g, 1e-6f);
            assertEquals(2, f.conditionalCalls);
            assertEquals(2, f.unconditionalCalls);
        }
    }

    @Test
    void spreadGivesRowIClassIModC() {
        try (NDManager m = Engines.newManager()) {
            NDArray x = m.zeros(new Shape(5, 1));
            float[] v = new ClassifierFreeGuidance(new Shift(), ClassifierFreeGuidance.SPREAD, 1)
                    .velocity(x, m.zeros(new Shape(5))).toFloatArray();
            assertArrayEquals(new float[] {0, 1, 2, 0, 1}, v);
        }
    }

    @Test
    void costsTwoEvaluationsPerCallExceptAtWeightsOneAndZero() {
        Shift f = new Shift();
        assertEquals(2, new ClassifierFreeGuidance(f, 0, 3).evaluationsPerCall());
        assertEquals(2, new ClassifierFreeGuidance(f, 0, -1).evaluationsPerCall());
        assertEquals(1, new ClassifierFreeGuidance(f, 0, 1).evaluationsPerCall());
        assertEquals(1, new ClassifierFreeGuidance(f, 0, 0).evaluationsPerCall());
        try (NDManager m = Engines.newManager()) {
            NDArray x = m.zeros(new Shape(3, 2));
            SamplerPlan euler4 = Samplers.plan("euler", new UniformGrid(), 4, 1.0, 0.0);
            assertEquals(8, euler4.sample(new ClassifierFreeGuidance(f, 2, 3), x, false, null).nfe());
            assertEquals(4, euler4.sample(new ClassifierFreeGuidance(f, 2, 1), x, false, null).nfe());
        }
    }

    @Test
    void rejectsBadClassesAndWeights() {
        Shift f = new Shift();
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> new ClassifierFreeGuidance(f, 3, 1));
        assertTrue(e.getMessage().contains("class 3") && e.getMessage().contains("[0, 3)"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> new ClassifierFreeGuidance(f, -2, 1));
        assertThrows(IllegalArgumentException.class, () -> new ClassifierFreeGuidance(f, 0, Double.NaN));
        assertThrows(IllegalArgumentException.class, () -> new ClassifierFreeGuidance(null, 0, 1));
    }
}
