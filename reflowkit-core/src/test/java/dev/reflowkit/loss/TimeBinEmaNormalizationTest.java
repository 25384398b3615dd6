package dev.reflowkit.loss;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import dev.reflowkit.engine.Engines;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class TimeBinEmaNormalizationTest {

    private static TimeBinEmaNormalization newWeight() {
        return TimeBinEmaNormalization.builder().optBins(4).optDecay(0.9).optEps(0.01).build();
    }

    @Test
    void firstBatchInitializesThenEmaDecays() {
        TimeBinEmaNormalization weight = newWeight();
        try (NDManager m = Engines.newManager()) {
            // bins: t=0.1 -> 0, t=0.2 -> 0, t=0.6 -> 2
            NDArray t = m.create(new float[] {0.1f, 0.2f, 0.6f});
            float[] w1 = weight.weight(m.create(new float[] {1f, 3f, 0.5f}), t).toFloatArray();
            assertArrayEquals(
                    new float[] {(float) (1 / 2.01), (float) (1 / 2.01), (float) (1 / 0.51)},
                    w1,
                    1e-6f);
            double[] avg = weight.binAverages();
            assertEquals(2.0, avg[0], 1e-6);
            assertTrue(Double.isNaN(avg[1]) && Double.isNaN(avg[3]));
            // second batch reaches bin 0 (mean 6) and bin 3 (first time, value 4)
            NDArray t2 = m.create(new float[] {0.0f, 1.0f});
            float[] w2 = weight.weight(m.create(new float[] {6f, 4f}), t2).toFloatArray();
            double ema0 = 0.9 * 2 + 0.1 * 6;
            assertArrayEquals(
                    new float[] {(float) (1 / (ema0 + 0.01)), (float) (1 / 4.01)}, w2, 1e-6f);
            assertEquals(0.5, weight.binAverages()[2], 1e-6, "untouched bin keeps its value");
            double[] state = weight.state();
            assertEquals(8, state.length);
            assertArrayEquals(new double[] {2, 0, 1, 1}, java.util.Arrays.copyOfRange(state, 4, 8));
        }
    }

    @Test
    void saveAndLoadStateReproducesWeightsExactly() {
        TimeBinEmaNormalization original =
                TimeBinEmaNormalization.builder().optBins(10).optDecay(0.95).build();
        SplittableRandom rng = new SplittableRandom(12);
        try (NDManager m = Engines.newManager()) {
            float[][] losses = new float[12][];
            float[][] times = new float[12][];
            for (int b = 0; b < 12; b++) {
                losses[b] = new float[16];
                times[b] = new float[16];
                for (int i = 0; i < 16; i++) {
                    times[b][i] = (float) rng.nextDouble();
                    losses[b][i] = (float) (Math.exp(4 * times[b][i]) * (0.5 + rng.nextDouble()));
                }
            }
            for (int b = 0; b < 6; b++) {
                original.weight(m.create(losses[b]), m.create(times[b]));
            }
            double[] saved = original.state();
            TimeBinEmaNormalization resumed =
                    TimeBinEmaNormalization.builder().optBins(10).optDecay(0.95).build();
            resumed.loadState(saved);
            TimeBinEmaNormalization fresh =
                    TimeBinEmaNormalization.builder().optBins(10).optDecay(0.95).build();
            boolean freshDiffers = false;
            for (int b = 6; b < 12; b++) {
                float[] a = original.weight(m.create(losses[b]), m.create(times[b])).toFloatArray();
                float[] r = resumed.weight(m.create(losses[b]), m.create(times[b])).toFloatArray();
                float[] f = fresh.weight(m.create(losses[b]), m.create(times[b])).toFloatArray();
                assertArrayEquals(a, r, 0f, "batch " + b);
                freshDiffers |= !java.util.Arrays.equals(a, f);
            }
            assertTrue(freshDiffers, "without the state the weights differ");
            assertArrayEquals(original.state(), resumed.state(), 0.0);
            saved[0] = -5;
            assertFalse(saved[0] == original.state()[0], "state() returns a copy");
        }
    }

    @Test
    void rejectsBadStateAndParameters() {
        TimeBinEmaNormalization weight = newWeight();
        IllegalArgumentException e = assertThrows(
                IllegalArgumentException.class, () -> weight.loadState(new double[7]));
        assertTrue(e.getMessage().contains("8") && e.getMessage().contains("7"));
        assertThrows(
                IllegalArgumentException.class,
                () -> weight.loadState(new double[] {1, 1, 1, 1, 0.5, 0, 0, 0}));
        assertThrows(
                IllegalArgumentException.class,
                () -> weight.loadState(new double[] {Double.NaN, 1, 1, 1, 1, 0, 0, 0}));
        assertThrows(IllegalArgumentException.class, () -> TimeBinEmaNormalization.builder().optBins(0));
        assertThrows(
                IllegalArgumentException.class, () -> TimeBinEmaNormalization.builder().optDecay(1));
        assertThrows(
                IllegalArgumentException.class, () -> TimeBinEmaNormalization.builder().optEps(0));
        assertEquals(0, weight.binOf(-0.2));
        assertEquals(3, weight.binOf(1.0));
        assertEquals(1, weight.binOf(0.25));
    }
}
