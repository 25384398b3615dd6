package dev.reflowkit.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.reflowkit.coupling.IndependentCoupling;
import dev.reflowkit.coupling.PairBatch;
import dev.reflowkit.data.LabeledPoints;
import dev.reflowkit.data.Toy2d;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

class LabelDropoutTest {

    private static final int N = 20_000;

    private static PairBatch batch(long seed, long step) {
        LabeledPoints l = Toy2d.generateLabeled("8gaussians", 1000, 1);
        return new IndependentCoupling(l.points(), l.labels())
                .sample(StepRandom.forStep(seed, step, StepRandom.STREAM_BATCH), N);
    }

    @Test
    void dropsLabelsAtTheConfiguredRate() {
        for (double p : new double[] {0.0, 0.1, 0.5}) {
            PairBatch b = batch(3, 0);
            int[] out = FlowTrainer.dropLabels(b, StepRandom.forStep(3, 0, StepRandom.STREAM_BATCH), 0, 8, p);
            int dropped = 0;
            for (int i = 0; i < N; i++) {
                if (out[i] == 8) {
                    dropped++;
                } else {
                    assertEquals(b.labels()[i], out[i], "a kept label is unchanged");
                }
            }
            double sd = Math.sqrt(p * (1 - p) / N);
            assertEquals(p, dropped / (double) N, 5 * sd + 1e-12, "rate " + p);
        }
    }

    @Test
    void theDropPatternIsAPureFunctionOfSeedAndStep() {
        PairBatch b = batch(4, 0);
        int[] a = FlowTrainer.dropLabels(b, StepRandom.forStep(4, 12, StepRandom.STREAM_BATCH), 12, 8, 0.1);
        int[] again = FlowTrainer.dropLabels(b, StepRandom.forStep(4, 12, StepRandom.STREAM_BATCH), 12, 8, 0.1);
        int[] other = FlowTrainer.dropLabels(b, StepRandom.forStep(4, 13, StepRandom.STREAM_BATCH), 13, 8, 0.1);
        assertArrayEquals(a, again);
        assertFalse(Arrays.equals(a, other));
    }

    @Test
    void labelsAndPointsTravelTogetherWithTheSameDraws() {
        LabeledPoints l = Toy2d.generateLabeled("rings", 500, 2);
        PairBatch labeled = new IndependentCoupling(l.points(), l.labels())
                .sample(StepRandom.forStep(1, 5, StepRandom.STREAM_BATCH), 64);
        PairBatch plain = new IndependentCoupling(l.points()).sample(StepRandom.forStep(1, 5, StepRandom.STREAM_BATCH), 64);
        assertArrayEquals(plain.x0(), labeled.x0());
        assertArrayEquals(plain.x1(), labeled.x1());
        assertNull(plain.labels());
        for (int i = 0; i < 64; i++) {
            double r = Math.hypot(labeled.x0()[2 * i], labeled.x0()[2 * i + 1]);
            assertEquals(0.5 * (1 + labeled.labels()[i]), r, 0.25);
        }
    }

    @Test
    void mismatchedLabelsAndClassesAreErrors() {
        PairBatch b = batch(1, 0);
        PairBatch unlabeled = new PairBatch(b.x0(), b.x1(), b.batch(), b.sampleShape());
        var rng = StepRandom.forStep(1, 0, StepRandom.STREAM_BATCH);
        assertNull(FlowTrainer.dropLabels(unlabeled, rng, 0, 0, 0.1));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> FlowTrainer.dropLabels(unlabeled, rng, 0, 8, 0.1));
        assertTrue(e.getMessage().contains("8 classes"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> FlowTrainer.dropLabels(b, rng, 0, 0, 0.1));
        assertThrows(IllegalArgumentException.class, () -> FlowTrainer.dropLabels(b, rng, 0, 4, 0.1));
        assertThrows(IllegalArgumentException.class, () -> FlowTrainer.builder().optLabelDropout(8, 1.0));
        assertThrows(IllegalArgumentException.class, () -> FlowTrainer.builder().optLabelDropout(0, 0.1));
    }
}
