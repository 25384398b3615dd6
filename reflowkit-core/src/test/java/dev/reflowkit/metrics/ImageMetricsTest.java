package dev.reflowkit.metrics;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.reflowkit.data.PointSet;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class ImageMetricsTest {

    /** Pixels as features, counting calls. */
    private static final class PixelFeatures implements FeatureMap {
        final AtomicInteger calls = new AtomicInteger();

        @Override
        public double[][] features(PointSet samples) {
            calls.incrementAndGet();
            return FeatureRows.of(samples);
        }
    }

    @Test
    void identicalSetsScorePerfectlyAndShiftedSetsDoNot() {
        PixelFeatures map = new PixelFeatures();
        ImageMetrics metrics = ImageMetrics.builder().optFeatureMap(map).optKidSubsets(10).optKidSubsetSize(100)
                .optProjections(32).build();
        PointSet reference = TestPoints.gaussian(300, 12, 0, 1);
        Map<String, Double> same = metrics.evaluate(reference, reference);
        assertEquals(List.of("fd", "kid", "kid_std", "precision", "recall", "sw2"), List.copyOf(same.keySet()));
        assertEquals(0, same.get("fd"), 1e-9);
        assertEquals(1, same.get("precision"), 0);
        assertEquals(1, same.get("recall"), 0);
        assertEquals(0, same.get("sw2"), 0);

        Map<String, Double> shifted = metrics.evaluate(TestPoints.gaussian(200, 12, 3, 2), reference);
        assertEquals(9, shifted.get("fd"), 2, shifted.toString()); // about 3^2
        // KID of a set against itself is slightly negative (the subsets share points, whose
        // self-similarity enters the cross term), tiny next to a shift of 3 in one coordinate.
        assertTrue(Math.abs(same.get("kid")) < 0.02 * shifted.get("kid"), same + " vs " + shifted);
        assertTrue(shifted.get("precision") < 0.5 && shifted.get("sw2") > 0.3, shifted.toString());
        // The reference's features were computed once: 1 (reference) + 1 + 1 (samples).
        assertEquals(3, map.calls.get());
        metrics.evaluate(reference.head(250), reference.head(250));
        assertEquals(5, map.calls.get(), "a different reference object is featurized again");
    }

    @Test
    void classAccuracyCountsSamplesAssignedTheirIntendedClass() {
        // a "classifier" that reads the class from the first pixel's integer part
        Classifier firstPixel = images -> {
            int[] out = new int[images.n()];
            for (int i = 0; i < images.n(); i++) {
                out[i] = (int) Math.floor(images.get(i, 0));
            }
            return out;
        };
        ImageMetrics metrics = ImageMetrics.builder().optClassAccuracy(firstPixel, 3, 0.97).build();
        assertEquals(List.of("sw2", "class_acc"), metrics.names());
        float[] data = new float[12 * 2];
        for (int i = 0; i < 12; i++) {
            data[2 * i] = i < 9 ? i % 3 + 0.5f : 0.5f; // samples 9..11 are all class 0: 9 and 11 are wrong
        }
        PointSet samples = new PointSet(12, 2, data);
        assertEquals(10.0 / 12, metrics.evaluate(samples, TestPoints.gaussian(12, 2, 0, 1)).get("class_acc"), 1e-12);
        assertEquals(0.97, metrics.floor(TestPoints.gaussian(12, 2, 0, 1), TestPoints.gaussian(12, 2, 0, 1))
                .get("class_acc"), 0.0, "the floor is the classifier's accuracy on real images");
    }

    @Test
    void withoutFeaturesOnlySw2() {
        ImageMetrics metrics = ImageMetrics.builder().build();
        Map<String, Double> m = metrics.evaluate(TestPoints.gaussian(50, 4, 0, 1), TestPoints.gaussian(80, 4, 0, 2));
        assertEquals(List.of("sw2"), List.copyOf(m.keySet()));
        assertTrue(m.get("sw2") > 0);
        assertThrows(IllegalStateException.class, () -> metrics.referenceFeatures(TestPoints.gaussian(5, 4, 0, 1)));
    }

    @Test
    void rejectsMismatchedInputs() {
        ImageMetrics metrics = ImageMetrics.builder().optFeatureMap(p -> new double[1][3]).build();
        assertThrows(IllegalArgumentException.class,
                () -> metrics.evaluate(TestPoints.gaussian(10, 4, 0, 1), TestPoints.gaussian(10, 5, 0, 1)));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> metrics.evaluate(TestPoints.gaussian(10, 4, 0, 1), TestPoints.gaussian(10, 4, 0, 2)));
        assertTrue(e.getMessage().contains("returned 1 rows"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> ImageMetrics.builder().optKidSubsets(0).build());
    }
}
