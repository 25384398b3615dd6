package dev.reflowkit.metrics;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class FrechetDistanceTest {

    @Test
    void diagonalGaussiansMatchTheClosedForm() {
        double[] m1 = {0, 1, -2, 0.5};
        double[] m2 = {1, 1, 0, -0.5};
        double[] a = {1, 4, 0.25, 2};
        double[] b = {9, 1, 0.25, 0.5};
        double expected = 0;
        for (int i = 0; i < 4; i++) {
            expected += (m1[i] - m2[i]) * (m1[i] - m2[i]);
            expected += (Math.sqrt(a[i]) - Math.sqrt(b[i])) * (Math.sqrt(a[i]) - Math.sqrt(b[i]));
        }
        double fd = FrechetDistance.compute(new GaussianStats(m1, diag(a), 10), new GaussianStats(m2, diag(b), 10));
        assertEquals(expected, fd, 1e-12); // 1 + 0 + 4 + 1 + 4 + 1 + 0 + (sqrt2 - sqrt0.5)^2 = 11.5
        assertEquals(11.5, fd, 1e-12);
        // Commuting covariances in a rotated basis: the same closed form.
        double[][] q = FeatureTestData.orthogonal(4, 11);
        double fdRotated = FrechetDistance.compute(
                new GaussianStats(m1, FeatureTestData.withSpectrum(q, a), 10),
                new GaussianStats(m2, FeatureTestData.withSpectrum(q, b), 10));
        assertEquals(expected, fdRotated, 1e-11);
    }

    @Test
    void nonCommutingCovariancesMatchScipy() {
        double[][] s1 = {{2.0, 0.5, 0.1}, {0.5, 1.0, 0.3}, {0.1, 0.3, 0.5}};
        double[][] s2 = {{1.0, -0.4, 0.2}, {-0.4, 3.0, 0.0}, {0.2, 0.0, 0.8}};
        double fd = FrechetDistance.compute(new GaussianStats(new double[] {0, 1, 2}, s1, 5),
                new GaussianStats(new double[] {1, -1, 0.5}, s2, 5));
        // numpy/scipy: |m1-m2|^2 + tr S1 + tr S2 - 2 tr sqrtm(S1 @ S2)
        assertEquals(8.362099632349572, fd, 1e-10);
    }

    @Test
    void sameFeaturesGiveZeroAndRotationsAndShiftsChangeNothing() {
        double[][] x = FeatureTestData.gaussian(300, 8, 0, 1);
        double[][] y = FeatureTestData.gaussian(200, 8, 0.3, 2);
        assertEquals(0, FrechetDistance.compute(x, x), 1e-9);
        double fd = FrechetDistance.compute(x, y);
        assertTrue(fd > 0.5, "shifted by 0.3 in 8 dims: |dmu|^2 about 0.72, got " + fd);
        double[][] r = FeatureTestData.orthogonal(8, 5);
        double[][] xr = FeatureTestData.multiply(x, r);
        double[][] yr = FeatureTestData.multiply(y, r);
        for (double[][] set : new double[][][] {xr, yr}) {
            for (double[] row : set) {
                row[0] += 3;
            }
        }
        assertEquals(fd, FrechetDistance.compute(xr, yr), 1e-9 * fd);
    }

    @Test
    void singularCovariancesWork() {
        // 5 samples in 10 dimensions: rank-4 covariances with tiny negative round-off eigenvalues.
        double[][] x = FeatureTestData.gaussian(5, 10, 0, 3);
        assertEquals(0, FrechetDistance.compute(x, x), 1e-9);
        double[][] y = FeatureTestData.gaussian(5, 10, 0, 4);
        double fd = FrechetDistance.compute(x, y);
        assertTrue(Double.isFinite(fd) && fd > 0, "fd " + fd);
    }

    @Test
    void largeSamplesApproachThePopulationValue() {
        // N(0, I) vs N(1, 4 I) in 3 dims: 3 * 1 + 3 * (1 - 2)^2 = 6.
        double[][] x = FeatureTestData.gaussian(20000, 3, 0, 8);
        double[][] y = FeatureTestData.gaussian(20000, 3, 0, 9);
        for (double[] row : y) {
            for (int j = 0; j < 3; j++) {
                row[j] = 2 * row[j] + 1;
            }
        }
        assertEquals(6, FrechetDistance.compute(x, y), 0.15);
    }

    @Test
    void statisticsAreUnbiasedAndChecked() {
        GaussianStats s = GaussianStats.of(new double[][] {{1, 2}, {3, 2}, {5, 5}});
        assertEquals(3, s.mean()[0], 0);
        assertEquals(3, s.mean()[1], 0);
        assertEquals(4, s.cov()[0][0], 1e-15); // (4 + 0 + 4) / 2
        assertEquals(3, s.cov()[1][1], 1e-15); // (1 + 1 + 4) / 2
        assertEquals(3, s.cov()[0][1], 1e-15); // (2 + 0 + 4) / 2
        assertEquals(3, s.count());
        assertThrows(IllegalArgumentException.class, () -> GaussianStats.of(new double[][] {{1, 2}}));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> FrechetDistance.compute(new double[][] {{1, 2}, {2, 3}}, new double[][] {{1}, {2}}));
        assertTrue(e.getMessage().contains("different widths"), e.getMessage());
    }

    private static double[][] diag(double[] a) {
        double[][] m = new double[a.length][a.length];
        for (int i = 0; i < a.length; i++) {
            m[i][i] = a[i];
        }
        return m;
    }
}
