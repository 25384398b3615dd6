package dev.reflowkit.metrics;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class KernelInceptionDistanceTest {

    private static double[][] rows(dev.reflowkit.data.PointSet p) {
        return FeatureRows.of(p);
    }

    @Test
    void unbiasedMmdMatchesNumpy() {
        double[][] x = rows(TestPoints.fixedA());
        double[][] y = rows(TestPoints.fixedB());
        // numpy (float32 points): (sum Kxx - tr) / (m(m-1)) + (sum Kyy - tr) / (m(m-1)) - 2 sum Kxy / m^2, K = (x.y/3 + 1)^3
        assertEquals(113.90375419554503, KernelInceptionDistance.mmdUnbiased(x, y, 3), 1e-9);
        // One subset of the full size is the plain statistic (subsets are permutations).
        KernelInceptionDistance kid = KernelInceptionDistance.compute(x, y, 1, 50, 3);
        assertEquals(113.90375419554503, kid.mean(), 1e-9);
        assertEquals(0, kid.std(), 0);
        assertEquals(50, kid.subsetSize());
    }

    @Test
    void nearZeroForOneDistributionAndPositiveForAShift() {
        double[][] x = FeatureTestData.gaussian(600, 16, 0, 1);
        double[][] y = FeatureTestData.gaussian(600, 16, 0, 2);
        double[][] z = FeatureTestData.gaussian(600, 16, 0.5, 3);
        KernelInceptionDistance same = KernelInceptionDistance.compute(x, y, 20, 200, 7);
        KernelInceptionDistance shifted = KernelInceptionDistance.compute(x, z, 20, 200, 7);
        assertTrue(same.std() > 0);
        assertTrue(Math.abs(same.mean()) < 2 * same.std(), "same distribution: " + same);
        assertTrue(shifted.mean() > 10 * Math.abs(same.mean()) && shifted.mean() > 3 * shifted.std(),
                "shifted " + shifted + " vs same " + same);
        assertEquals(same, KernelInceptionDistance.compute(x, y, 20, 200, 7), "seeded");
    }

    @Test
    void kernelTableAndDirectSumsAgree() {
        double[][] x = FeatureTestData.gaussian(120, 10, 0, 4);
        double[][] y = FeatureTestData.gaussian(90, 10, 0.2, 5);
        KernelInceptionDistance table = KernelInceptionDistance.compute(x, y, 15, 50, 11, true);
        KernelInceptionDistance direct = KernelInceptionDistance.compute(x, y, 15, 50, 11, false);
        assertEquals(direct.mean(), table.mean(), 1e-6 * Math.abs(direct.mean()) + 1e-9);
        assertEquals(direct.std(), table.std(), 1e-5 * direct.std() + 1e-9);
        assertEquals(15, table.subsets());
        // Full-size subsets are permutations: one value, no spread.
        KernelInceptionDistance whole = KernelInceptionDistance.compute(x, x.clone(), 10, 500, 1);
        assertEquals(1, whole.subsets());
        assertEquals(0, whole.std(), 0);
    }

    @Test
    void subsetSizeIsClampedAndArgumentsChecked() {
        double[][] x = FeatureTestData.gaussian(30, 4, 0, 1);
        double[][] y = FeatureTestData.gaussian(40, 4, 0, 2);
        assertEquals(30, KernelInceptionDistance.compute(x, y, 2, 1000, 1).subsetSize());
        assertThrows(IllegalArgumentException.class, () -> KernelInceptionDistance.compute(x, y, 0, 10, 1));
        assertThrows(IllegalArgumentException.class, () -> KernelInceptionDistance.compute(x, y, 1, 1, 1));
    }
}
