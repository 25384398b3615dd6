package dev.reflowkit.loss;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import dev.reflowkit.engine.Engines;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class PseudoHuberLossTest {

    @Test
    void handValueWithFixedConstant() {
        PseudoHuberLoss loss = PseudoHuberLoss.builder().optC(0.5).build();
        try (NDManager m = Engines.newManager()) {
            NDArray e = m.create(new float[] {3, 4, 0, 0, 0, 0}, new Shape(2, 3));
            // sqrt(25 + 0.25) - 0.5 and sqrt(0 + 0.25) - 0.5
            assertArrayEquals(
                    new float[] {(float) (Math.sqrt(25.25) - 0.5), 0f},
                    loss.perSample(e).toFloatArray(),
                    1e-6f);
        }
        assertEquals("pseudo-huber(c=0.5)", loss.name());
    }

    @Test
    void defaultConstantScalesWithSqrtOfDimension() {
        PseudoHuberLoss loss = PseudoHuberLoss.builder().build();
        assertEquals(0.00054 * Math.sqrt(3 * 32 * 32), loss.constantFor(3 * 32 * 32), 1e-15);
        assertEquals(2 * loss.constantFor(784), loss.constantFor(4 * 784), 1e-15);
        // rfpp issue #1: scaling with d instead would give 4x here.
        assertEquals(0.00054 * 28, loss.constantFor(784), 1e-15);
    }

    @Test
    void matchesHandComputationOnImages() {
        PseudoHuberLoss loss = PseudoHuberLoss.builder().build();
        int n = 3;
        int d = 2 * 8 * 8;
        float[] data = new float[n * d];
        SplittableRandom rng = new SplittableRandom(2);
        for (int i = 0; i < data.length; i++) {
            data[i] = (float) (0.01 * rng.nextGaussian());
        }
        double c = 0.00054 * Math.sqrt(d);
        try (NDManager m = Engines.newManager()) {
            float[] got = loss.perSample(m.create(data, new Shape(n, 2, 8, 8))).toFloatArray();
            for (int i = 0; i < n; i++) {
                double sq = 0;
                for (int j = 0; j < d; j++) {
                    sq += (double) data[i * d + j] * data[i * d + j];
                }
                double expected = Math.sqrt(sq + c * c) - c;
                assertEquals(expected, got[i], 1e-6 * Math.max(1, expected), "sample " + i);
            }
        }
    }

    @Test
    void rejectsBadConstant() {
        assertThrows(IllegalArgumentException.class, () -> PseudoHuberLoss.builder().optC(0));
        assertThrows(
                IllegalArgumentException.class, () -> PseudoHuberLoss.builder().optC(Double.NaN));
    }
}
