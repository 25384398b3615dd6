package dev.reflowkit.metrics;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.reflowkit.data.PointSet;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class SlicedWassersteinTest {

    @Test
    void translateGivesTheProjectedShift() {
        int d = 16;
        PointSet a = TestPoints.gaussian(500, d, 0, 1);
        float[] delta = new float[d];
        double norm2 = 0;
        for (int j = 0; j < d; j++) {
            delta[j] = (float) (0.25 * (j % 5) - 0.4);
            norm2 += (double) delta[j] * delta[j];
        }
        PointSet b = TestPoints.translate(a, delta);
        int projections = 4000;
        // Exactly sqrt(mean_p (u_p . delta)^2) for the same directions.
        SplittableRandom rng = new SplittableRandom(9);
        double[] u = new double[d];
        double sum = 0;
        for (int p = 0; p < projections; p++) {
            SlicedWasserstein.randomDirection(rng, u);
            double dot = 0;
            for (int j = 0; j < d; j++) {
                dot += u[j] * delta[j];
            }
            sum += dot * dot;
        }
        double sw2 = SlicedWasserstein.compute(a, b, projections, 9);
        assertEquals(Math.sqrt(sum / projections), sw2, 1e-5);
        // And in expectation |delta| / sqrt(d).
        assertEquals(Math.sqrt(norm2 / d), sw2, 0.04 * Math.sqrt(norm2 / d));
    }

    @Test
    void smallForOneDistributionZeroForTheSameSet() {
        PointSet a = TestPoints.gaussian(1000, 8, 0, 1);
        PointSet b = TestPoints.gaussian(1000, 8, 0, 2);
        PointSet c = TestPoints.gaussian(1000, 8, 1.5, 3);
        assertEquals(0, SlicedWasserstein.compute(a, a, 32, 1), 0);
        double same = SlicedWasserstein.compute(a, b, 64, 1);
        double shifted = SlicedWasserstein.compute(a, c, 64, 1);
        assertTrue(same < 0.1, "same distribution " + same);
        // Shift 1.5 in one of 8 coordinates: about 1.5 / sqrt(8) = 0.53.
        assertEquals(1.5 / Math.sqrt(8), shifted, 0.12);
        assertEquals(shifted, SlicedWasserstein.compute(a, c, 64, 1), 0, "seeded");
    }

    @Test
    void needsEqualCounts() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> SlicedWasserstein.compute(TestPoints.gaussian(10, 2, 0, 1), TestPoints.gaussian(12, 2, 0, 1), 4, 1));
        assertTrue(e.getMessage().contains("equal size"), e.getMessage());
    }
}
