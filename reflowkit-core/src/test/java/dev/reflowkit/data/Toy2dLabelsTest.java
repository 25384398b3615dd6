package dev.reflowkit.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class Toy2dLabelsTest {

    private static final int N = 4000;

    @Test
    void labeledPointsAreThePlainPoints() {
        for (String name : Toy2d.NAMES) {
            LabeledPoints l = Toy2d.generateLabeled(name, 300, 7);
            assertArrayEquals(Toy2d.generate(name, 300, 7).data(), l.points().data(), name);
            assertEquals(Toy2d.classes(name), l.classes(), name);
        }
        assertEquals(8, Toy2d.classes("8gaussians"));
        assertEquals(2, Toy2d.classes("moons"));
        assertEquals(8, Toy2d.classes("checkerboard"));
        assertEquals(2, Toy2d.classes("spirals"));
        assertEquals(4, Toy2d.classes("rings"));
        assertThrows(IllegalArgumentException.class, () -> Toy2d.classes("swissroll"));
    }

    @Test
    void everyClassIsUsedAboutEqually() {
        for (String name : Toy2d.NAMES) {
            LabeledPoints l = Toy2d.generateLabeled(name, N, 3);
            int[] counts = new int[l.classes()];
            for (int c : l.labels()) {
                counts[c]++;
            }
            double expected = (double) N / l.classes();
            for (int k = 0; k < counts.length; k++) {
                // 5 standard deviations of a binomial count
                double sd = Math.sqrt(expected * (1 - 1.0 / l.classes()));
                assertTrue(Math.abs(counts[k] - expected) < 5 * sd, name + " class " + k + ": " + counts[k]);
            }
        }
    }

    @Test
    void gaussianLabelsAreTheNearestCentre() {
        double[][] centres = {{1, 0}, {-1, 0}, {0, 1}, {0, -1}, {0.7071, 0.7071}, {0.7071, -0.7071},
            {-0.7071, 0.7071}, {-0.7071, -0.7071}};
        LabeledPoints l = Toy2d.generateLabeled("8gaussians", N, 5);
        int agree = 0;
        for (int i = 0; i < N; i++) {
            int best = -1;
            double bestD = Double.MAX_VALUE;
            for (int k = 0; k < 8; k++) {
                double dx = l.points().data()[2 * i] - 4 * centres[k][0] / 1.414;
                double dy = l.points().data()[2 * i + 1] - 4 * centres[k][1] / 1.414;
                if (dx * dx + dy * dy < bestD) {
                    bestD = dx * dx + dy * dy;
                    best = k;
                }
            }
            agree += best == l.labels()[i] ? 1 : 0;
        }
        assertTrue(agree > 0.99 * N, agree + " of " + N);
    }

    @Test
    void checkerboardAndRingLabelsDescribeTheirRegion() {
        LabeledPoints cb = Toy2d.generateLabeled("checkerboard", N, 9);
        for (int i = 0; i < N; i++) {
            int col = (int) Math.floor(cb.points().data()[2 * i]) + 2;
            int row = (int) Math.floor(cb.points().data()[2 * i + 1]) + 2;
            assertEquals(2 * col + row / 2, cb.labels()[i], "point " + i);
        }
        LabeledPoints rings = Toy2d.generateLabeled("rings", N, 9);
        for (int i = 0; i < N; i++) {
            double r = Math.hypot(rings.points().data()[2 * i], rings.points().data()[2 * i + 1]);
            assertEquals(0.5 * (1 + rings.labels()[i]), r, 0.25, "point " + i);
        }
    }

    @Test
    void labeledPointsCheckTheirLabels() {
        PointSet p = new PointSet(2, 2, new float[4]);
        assertThrows(IllegalArgumentException.class, () -> new LabeledPoints(p, new int[] {0}, 2));
        assertThrows(IllegalArgumentException.class, () -> new LabeledPoints(p, new int[] {0, 2}, 2));
        assertThrows(IllegalArgumentException.class, () -> new LabeledPoints(p, new int[] {0, 0}, 0));
    }
}
