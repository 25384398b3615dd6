package dev.reflowkit.coupling;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.reflowkit.pairs.PairStore;
import dev.reflowkit.pairs.TestStores;
import java.io.IOException;
import java.nio.file.Path;
import java.util.SplittableRandom;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PairStoreCouplingTest {

    @TempDir
    Path dir;

    private PairStore big;
    private PairStore small;

    /** Store "big" holds 300 pairs with x0 = (i, i) > 0, "small" 100 pairs with x0 = (-1 - i, ...); x1 = -x0. */
    @BeforeEach
    void stores() throws IOException {
        big = store("big", 300, 1);
        small = store("small", 100, -1);
    }

    private PairStore store(String name, int n, int sign) throws IOException {
        float[] x0 = new float[2 * n];
        float[] x1 = new float[2 * n];
        for (int i = 0; i < n; i++) {
            float v = sign > 0 ? i + 1 : -1 - i;
            x0[2 * i] = v;
            x0[2 * i + 1] = v;
            x1[2 * i] = -v;
            x1[2 * i + 1] = -v;
        }
        return TestStores.write(dir.resolve(name), x0, x1, new long[] {2}, 64);
    }

    /** Draws pairs and returns the fraction from "big", checking that every pair is a stored one. */
    private static double fractionFromBig(PairStoreCoupling c, int n, long seed) {
        PairBatch b = c.sample(new SplittableRandom(seed), n);
        assertEquals(n, b.batch());
        assertArrayEquals(new long[] {n, 2}, b.batchShape());
        int fromBig = 0;
        for (int i = 0; i < n; i++) {
            float v = b.x0()[2 * i];
            assertEquals(v, b.x0()[2 * i + 1]);
            assertEquals(-v, b.x1()[2 * i], "x0 and x1 of one stored pair");
            assertTrue(v == Math.rint(v) && v != 0 && v >= -100 && v <= 300, "a stored pair: " + v);
            fromBig += v > 0 ? 1 : 0;
        }
        return fromBig / (double) n;
    }

    @Test
    void defaultMixingIsProportionalToCounts() {
        PairStoreCoupling c = PairStoreCoupling.builder().addStore(big).addStore(small).build();
        assertArrayEquals(new double[] {0.75, 0.25}, c.probabilities(), 1e-12);
        int n = 40_000;
        double p = fractionFromBig(c, n, 1);
        double sigma = Math.sqrt(0.75 * 0.25 / n);
        assertEquals(0.75, p, 4 * sigma, "fraction of pairs from the 300-pair store");
        assertArrayEquals(new long[] {2}, c.sampleShape());
    }

    @Test
    void explicitWeightsSetTheMixingRatio() {
        PairStoreCoupling c = PairStoreCoupling.builder().addStore(big, 1).addStore(small, 1).build();
        int n = 40_000;
        assertEquals(0.5, fractionFromBig(c, n, 2), 4 * Math.sqrt(0.25 / n));
        PairStoreCoupling only = PairStoreCoupling.builder().addStore(big, 0).addStore(small, 3).build();
        assertEquals(0.0, fractionFromBig(only, 1000, 3));
    }

    @Test
    void pairsOfAStoreAreDrawnUniformly() {
        PairStoreCoupling c = PairStoreCoupling.builder().addStore(small).build();
        int n = 50_000;
        int[] hits = new int[100];
        PairBatch b = c.sample(new SplittableRandom(4), n);
        for (int i = 0; i < n; i++) {
            hits[(int) (-b.x0()[2 * i]) - 1]++;
        }
        double chi2 = 0;
        for (int h : hits) {
            chi2 += (h - n / 100.0) * (h - n / 100.0) / (n / 100.0);
        }
        // 99 degrees of freedom: mean 99, sd 14; 170 is beyond 5 sd
        assertTrue(chi2 < 170, "chi-square " + chi2);
    }

    @Test
    void batchesArePureFunctionsOfTheGenerator() {
        PairStoreCoupling c = PairStoreCoupling.builder().addStore(big).addStore(small).build();
        PairBatch a = c.sample(new SplittableRandom(9), 64);
        PairBatch b = c.sample(new SplittableRandom(9), 64);
        assertArrayEquals(a.x0(), b.x0());
        assertArrayEquals(a.x1(), b.x1());
    }

    @Test
    void storesOfOtherShapesOrBadWeightsAreRejected() throws IOException {
        PairStore wide = TestStores.write(dir.resolve("wide"), new float[30], new float[30], new long[] {3}, 64);
        IllegalArgumentException shape = assertThrows(IllegalArgumentException.class,
                () -> PairStoreCoupling.builder().addStore(big).addStore(wide));
        assertTrue(shape.getMessage().contains("sample shape [3]"), shape.getMessage());
        assertTrue(shape.getMessage().contains("[2]"), shape.getMessage());
        assertThrows(IllegalArgumentException.class, () -> PairStoreCoupling.builder().build());
        assertThrows(IllegalArgumentException.class, () -> PairStoreCoupling.builder().addStore(big, -1));
        assertThrows(IllegalArgumentException.class, () -> PairStoreCoupling.builder().addStore(big, 0).build());
    }
}
