package dev.reflowkit.loss;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import dev.reflowkit.engine.Engines;
import org.junit.jupiter.api.Test;

class GeneralizedLossTest {

    @Test
    void defaultIsMeanOfMse() {
        GeneralizedLoss loss = GeneralizedLoss.builder().setLoss(MseLoss.of()).build();
        try (NDManager m = Engines.newManager()) {
            NDArray pred = m.create(new float[] {1, 1, 3, 3}, new Shape(2, 2));
            NDArray target = m.create(new float[] {0, 0, 0, 1}, new Shape(2, 2));
            NDArray t = m.create(new float[] {0.2f, 0.8f});
            // per-sample MSE: 1 and (9 + 4) / 2 = 6.5
            LossValue v = loss.evaluate(pred, target, t);
            assertEquals(3.75f, v.objective().getFloat(), 1e-6f);
            assertEquals(3.75f, v.unweightedMean().getFloat(), 1e-6f);
            assertEquals(new Shape(), v.objective().getShape());
            assertEquals(3.75f, loss.compute(pred, target, t).getFloat(), 1e-6f);
        }
        assertEquals("mse * constant(1.0)", loss.name());
    }

    @Test
    void weightedMeanAndUnweightedLogValue() {
        GeneralizedLoss loss = GeneralizedLoss.builder()
                .setLoss(MseLoss.of())
                .optWeight(TimePowerWeight.builder().setPower(1).optEps(0).build())
                .build();
        try (NDManager m = Engines.newManager()) {
            NDArray pred = m.create(new float[] {2, 4}, new Shape(2, 1));
            NDArray target = m.zeros(new Shape(2, 1));
            NDArray t = m.create(new float[] {0.5f, 0.25f}, new Shape(2, 1));
            LossValue v = loss.evaluate(pred, target, t);
            // w = t: (0.5 * 4 + 0.25 * 16) / 2 = 3; unweighted (4 + 16) / 2 = 10
            assertEquals(3f, v.objective().getFloat(), 1e-6f);
            assertEquals(10f, v.unweightedMean().getFloat(), 1e-6f);
        }
    }

    @Test
    void shapeErrorsAreClear() {
        GeneralizedLoss loss = GeneralizedLoss.builder().setLoss(MseLoss.of()).build();
        try (NDManager m = Engines.newManager()) {
            IllegalArgumentException e = assertThrows(
                    IllegalArgumentException.class,
                    () -> loss.compute(m.ones(new Shape(2, 3)), m.ones(new Shape(2, 4)), m.ones(new Shape(2))));
            assertTrue(e.getMessage().contains("(2, 3)") && e.getMessage().contains("(2, 4)"));
            e = assertThrows(
                    IllegalArgumentException.class,
                    () -> loss.compute(m.ones(new Shape(2, 3)), m.ones(new Shape(2, 3)), m.ones(new Shape(3))));
            assertTrue(e.getMessage().contains("time"));
        }
        assertThrows(IllegalStateException.class, () -> GeneralizedLoss.builder().build());
    }
}
