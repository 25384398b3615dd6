package dev.reflowkit.metrics;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.reflowkit.data.PointSet;
import org.junit.jupiter.api.Test;

class EnergyDistanceTest {

    @Test
    void zeroForIdenticalSets() {
        PointSet a = TestPoints.gaussian(300, 2, 0, 4);
        assertEquals(0.0, EnergyDistance.compute(a, a), 1e-12);
        assertEquals(0.0, EnergyDistance.compute(a, TestPoints.permute(a)), 1e-12);
    }

    @Test
    void closedFormForSinglePointsAndShiftedPairs() {
        // One point each: 2|s| - 0 - 0.
        PointSet x = new PointSet(1, 2, new float[] {0, 0});
        PointSet y = new PointSet(1, 2, new float[] {3, 4});
        assertEquals(10.0, EnergyDistance.compute(x, y), 1e-12);
        // {0, 1} vs {3, 4} in 1-D: cross mean (3 + 4 + 2 + 3) / 4 = 3, within means 1/2:
        // 2 * 3 - 1/2 - 1/2 = 5.
        PointSet a = new PointSet(2, 1, new float[] {0, 1});
        PointSet b = new PointSet(2, 1, new float[] {3, 4});
        assertEquals(5.0, EnergyDistance.compute(a, b), 1e-12);
    }

    @Test
    void positiveAndGrowingForShiftedSets() {
        PointSet a = TestPoints.gaussian(300, 2, 0, 5);
        double small = EnergyDistance.compute(a, TestPoints.translate(a, new float[] {0.5f, 0}));
        double large = EnergyDistance.compute(a, TestPoints.translate(a, new float[] {2f, 0}));
        assertTrue(small > 0.01, "small shift " + small);
        assertTrue(large > small, "large " + large + " vs small " + small);
    }

    @Test
    void matchesNumpy() {
        // Provenance: numpy 2.4.6 / scipy 1.17.1 on TestPoints.fixedA/fixedB (float32 points):
        // 2 * cdist(a, b).mean() - cdist(a, a).mean() - cdist(b, b).mean().
        double e = EnergyDistance.compute(TestPoints.fixedA(), TestPoints.fixedB());
        assertEquals(0.6773204266828046, e, 1e-12);
        assertEquals(e, EnergyDistance.compute(TestPoints.fixedB(), TestPoints.fixedA()), 1e-12);
    }

    @Test
    void allowsDifferentSizesButNotDimensions() {
        double e = EnergyDistance.compute(TestPoints.gaussian(40, 2, 0, 1),
                TestPoints.gaussian(70, 2, 3, 2));
        assertTrue(e > 1, "e = " + e);
        IllegalArgumentException ex = assertThrows(IllegalArgumentException.class,
                () -> EnergyDistance.compute(TestPoints.gaussian(4, 2, 0, 1),
                        TestPoints.gaussian(4, 1, 0, 1)));
        assertTrue(ex.getMessage().contains("2 vs 1"), ex.getMessage());
    }
}
