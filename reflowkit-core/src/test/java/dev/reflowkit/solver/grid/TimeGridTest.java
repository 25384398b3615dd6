package dev.reflowkit.solver.grid;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class TimeGridTest {

    private static final List<TimeGrid> GRIDS = List.of(
            new UniformGrid(),
            EdmGrid.builder().build(),
            EdmGrid.builder().optRho(3).optSigmaMax(10).build(),
            SigmoidGrid.builder().build(),
            SigmoidGrid.builder().optKappa(12).build(), ShiftedGrid.builder().build(),
            ShiftedGrid.builder().optShift(0.5).build());

    private static final double[][] INTERVALS = {
        {1, 0}, {0, 1}, {80.0 / 81, 0.002 / 1.002}, {0.3, 0.9}, {-1, 2}, {0.7, 0.1}
    };

    private static final int[] STEPS = {1, 2, 5, 9, 100, 1000};

    @Test
    void everyGridStartsAndEndsExactlyAndIsStrictlyMonotone() {
        for (TimeGrid grid : GRIDS) {
            for (double[] iv : INTERVALS) {
                for (int steps : STEPS) {
                    double[] p = grid.points(iv[0], iv[1], steps);
                    String what = grid + " " + iv[0] + "->" + iv[1] + " x" + steps;
                    assertEquals(steps + 1, p.length, what);
                    assertEquals(iv[0], p[0], 0.0, what);
                    assertEquals(iv[1], p[steps], 0.0, what);
                    double sign = Math.signum(iv[1] - iv[0]);
                    for (int i = 1; i <= steps; i++) {
                        assertTrue(Math.signum(p[i] - p[i - 1]) == sign,
                                what + " not strictly monotone at " + i);
                    }
                }
            }
        }
    }

    @Test
    void inversionVisitsTheSameTimesReversed() {
        for (TimeGrid grid : GRIDS) {
            for (int steps : STEPS) {
                double[] down = grid.points(1, 0, steps);
                double[] up = grid.points(0, 1, steps);
                for (int i = 0; i <= steps; i++) {
                    assertEquals(down[steps - i], up[i], 0.0, grid + " x" + steps + " at " + i);
                }
            }
        }
    }

    @Test
    void uniformGridIsEquallySpaced() {
        double[] p = new UniformGrid().points(1, 0, 4);
        assertArrayEquals(new double[] {1, 0.75, 0.5, 0.25, 0}, p, 1e-15);
    }

    @Test
    void edmGridMatchesTheRhoScheduleInT() {
        // numpy: s = (80^(1/7) + u (0.002^(1/7) - 80^(1/7)))^7, t = s/(1+s), normalized
        double[] expected = {1.0, 0.95776713, 0.72390877, 0.14520497, 0.0};
        assertArrayEquals(expected, EdmGrid.builder().build().points(1, 0, 4), 1e-8);
        EdmGrid grid = EdmGrid.builder().build();
        assertEquals(80, grid.sigma(0), 1e-9);
        assertEquals(0.002, grid.sigma(1), 1e-12);
        // placed affinely on another interval
        double[] q = grid.points(0.9, 0.1, 4);
        for (int i = 0; i < 5; i++) {
            assertEquals(0.1 + 0.8 * expected[i], q[i], 1e-8);
        }
    }

    @Test
    void edmGridTakesSmallStepsAtBothEnds() {
        // numpy, 10 steps, rho = 7: first step 0.0094, sixth 0.2276, last 0.0147
        double[] p = EdmGrid.builder().build().points(1, 0, 10);
        assertEquals(0.0094, p[0] - p[1], 1e-4);
        assertEquals(0.2276, p[5] - p[6], 1e-4);
        assertEquals(0.0147, p[9] - p[10], 1e-4);
    }

    @Test
    void sigmoidGridIsSymmetricWithSmallerEndSteps() {
        SigmoidGrid grid = SigmoidGrid.builder().build();
        assertEquals(3, grid.getKappa());
        double[] p = grid.points(1, 0, 10);
        for (int i = 0; i <= 10; i++) {
            assertEquals(1.0, p[i] + p[10 - i], 1e-12, "symmetry at " + i);
        }
        double end = p[0] - p[1];
        double middle = p[5] - p[6];
        assertTrue(end < middle, "end step " + end + " should be below middle " + middle);
        assertEquals(0.5, grid.shape(0.5), 1e-15);
        // kappa -> 0 approaches the uniform grid
        double[] flat = SigmoidGrid.builder().optKappa(1e-4).build().points(1, 0, 8);
        assertArrayEquals(new UniformGrid().points(1, 0, 8), flat, 1e-8);
    }

    @Test
    void customGridReturnsItsListInEitherDirection() {
        CustomGrid grid = CustomGrid.of(1, 0.6, 0.25, 0);
        assertEquals(3, grid.steps());
        assertArrayEquals(new double[] {1, 0.6, 0.25, 0}, grid.points(1, 0, 3), 0.0);
        assertArrayEquals(new double[] {0, 0.25, 0.6, 1}, grid.points(0, 1, 3), 0.0);
        assertArrayEquals(new double[] {0.1, 0.2, 0.9},
                CustomGrid.parse(" 0.1, 0.2 ,0.9").times(), 0.0);
    }

    @Test
    void customGridRejectsDisagreeingRequests() {
        CustomGrid grid = CustomGrid.of(1, 0.6, 0.25, 0);
        IllegalArgumentException steps =
                assertThrows(IllegalArgumentException.class, () -> grid.points(1, 0, 4));
        assertTrue(steps.getMessage().contains("3 steps"), steps.getMessage());
        IllegalArgumentException interval =
                assertThrows(IllegalArgumentException.class, () -> grid.points(0.9, 0, 3));
        assertTrue(interval.getMessage().contains("0.9"), interval.getMessage());
        assertThrows(IllegalArgumentException.class, () -> CustomGrid.of(1, 0.5, 0.5, 0));
        assertThrows(IllegalArgumentException.class, () -> CustomGrid.of(1, 0.5, 0.7));
        assertThrows(IllegalArgumentException.class, () -> CustomGrid.of(1));
        assertThrows(IllegalArgumentException.class, () -> CustomGrid.parse("1, x, 0"));
    }

    @Test
    void badIntervalsAreRejected() {
        TimeGrid grid = new UniformGrid();
        assertThrows(IllegalArgumentException.class, () -> grid.points(1, 0, 0));
        assertThrows(IllegalArgumentException.class, () -> grid.points(0.5, 0.5, 3));
        assertThrows(IllegalArgumentException.class, () -> grid.points(Double.NaN, 0, 3));
        assertThrows(IllegalArgumentException.class, () -> EdmGrid.builder().optRho(0).build());
        assertThrows(IllegalArgumentException.class,
                () -> EdmGrid.builder().optSigmaMax(0.001).build());
        assertThrows(IllegalArgumentException.class,
                () -> SigmoidGrid.builder().optKappa(-1).build());
    }

    @Test
    void shiftedGridMovesTheUniformTimesTowardTheNoiseEnd() {
        assertArrayEquals(new double[] {1, 0.9, 0.75, 0.5, 0}, ShiftedGrid.builder().build().points(1, 0, 4), 1e-12);
        assertArrayEquals(new UniformGrid().points(1, 0, 7), ShiftedGrid.builder().optShift(1).build()
                .points(1, 0, 7), 1e-12, "shift 1 is uniform");
        assertEquals(2.0, ((ShiftedGrid) TimeGrids.byName("shifted", Map.of("shift", 2.0))).shift());
    }

    @Test
    void factoryCreatesGridsByNameAndListsValidOnes() {
        assertInstanceOf(UniformGrid.class, TimeGrids.byName("uniform", null));
        TimeGrid edm = TimeGrids.byName("EDM", Map.of("rho", 5.0, "sigmaMax", 40.0));
        assertEquals(5.0, ((EdmGrid) edm).getRho());
        assertEquals(40.0, ((EdmGrid) edm).getSigmaMax());
        assertEquals(0.002, ((EdmGrid) edm).getSigmaMin());
        assertEquals(7.0, ((SigmoidGrid) TimeGrids.byName("sigmoid", Map.of("kappa", 7.0)))
                .getKappa());
        IllegalArgumentException unknown = assertThrows(
                IllegalArgumentException.class, () -> TimeGrids.byName("cosine", Map.of()));
        for (String name : TimeGrids.NAMES) {
            assertTrue(unknown.getMessage().contains(name), unknown.getMessage());
        }
        IllegalArgumentException param = assertThrows(IllegalArgumentException.class,
                () -> TimeGrids.byName("edm", Map.of("kappa", 1.0)));
        assertTrue(param.getMessage().contains("rho"), param.getMessage());
        assertThrows(IllegalArgumentException.class, () -> TimeGrids.byName("custom", null));
    }

    @Test
    void specificationsParse() {
        assertEquals(5.0, ((EdmGrid) TimeGrids.parse("edm:rho=5")).getRho());
        assertInstanceOf(UniformGrid.class, TimeGrids.parse("uniform"));
        assertArrayEquals(new double[] {1, 0.4, 0},
                ((CustomGrid) TimeGrids.parse("custom:1,0.4,0")).times(), 0.0);
        assertThrows(IllegalArgumentException.class, () -> TimeGrids.parse("edm:rho"));
        assertThrows(IllegalArgumentException.class, () -> TimeGrids.parse("edm:rho=abc"));
    }
}
