package dev.reflowkit.model;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import dev.reflowkit.engine.Engines;
import java.nio.FloatBuffer;
import java.util.Arrays;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class HostDropoutTest {

    @Test
    void dropsAFractionPAndScalesTheRest() {
        try (NDManager m = Engines.newManager()) {
            Engines.engine().setRandomSeed(1);
            float[] y = HostDropout.apply(m.ones(new Shape(200, 501)), 0.25f, true).toFloatArray();
            long dropped = 0;
            for (float v : y) {
                if (v == 0f) {
                    dropped++;
                } else {
                    assertEquals(1f / 0.75f, v, 0f);
                }
            }
            // Binomial(100 200, 0.25): standard deviation 137; allow 5 of them.
            assertEquals(0.25 * y.length, dropped, 5 * Math.sqrt(y.length * 0.25 * 0.75));
        }
    }

    @Test
    void theMaskIsThatOfASplittableRandomOfTheSeed() {
        // The draws of one generator in order, two elements per draw (odd sizes end with a
        // half-used draw), and nothing written past the mask; rates at both ends of the threshold.
        for (int n : new int[] {1, 7, 1000, 100_003}) {
            for (long seed : new long[] {0L, -5L, 123_456_789_012L}) {
                for (float rate : new float[] {0f, 1e-7f, 0.3f, 0.9f}) {
                    float[] expected = new float[n];
                    SplittableRandom random = new SplittableRandom(seed);
                    int threshold = (int) Math.ceil(rate * (1 << 24));
                    for (int i = 0; i < n; i += 2) {
                        long bits = random.nextLong();
                        expected[i] = (int) (bits >>> 40) >= threshold ? 1f / (1f - rate) : 0f;
                        if (i + 1 < n) {
                            expected[i + 1] = (int) ((bits >>> 8) & 0xFFFFFF) >= threshold ? 1f / (1f - rate) : 0f;
                        }
                    }
                    FloatBuffer out = FloatBuffer.allocate(n + 1);
                    out.put(n, -1f); // not written past n
                    HostDropout.fill(out, seed, n, rate);
                    float[] actual = new float[n];
                    out.get(0, actual);
                    assertArrayEquals(expected, actual, "n " + n + ", seed " + seed + ", rate " + rate);
                    assertEquals(-1f, out.get(n));
                }
            }
        }
    }

    @Test
    void theEngineSeedDecidesTheMask() {
        try (NDManager m = Engines.newManager()) {
            NDArray x = m.ones(new Shape(64, 33));
            Engines.engine().setRandomSeed(7);
            float[] a = HostDropout.apply(x, 0.5f, true).toFloatArray();
            Engines.engine().setRandomSeed(7);
            float[] b = HostDropout.apply(x, 0.5f, true).toFloatArray();
            float[] c = HostDropout.apply(x, 0.5f, true).toFloatArray();
            assertArrayEquals(a, b, 0f);
            assertFalse(Arrays.equals(a, c), "the next call draws a new mask");
        }
    }

    @Test
    void identityWhenNotTrainingOrRateZero() {
        try (NDManager m = Engines.newManager()) {
            NDArray x = m.ones(new Shape(3, 4));
            assertSame(x, HostDropout.apply(x, 0.3f, false));
            assertSame(x, HostDropout.apply(x, 0f, true));
            assertThrows(IllegalArgumentException.class, () -> HostDropout.apply(x, 1f, true));
            assertThrows(IllegalArgumentException.class, () -> HostDropout.apply(x, Float.NaN, true));
        }
    }

    @Test
    void theGradientIsTheScaledMaskAfterTheScopeFreedIt() {
        try (NDManager m = Engines.newManager()) {
            Engines.engine().setRandomSeed(3);
            NDArray x = m.randomNormal(new Shape(32, 8, 6, 6));
            x.setRequiresGradient(true);
            NDArray y;
            float[] mask;
            try (GradientCollector gc = Engines.engine().newGradientCollector()) {
                // As in a block: the scope closes the mask's handle before the backward pass.
                y = EagerScope.run(() -> HostDropout.apply(x, 0.4f, true));
                mask = y.div(x).toFloatArray();
                for (int i = 0; i < 20; i++) {
                    System.gc(); // a freed host buffer would be reused or unmapped here
                    HostDropout.apply(m.ones(new Shape(32, 8, 6, 6)), 0.9f, true).close();
                }
                gc.backward(y.sum());
            }
            float[] grad = x.getGradient().toFloatArray();
            for (int i = 0; i < grad.length; i++) {
                assertTrue(grad[i] == 0f || Math.abs(grad[i] - 1f / 0.6f) < 1e-6, "gradient " + grad[i]);
                assertEquals(mask[i], grad[i], 1e-5f);
            }
        }
    }
}
