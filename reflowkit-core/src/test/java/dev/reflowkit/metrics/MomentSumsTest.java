package dev.reflowkit.metrics;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.Arrays;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class MomentSumsTest {

    private static float[] rows(int n, int d, long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        float[] out = new float[n * d];
        for (int i = 0; i < out.length; i++) {
            out[i] = (float) (1000 + r.nextGaussian() * (1 + i % d)); // a large offset tests the shift
        }
        return out;
    }

    @Test
    void mergedPartsEqualOnePassToRounding() {
        int d = 3;
        float[] all = rows(900, d, 7);
        double[][] asRows = new double[900][d];
        for (int i = 0; i < 900; i++) {
            for (int j = 0; j < d; j++) {
                asRows[i][j] = all[i * d + j];
            }
        }
        GaussianStats direct = GaussianStats.of(asRows);
        MomentSums a = new MomentSums(d).add(Arrays.copyOfRange(all, 0, 100 * d));
        MomentSums b = new MomentSums(d).add(Arrays.copyOfRange(all, 100 * d, 550 * d));
        MomentSums c = new MomentSums(d).add(Arrays.copyOfRange(all, 550 * d, 900 * d));
        GaussianStats merged = new MomentSums(d).merge(c).merge(a.merge(b)).toGaussian();
        assertEquals(900, merged.count());
        for (int i = 0; i < d; i++) {
            assertEquals(direct.mean()[i], merged.mean()[i], 1e-9);
            for (int j = 0; j < d; j++) {
                assertEquals(direct.cov()[i][j], merged.cov()[i][j], 1e-8 * (1 + Math.abs(direct.cov()[i][j])));
            }
        }
    }

    @Test
    void badInputIsRefused() {
        assertThrows(IllegalArgumentException.class, () -> new MomentSums(2).add(new float[3]));
        assertThrows(IllegalArgumentException.class, () -> new MomentSums(1).add(new float[] {Float.NaN}));
        assertThrows(IllegalArgumentException.class, () -> new MomentSums(2).merge(new MomentSums(3)));
        assertThrows(IllegalStateException.class, () -> new MomentSums(2).add(new float[2]).toGaussian());
    }
}
