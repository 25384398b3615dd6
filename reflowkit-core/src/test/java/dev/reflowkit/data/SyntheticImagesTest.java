package dev.reflowkit.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import org.junit.jupiter.api.Test;

class SyntheticImagesTest {

    @Test
    void deterministicWithPrefixProperty() {
        ImageSet a = SyntheticImages.generate(50, 16, 7, "train");
        ImageSet b = SyntheticImages.generate(50, 16, 7, "train");
        ImageSet prefix = SyntheticImages.generate(20, 16, 7, "train");
        assertArrayEquals(a.pixels().data(), b.pixels().data());
        assertArrayEquals(prefix.pixels().data(), Arrays.copyOf(a.pixels().data(), 20 * 256));
        ImageSet other = SyntheticImages.generate(50, 16, 8, "train");
        ImageSet test = SyntheticImages.generate(50, 16, 7, "test");
        assertFalse(Arrays.equals(a.pixels().data(), other.pixels().data()));
        assertFalse(Arrays.equals(a.pixels().data(), test.pixels().data()));
    }

    @Test
    void balancedLabelsValuesInRange() {
        ImageSet s = SyntheticImages.generate(30, 12, 1, "train");
        assertArrayEquals(new long[] {1, 12, 12}, s.sampleShape());
        assertEquals(10, s.classes());
        for (int i = 0; i < 30; i++) {
            assertEquals(i % 10, s.labels()[i]);
        }
        double mean = 0;
        for (float v : s.pixels().data()) {
            assertTrue(v >= -1f && v <= 1f, "value " + v);
            mean += v;
        }
        mean /= s.pixels().data().length;
        assertTrue(mean > -0.95 && mean < -0.3, "mostly dark background with bright shapes: mean " + mean);
    }

    @Test
    void classesAreRecognisableByNearestClassMean() {
        ImageSet train = SyntheticImages.generate(1000, 16, 3, "train");
        ImageSet test = SyntheticImages.generate(300, 16, 3, "test");
        int d = 256;
        double[][] means = new double[10][d];
        for (int i = 0; i < train.n(); i++) {
            for (int j = 0; j < d; j++) {
                means[train.labels()[i]][j] += train.pixels().data()[i * d + j] / 100.0;
            }
        }
        int correct = 0;
        for (int i = 0; i < test.n(); i++) {
            int best = -1;
            double bestDist = Double.MAX_VALUE;
            for (int k = 0; k < 10; k++) {
                double dist = 0;
                for (int j = 0; j < d; j++) {
                    double diff = test.pixels().data()[i * d + j] - means[k][j];
                    dist += diff * diff;
                }
                if (dist < bestDist) {
                    bestDist = dist;
                    best = k;
                }
            }
            correct += best == test.labels()[i] ? 1 : 0;
        }
        assertTrue(correct > 0.7 * test.n(), "nearest-mean accuracy " + correct + "/" + test.n());
    }

    @Test
    void shapesAreDrawnWhereExpected() {
        assertTrue(SyntheticImages.inside(7, 0, 0, 0.1), "filled square centre");
        assertFalse(SyntheticImages.inside(8, 0, 0, 0.1), "hollow square centre");
        assertTrue(SyntheticImages.inside(0, 0.7, 0, 0.1), "ring");
        assertFalse(SyntheticImages.inside(0, 0, 0, 0.1), "ring centre");
        assertTrue(SyntheticImages.inside(3, 0.5, 0.5, 0.1) && !SyntheticImages.inside(3, 0.5, -0.5, 0.1));
        assertTrue(SyntheticImages.inside(4, 0.5, -0.5, 0.1) && !SyntheticImages.inside(4, 0.5, 0.5, 0.1));
    }

    @Test
    void rejectsBadArguments() {
        assertThrows(IllegalArgumentException.class, () -> SyntheticImages.generate(0, 16, 1, "train"));
        assertEquals("synthetic image resolution must be >= 4, got 3",
                assertThrows(IllegalArgumentException.class, () -> SyntheticImages.generate(1, 3, 1, "train"))
                        .getMessage());
    }
}
