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
import java.nio.IntBuffer;
import java.util.Arrays;
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

    /** The hash of the class comment, element by element, written independently of the blocks. */
    private static int hash(long seed, int i) {
        int z = i * 0x9E3779B9 + (int) seed;
        for (int round = 0; round < 2; round++) {
            z ^= z >>> 16;
            z *= 0x21F0AAAD;
            z ^= z >>> 15;
            z *= 0x735A2D97;
            z ^= z >>> 15;
            if (round == 0) {
                z ^= (int) (seed >>> 32);
            }
        }
        return z;
    }

    @Test
    void theMaskIsTheHashOfTheSeedAndTheElementIndex() {
        // Sizes below, at and across the 4096-element blocks, nothing written past the mask;
        // rates at both ends of the threshold.
        for (int n : new int[] {1, 7, 4096, 4097, 100_003}) {
            for (long seed : new long[] {0L, -5L, 123_456_789_012L}) {
                for (float rate : new float[] {0f, 1e-7f, 0.3f, 0.9f}) {
                    float[] expected = new float[n];
                    int threshold = (int) Math.ceil(rate * (1 << 24));
                    for (int i = 0; i < n; i++) {
                        expected[i] = (hash(seed, i) >>> 8) >= threshold ? 1f / (1f - rate) : 0f;
                    }
                    IntBuffer out = IntBuffer.allocate(n + 1);
                    out.put(n, -1); // not written past n
                    HostDropout.fill(out, seed, n, rate);
                    float[] actual = new float[n];
                    for (int i = 0; i < n; i++) {
                        actual[i] = Float.intBitsToFloat(out.get(i));
                    }
                    assertArrayEquals(expected, actual, "n " + n + ", seed " + seed + ", rate " + rate);
                    assertEquals(-1, out.get(n));
                }
            }
        }
    }

    @Test
    void neighbouringElementsAndNeighbouringSeedsAreIndependent() {
        // Counters and seeds that differ by one must not give related masks: pairs of elements
        // (i, i + 1), (i, i + 4096) and (element i under seeds s and s + 1, s + 2^32) are both
        // dropped with probability p^2. 400 000 pairs: standard deviation of the count ~180.
        int n = 400_001;
        float p = 0.3f;
        IntBuffer a = IntBuffer.allocate(n + 4096);
        IntBuffer b = IntBuffer.allocate(n);
        IntBuffer c = IntBuffer.allocate(n);
        HostDropout.fill(a, 42L, n + 4096, p);
        HostDropout.fill(b, 43L, n, p);
        HostDropout.fill(c, 42L + (1L << 32), n, p);
        long[] both = new long[4];
        for (int i = 0; i < n - 1; i++) {
            boolean dropped = a.get(i) == 0;
            both[0] += dropped && a.get(i + 1) == 0 ? 1 : 0;
            both[1] += dropped && a.get(i + 4096) == 0 ? 1 : 0;
            both[2] += dropped && b.get(i) == 0 ? 1 : 0;
            both[3] += dropped && c.get(i) == 0 ? 1 : 0;
        }
        double expected = (n - 1) * (double) p * p;
        double sd = Math.sqrt((n - 1) * p * p * (1 - p * p));
        for (int k = 0; k < 4; k++) {
            assertEquals(expected, both[k], 5 * sd, "pair kind " + k);
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
    void aStreamGivesPartsOfABatchTheWholeBatchsMasks() {
        try (NDManager m = Engines.newManager()) {
            Engines.engine().setRandomSeed(7);
            float[] whole = HostDropout.withStream(42L, 0, () -> {
                float[] first = HostDropout.apply(m.ones(new Shape(10, 3, 5)), 0.4f, true).toFloatArray();
                float[] second = HostDropout.apply(m.ones(new Shape(10, 3, 5)), 0.4f, true).toFloatArray();
                assertFalse(Arrays.equals(first, second), "each call of the body draws its own mask");
                return first;
            });
            Engines.engine().setRandomSeed(8); // the stream, not the engine, decides
            float[] head = HostDropout.withStream(42L, 0,
                    () -> HostDropout.apply(m.ones(new Shape(4, 3, 5)), 0.4f, true).toFloatArray());
            float[] tail = HostDropout.withStream(42L, 4,
                    () -> HostDropout.apply(m.ones(new Shape(6, 3, 5)), 0.4f, true).toFloatArray());
            assertArrayEquals(Arrays.copyOfRange(whole, 0, head.length), head, 0f);
            assertArrayEquals(Arrays.copyOfRange(whole, head.length, whole.length), tail, 0f);
            float[] other = HostDropout.withStream(43L, 0,
                    () -> HostDropout.apply(m.ones(new Shape(10, 3, 5)), 0.4f, true).toFloatArray());
            assertFalse(Arrays.equals(whole, other), "another stream seed, other masks");
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
