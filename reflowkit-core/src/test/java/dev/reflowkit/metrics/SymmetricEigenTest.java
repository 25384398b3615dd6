package dev.reflowkit.metrics;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

class SymmetricEigenTest {

    @ParameterizedTest
    @ValueSource(ints = {1, 2, 3, 7, 40, 128})
    void reconstructsRandomSymmetricMatrices(int k) {
        double[][] a = FeatureTestData.symmetric(k, 100 + k);
        SymmetricEigen e = SymmetricEigen.of(a);
        double[] w = e.values();
        double[][] v = e.vectors();
        assertTrue(FeatureTestData.maxAbsDiff(FeatureTestData.withSpectrum(v, w), a) < 1e-11 * k,
                "A = V diag(w) V^T");
        double[][] vtv = FeatureTestData.multiply(FeatureTestData.transpose(v), v);
        double[][] eye = new double[k][k];
        for (int i = 0; i < k; i++) {
            eye[i][i] = 1;
        }
        assertTrue(FeatureTestData.maxAbsDiff(vtv, eye) < 1e-12 * k, "V orthonormal");
        for (int j = 1; j < k; j++) {
            assertTrue(w[j - 1] <= w[j], "ascending");
        }
        double trace = 0;
        double sum = 0;
        for (int i = 0; i < k; i++) {
            trace += a[i][i];
            sum += w[i];
        }
        assertEquals(trace, sum, 1e-10 * k);
    }

    @Test
    void knownSpectra() {
        assertArrayEquals(new double[] {1, 3},
                SymmetricEigen.of(new double[][] {{2, 1}, {1, 2}}).values(), 1e-14);
        assertArrayEquals(new double[] {-2, 0.5, 4},
                SymmetricEigen.of(new double[][] {{4, 0, 0}, {0, -2, 0}, {0, 0, 0.5}}).values(), 0);
        // Repeated eigenvalues and a tiny one, in a random basis.
        double[] w = {1e-9, 1, 1, 2.5, 2.5};
        double[][] a = FeatureTestData.withSpectrum(FeatureTestData.orthogonal(5, 7), w);
        assertArrayEquals(w, SymmetricEigen.of(a).values(), 1e-13);
    }

    @Test
    void squareRootOfAPositiveDefiniteMatrix() {
        double[][] q = FeatureTestData.orthogonal(6, 3);
        double[][] a = FeatureTestData.withSpectrum(q, new double[] {0.1, 0.5, 1, 2, 4, 9});
        double[][] r = SymmetricEigen.of(a).apply(Math::sqrt);
        assertTrue(FeatureTestData.maxAbsDiff(FeatureTestData.multiply(r, r), a) < 1e-12);
        double[][] expected = FeatureTestData.withSpectrum(q, new double[] {Math.sqrt(0.1), Math.sqrt(0.5), 1,
            Math.sqrt(2), 2, 3});
        assertTrue(FeatureTestData.maxAbsDiff(r, expected) < 1e-12);
    }

    @Test
    void inputIsNotModifiedAndBadInputIsRejected() {
        double[][] a = FeatureTestData.symmetric(4, 1);
        double[][] copy = {a[0].clone(), a[1].clone(), a[2].clone(), a[3].clone()};
        SymmetricEigen.of(a);
        assertEquals(0, FeatureTestData.maxAbsDiff(a, copy));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> SymmetricEigen.of(new double[][] {{1, 2}, {3, 1}}));
        assertTrue(e.getMessage().contains("not symmetric"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> SymmetricEigen.of(new double[][] {{1, 2}}));
        assertThrows(IllegalArgumentException.class, () -> SymmetricEigen.of(new double[][] {{Double.NaN}}));
    }
}
