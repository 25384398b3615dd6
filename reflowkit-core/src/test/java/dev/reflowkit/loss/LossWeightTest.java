package dev.reflowkit.loss;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import dev.reflowkit.engine.Engines;
import org.junit.jupiter.api.Test;

class LossWeightTest {

    @Test
    void constantWeight() {
        try (NDManager m = Engines.newManager()) {
            NDArray l = m.create(new float[] {1, 2, 3});
            assertArrayEquals(
                    new float[] {2.5f, 2.5f, 2.5f},
                    ConstantWeight.of(2.5).weight(l, l).toFloatArray());
            assertArrayEquals(
                    new float[] {1, 1, 1}, ConstantWeight.one().weight(l, l).toFloatArray());
        }
        assertThrows(IllegalArgumentException.class, () -> ConstantWeight.of(0));
        assertThrows(IllegalArgumentException.class, () -> ConstantWeight.of(Double.NaN));
    }

    @Test
    void timePowerWeight() {
        TimePowerWeight weight = TimePowerWeight.builder().setPower(-0.5).optEps(0.01).build();
        try (NDManager m = Engines.newManager()) {
            NDArray l = m.create(new float[] {7, 7, 7});
            NDArray t = m.create(new float[] {0f, 0.24f, 0.99f});
            float[] w = weight.weight(l, t).toFloatArray();
            assertArrayEquals(
                    new float[] {
                        (float) Math.pow(0.01, -0.5),
                        (float) Math.pow(0.25, -0.5),
                        (float) Math.pow(1.0, -0.5)
                    },
                    w,
                    1e-5f);
        }
        assertThrows(IllegalStateException.class, () -> TimePowerWeight.builder().build());
        assertThrows(
                IllegalStateException.class,
                () -> TimePowerWeight.builder().setPower(-1).optEps(0).build());
        assertEquals("time-power(p=2.0,eps=0.001)", TimePowerWeight.builder().setPower(2).build().name());
    }
}
