package dev.reflowkit.metrics;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class PrecisionRecallTest {

    @Test
    void matchesNumpyOnFixedSets() {
        PrecisionRecall pr = PrecisionRecall.compute(FeatureRows.of(TestPoints.fixedA()),
                FeatureRows.of(TestPoints.fixedB()));
        assertEquals(0.44, pr.precision(), 1e-12);
        assertEquals(0.98, pr.recall(), 1e-12);
        assertEquals(3, pr.neighbours());
    }

    @Test
    void identicalSetsScoreOneAndSameDistributionScoresHigh() {
        double[][] x = FeatureTestData.gaussian(400, 4, 0, 1);
        PrecisionRecall self = PrecisionRecall.compute(x, x);
        assertEquals(1, self.precision(), 0);
        assertEquals(1, self.recall(), 0);
        PrecisionRecall same = PrecisionRecall.compute(x, FeatureTestData.gaussian(400, 4, 0, 2));
        assertTrue(same.precision() > 0.8 && same.recall() > 0.8, same.toString());
    }

    @Test
    void farSamplesHaveLowPrecisionAndPartialCoverageLowRecall() {
        double[][] real = FeatureTestData.gaussian(300, 4, 0, 1);
        PrecisionRecall far = PrecisionRecall.compute(real, FeatureTestData.gaussian(300, 4, 10, 2));
        assertEquals(0, far.precision(), 0);
        assertEquals(0, far.recall(), 0);
        // Half the samples far away: precision about 1/2; mode collapse (samples only near one
        // point): high precision, low recall.
        double[][] half = FeatureTestData.gaussian(300, 4, 0, 3);
        for (int i = 0; i < 150; i++) {
            for (int j = 0; j < 4; j++) {
                half[i][j] += 10;
            }
        }
        PrecisionRecall mixed = PrecisionRecall.compute(real, half);
        assertTrue(mixed.precision() > 0.35 && mixed.precision() < 0.55, mixed.toString());
        double[][] collapsed = FeatureTestData.gaussian(300, 4, 0, 4);
        for (double[] row : collapsed) {
            for (int j = 0; j < 4; j++) {
                row[j] *= 0.05;
            }
        }
        PrecisionRecall mode = PrecisionRecall.compute(real, collapsed);
        assertTrue(mode.precision() > 0.9 && mode.recall() < 0.2, mode.toString());
    }

    @Test
    void checksArguments() {
        double[][] x = FeatureTestData.gaussian(3, 2, 0, 1);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> PrecisionRecall.compute(x, x));
        assertTrue(e.getMessage().contains("needs at least 4"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> PrecisionRecall.compute(x, x, 0));
    }

    @Test
    void aManifoldComputedOnceScoresEverySetAsTheDirectComputation() {
        double[][] real = FeatureTestData.gaussian(300, 4, 0, 1);
        PrecisionRecall.Manifold manifold = PrecisionRecall.manifold(real, 3);
        for (int seed = 2; seed < 6; seed++) {
            double[][] generated = FeatureTestData.gaussian(250, 4, 0.3 * seed - 0.6, seed);
            assertEquals(PrecisionRecall.compute(real, generated, 3), PrecisionRecall.compute(manifold, generated));
        }
        double[][] narrow = FeatureTestData.gaussian(50, 3, 0, 7);
        assertThrows(IllegalArgumentException.class, () -> PrecisionRecall.compute(manifold, narrow));
        assertThrows(IllegalArgumentException.class, () -> PrecisionRecall.manifold(real, 0));
        assertThrows(IllegalArgumentException.class,
                () -> PrecisionRecall.manifold(FeatureTestData.gaussian(3, 4, 0, 1), 3));
        assertThrows(IllegalArgumentException.class, () -> new PrecisionRecall.Manifold(real, new double[2], 3));
    }
}
