package dev.reflowkit.metrics;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.reflowkit.data.PointSet;
import org.junit.jupiter.api.Test;

class RbfMmdTest {

    // Provenance of the expected values: numpy 2.4.6 / scipy 1.17.1 on TestPoints.fixedA (a) and
    // fixedB (b), K = exp(-cdist(., ., 'sqeuclidean') / (2 s^2));
    // unbiased = (Kaa.sum() - trace) / (n(n-1)) + (Kbb.sum() - trace) / (m(m-1)) - 2 Kab.mean(),
    // biased = Kaa.mean() + Kbb.mean() - 2 Kab.mean(); median = np.median(pdist(b)).

    @Test
    void matchesNumpyWithFixedBandwidth() {
        RbfMmd u = RbfMmd.builder().setBandwidth(1.5).build();
        RbfMmd v = RbfMmd.builder().setBandwidth(1.5).optEstimator(RbfMmd.Estimator.BIASED).build();
        assertEquals(0.023995034101155763, u.compute(TestPoints.fixedA(), TestPoints.fixedB()),
                1e-12);
        assertEquals(0.06178140691888341, v.compute(TestPoints.fixedA(), TestPoints.fixedB()),
                1e-12);
    }

    @Test
    void matchesNumpyWithMedianBandwidth() {
        assertEquals(6.1320877879366575, RbfMmd.medianBandwidth(TestPoints.fixedB()), 1e-12);
        RbfMmd u = RbfMmd.builder().setMedianBandwidth(TestPoints.fixedB()).build();
        assertEquals(6.1320877879366575, u.bandwidth(), 1e-12);
        assertEquals(0.032093320082280385, u.compute(TestPoints.fixedA(), TestPoints.fixedB()),
                1e-12);
    }

    @Test
    void nearZeroForOneDistributionAndPositiveForAnother() {
        PointSet ref = TestPoints.gaussian(500, 2, 0, 10);
        RbfMmd mmd = RbfMmd.builder().setMedianBandwidth(ref).build();
        double same = mmd.compute(TestPoints.gaussian(500, 2, 0, 11), ref);
        double shifted = mmd.compute(TestPoints.gaussian(500, 2, 1.0, 12), ref);
        assertTrue(Math.abs(same) < 0.005, "same-distribution MMD^2 " + same);
        assertTrue(shifted > 0.05, "shifted MMD^2 " + shifted);
    }

    @Test
    void unbiasedEstimatorAveragesToZeroWhereBiasedDoesNot() {
        RbfMmd u = RbfMmd.builder().setBandwidth(1.0).build();
        RbfMmd v = RbfMmd.builder().setBandwidth(1.0).optEstimator(RbfMmd.Estimator.BIASED).build();
        int repeats = 200;
        double sumU = 0;
        double sumV = 0;
        for (int r = 0; r < repeats; r++) {
            PointSet a = TestPoints.gaussian(20, 2, 0, 2L * r);
            PointSet b = TestPoints.gaussian(20, 2, 0, 2L * r + 1);
            sumU += u.compute(a, b);
            sumV += v.compute(a, b);
        }
        // With 20 + 20 points the V-statistic's bias is about (2 - 2 E k) / 20 ~ 0.05.
        assertTrue(Math.abs(sumU / repeats) < 0.005, "mean unbiased " + sumU / repeats);
        assertTrue(sumV / repeats > 0.02, "mean biased " + sumV / repeats);
    }

    @Test
    void requiresABandwidthAndValidInput() {
        IllegalStateException e = assertThrows(IllegalStateException.class,
                () -> RbfMmd.builder().build());
        assertTrue(e.getMessage().contains("setBandwidth"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> RbfMmd.builder().setBandwidth(0));
        assertThrows(IllegalArgumentException.class,
                () -> RbfMmd.builder().setBandwidth(Double.NaN));
        PointSet same = new PointSet(3, 1, new float[] {2, 2, 2});
        assertThrows(IllegalArgumentException.class, () -> RbfMmd.medianBandwidth(same));
        RbfMmd mmd = RbfMmd.builder().setBandwidth(1).build();
        PointSet one = new PointSet(1, 1, new float[] {0});
        IllegalArgumentException ex = assertThrows(IllegalArgumentException.class,
                () -> mmd.compute(one, same));
        assertTrue(ex.getMessage().contains("1 points"), ex.getMessage());
    }
}
