package dev.reflowkit.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import dev.reflowkit.engine.Engines;
import dev.reflowkit.engine.FusedKernels;
import java.util.List;
import org.junit.jupiter.api.Test;

class EmaAndScheduleTest {

    @Test
    void betaHalvesTheWeightAfterOneHalfLife() {
        double beta = EmaWeights.beta(100, 1_000_000, 1000, 0);
        assertEquals(0.5, Math.pow(beta, 10), 1e-12);
        // Ramp-up caps the half-life at rampup * samplesSeen.
        assertEquals(Math.pow(0.5, 100 / 50.0), EmaWeights.beta(100, 1000, 1000, 0.05), 1e-12);
    }

    @Test
    void emaMovesTowardTheParameters() {
        try (NDManager m = Engines.newManager()) {
            NDArray p = m.create(new float[] {0f, 10f});
            EmaWeights ema = new EmaWeights(List.of(p), m);
            p.addi(m.create(new float[] {4f, -2f}));
            ema.update(List.of(p), 0.75);
            assertArrayEquals(new float[] {1f, 9.5f}, ema.weights().get(0).toFloatArray(), 1e-6f);
        }
    }

    @Test
    void fusedAndCompositeAveragesAgree() {
        try (NDManager m = Engines.newManager()) {
            Engines.engine().setRandomSeed(8);
            List<NDArray> p = List.of(m.randomNormal(new Shape(4, 3)), m.randomNormal(new Shape(5)));
            EmaWeights fused = new EmaWeights(p, m);
            EmaWeights composite = new EmaWeights(p, m);
            for (int k = 0; k < 3; k++) {
                p.forEach(a -> a.addi(a.getManager().randomNormal(a.getShape())));
                fused.update(p, 0.9);
                FusedKernels.withComposite(() -> {
                    composite.update(p, 0.9);
                    return null;
                });
            }
            for (int i = 0; i < p.size(); i++) {
                assertArrayEquals(composite.weights().get(i).toFloatArray(), fused.weights().get(i).toFloatArray(), 1e-6f);
            }
        }
    }

    @Test
    void gradientNormAndZeroingAgreeOnBothPaths() {
        try (NDManager m = Engines.newManager()) {
            List<NDArray> g = List.of(m.create(new float[] {3f, 0f}), m.create(new float[][] {{4f, 12f}}));
            assertEquals(13.0, Gradients.globalNorm(g, m), 1e-6);
            assertEquals(13.0, FusedKernels.withComposite(() -> Gradients.globalNorm(g, m)), 1e-6);
            assertEquals(2, m.getManagedArrays().size(), "neither path leaves temporaries behind");
            Gradients.zero(g.subList(0, 1));
            FusedKernels.withComposite(() -> {
                Gradients.zero(g.subList(1, 2));
                return null;
            });
            assertArrayEquals(new float[] {0f, 0f}, g.get(0).toFloatArray(), 0f);
            assertArrayEquals(new float[] {0f, 0f}, g.get(1).toFloatArray(), 0f);
        }
    }

    @Test
    void warmupThenConstantOrCosine() {
        LrSchedule constant = new LrSchedule(1e-3, 10, false, 100);
        assertEquals(1e-4, constant.at(0), 1e-15);
        assertEquals(1e-3, constant.at(9), 1e-15);
        assertEquals(1e-3, constant.at(99), 1e-15);
        LrSchedule cosine = new LrSchedule(1e-3, 10, true, 110);
        assertEquals(1e-3, cosine.at(10), 1e-15);
        assertEquals(0.5e-3, cosine.at(60), 1e-12);
        assertEquals(0.0, cosine.at(110), 1e-15);
        assertEquals(1e-3, new LrSchedule(1e-3, 0, false, 5).at(0), 1e-15);
    }
}
