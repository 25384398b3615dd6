package dev.reflowkit.metrics;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.reflowkit.data.PointSet;
import org.junit.jupiter.api.Test;

class Wasserstein2Test {

    @Test
    void zeroAgainstItselfAndItsPermutation() {
        PointSet a = TestPoints.gaussian(200, 2, 0, 1);
        assertEquals(0.0, Wasserstein2.exact(a, a), 0.0);
        assertEquals(0.0, Wasserstein2.exact(a, TestPoints.permute(a)), 0.0);
    }

    @Test
    void translationGivesItsLength() {
        // Integer coordinates and translation (3, 4, 12): every value is exact in float, and the
        // optimum is the identity matching (the cross term sums to 0 for every permutation).
        int n = 64;
        float[] x = new float[n * 3];
        for (int i = 0; i < x.length; i++) {
            x[i] = (i * 37 + 5) % 23 - 11;
        }
        PointSet a = new PointSet(n, 3, x);
        PointSet b = TestPoints.permute(TestPoints.translate(a, new float[] {3, 4, 12}));
        assertEquals(13.0, Wasserstein2.exact(a, b), 1e-12);
    }

    @Test
    void symmetric() {
        PointSet a = TestPoints.gaussian(150, 3, 0, 2);
        PointSet b = TestPoints.gaussian(150, 3, 1.5, 3);
        assertEquals(Wasserstein2.exact(a, b), Wasserstein2.exact(b, a), 1e-12);
    }

    @Test
    void matchesScipy() {
        // Provenance: scipy 1.17.1 / numpy 2.4.6, points built in float32 by the same formula as
        // TestPoints.fixedA/fixedB, C = cdist(a, b, 'sqeuclidean') in float64,
        // r, c = scipy.optimize.linear_sum_assignment(C); sqrt(C[r, c].sum() / 50).
        Assignment m = Wasserstein2.optimalMatching(TestPoints.fixedA(), TestPoints.fixedB());
        assertEquals(474.8774950599697, m.totalCost(), 1e-9);
        assertEquals(3.08180951734519,
                Wasserstein2.exact(TestPoints.fixedA(), TestPoints.fixedB()), 1e-12);
    }

    @Test
    void rejectsDifferentSizesWithSubsampleHint() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> Wasserstein2.exact(TestPoints.gaussian(10, 2, 0, 1),
                        TestPoints.gaussian(12, 2, 0, 2)));
        assertTrue(e.getMessage().contains("10 and 12"), e.getMessage());
        assertTrue(e.getMessage().contains("subsample"), e.getMessage());
    }

    @Test
    void rejectsDifferentDimensionsEmptyAndNaN() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> Wasserstein2.exact(TestPoints.gaussian(10, 2, 0, 1),
                        TestPoints.gaussian(10, 3, 0, 2)));
        assertTrue(e.getMessage().contains("2 vs 3"), e.getMessage());
        PointSet empty = new PointSet(0, 2, new float[0]);
        assertThrows(IllegalArgumentException.class, () -> Wasserstein2.exact(empty, empty));
        PointSet bad = new PointSet(2, 1, new float[] {0, Float.NaN});
        e = assertThrows(IllegalArgumentException.class,
                () -> Wasserstein2.exact(bad, new PointSet(2, 1, new float[] {0, 1})));
        assertTrue(e.getMessage().contains("NaN"), e.getMessage());
    }
}
