package dev.reflowkit.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import dev.reflowkit.engine.Engines;
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
