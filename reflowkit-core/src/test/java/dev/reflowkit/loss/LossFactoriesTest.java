package dev.reflowkit.loss;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;
import org.junit.jupiter.api.Test;

class LossFactoriesTest {

    @Test
    void lossesByName() {
        assertInstanceOf(MseLoss.class, Losses.byName("mse"));
        PseudoHuberLoss ph = (PseudoHuberLoss) Losses.byName("pseudo-huber");
        assertEquals(0.00054 * 28, ph.constantFor(784), 1e-15);
        assertEquals(0.03, ((PseudoHuberLoss) Losses.byName("pseudo-huber", Map.of("c", 0.03)))
                .constantFor(784));
        HighPassFilterLoss hpf =
                (HighPassFilterLoss) Losses.byName("HPF", Map.of("lambda", 2, "cutoff", "0.2"));
        assertEquals(2.0, hpf.lambda());
        assertEquals(0.2, hpf.cutoff());
    }

    @Test
    void weightsByName() {
        assertInstanceOf(ConstantWeight.class, LossWeights.byName("constant"));
        assertEquals(3.0, ((ConstantWeight) LossWeights.byName("constant", Map.of("value", 3))).value());
        assertEquals(-1.0, ((TimePowerWeight) LossWeights.byName("time-power", Map.of("power", -1))).power());
        assertEquals(0.0, ((PerSampleNormalization) LossWeights.byName("per-sample", Map.of("eps", 0))).eps());
        TimeBinEmaNormalization ema = (TimeBinEmaNormalization)
                LossWeights.byName("time-bin-ema", Map.of("bins", 8, "decay", 0.9));
        assertEquals(8, ema.bins());
        assertNotSame(LossWeights.byName("time-bin-ema"), LossWeights.byName("time-bin-ema"));
    }

    @Test
    void errorsNameTheProblem() {
        IllegalArgumentException e =
                assertThrows(IllegalArgumentException.class, () -> Losses.byName("lpips"));
        assertTrue(e.getMessage().contains("lpips") && e.getMessage().contains("hpf"));
        e = assertThrows(
                IllegalArgumentException.class, () -> Losses.byName("mse", Map.of("lambda", 1)));
        assertTrue(e.getMessage().contains("lambda"));
        e = assertThrows(
                IllegalArgumentException.class, () -> LossWeights.byName("time-power"));
        assertTrue(e.getMessage().contains("power"));
        e = assertThrows(
                IllegalArgumentException.class,
                () -> LossWeights.byName("time-bin-ema", Map.of("bins", 2.5)));
        assertTrue(e.getMessage().contains("bins") && e.getMessage().contains("2.5"));
        e = assertThrows(
                IllegalArgumentException.class,
                () -> LossWeights.byName("time-power", Map.of("power", -1, "eps", 0)));
        assertTrue(e.getMessage().contains("eps"));
        e = assertThrows(IllegalArgumentException.class, () -> LossWeights.byName("min-snr"));
        assertTrue(e.getMessage().contains("min-snr") && e.getMessage().contains("per-sample"));
        assertThrows(IllegalArgumentException.class, () -> Losses.byName("hpf", Map.of("cutoff", "x")));
    }
}
