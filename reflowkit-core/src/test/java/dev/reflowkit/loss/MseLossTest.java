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

class MseLossTest {

    @Test
    void isTheTrueMeanNotHalfOfIt() {
        float[] data = new float[4 * 3 * 5];
        SplittableRandom rng = new SplittableRandom(1);
        for (int i = 0; i < data.length; i++) {
            data[i] = (float) rng.nextGaussian();
        }
        try (NDManager m = Engines.newManager()) {
            NDArray e = m.create(data, new Shape(4, 3, 5));
            float[] got = MseLoss.of().perSample(e).toFloatArray();
            assertEquals(4, got.length);
            for (int i = 0; i < 4; i++) {
                double sum = 0;
                for (int j = 0; j < 15; j++) {
                    sum += (double) data[i * 15 + j] * data[i * 15 + j];
                }
                assertEquals(sum / 15, got[i], 1e-5, "sample " + i);
            }
        }
    }

    @Test
    void handValues() {
        try (NDManager m = Engines.newManager()) {
            NDArray e = m.create(new float[] {1, 2, 3, 4, 0, 0}, new Shape(2, 3));
            // (1 + 4 + 9) / 3 and 16 / 3: DJL's L2Loss would give half of these.
            assertArrayEquals(
                    new float[] {14f / 3, 16f / 3}, MseLoss.of().perSample(e).toFloatArray(), 1e-6f);
            NDArray vector = m.create(new float[] {-2, 3});
            assertArrayEquals(
                    new float[] {4, 9}, MseLoss.of().perSample(vector).toFloatArray(), 1e-6f);
            assertThrows(IllegalArgumentException.class, () -> MseLoss.of().perSample(m.create(2f)));
        }
    }
}
