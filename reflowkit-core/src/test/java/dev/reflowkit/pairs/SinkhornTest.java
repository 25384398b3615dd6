package dev.reflowkit.pairs;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.reflowkit.metrics.Assignment;
import dev.reflowkit.metrics.LinearAssignment;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class SinkhornTest {

    /** Squared distances between n random 2-D points and m others. */
    private static double[] cost(int n, int m, long seed) {
        SplittableRandom rng = new SplittableRandom(seed);
        double[][] a = new double[n][2];
        double[][] b = new double[m][2];
        for (double[] p : a) {
            p[0] = rng.nextGaussian();
            p[1] = rng.nextGaussian();
        }
        for (double[] p : b) {
            p[0] = rng.nextGaussian() + 0.5;
            p[1] = 2 * rng.nextGaussian();
        }
        double[] c = new double[n * m];
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < m; j++) {
                double dx = a[i][0] - b[j][0];
                double dy = a[i][1] - b[j][1];
                c[i * m + j] = dx * dx + dy * dy;
            }
        }
        return c;
    }

    @ParameterizedTest
    @ValueSource(doubles = {1.0, 0.1, 0.05, 0.01})
    void planMarginalsAreUniform(double lambda) {
        int n = 64;
        TransportPlan p = Sinkhorn.builder().optLambda(lambda).build().solve(cost(n, n, 1), n, n);
        for (double s : p.rowSums()) {
            assertEquals(1.0 / n, s, 1e-6 / n, "row sum, lambda " + lambda);
        }
        for (double s : p.colSums()) {
            assertEquals(1.0 / n, s, 1e-6 / n, "column sum, lambda " + lambda);
        }
        assertTrue(p.marginalError() <= 1e-6, "reported error " + p.marginalError());
        for (double v : p.plan()) {
            assertTrue(v >= 0 && Double.isFinite(v));
        }
    }

    @Test
    void rectangularPlansHaveBothMarginals() {
        TransportPlan p = Sinkhorn.builder().optLambda(0.05).build().solve(cost(30, 45, 2), 30, 45);
        for (double s : p.rowSums()) {
            assertEquals(1.0 / 30, s, 1e-6 / 30);
        }
        for (double s : p.colSums()) {
            assertEquals(1.0 / 45, s, 1e-6 / 45);
        }
    }

    @Test
    void twoPointProblemMatchesItsClosedForm() {
        // C = [[0, 1], [1, 0]]: by symmetry P = [[p, 1/2 - p], [1/2 - p, p]] with p = 1/2 / (1 + exp(-1/eps)),
        // eps = lambda * mean(C) = lambda / 2.
        double lambda = 0.8;
        double eps = lambda * 0.5;
        double expected = 0.5 / (1 + Math.exp(-1 / eps));
        TransportPlan p = Sinkhorn.builder().optLambda(lambda).optTolerance(1e-12).build()
                .solve(new double[] {0, 1, 1, 0}, 2, 2);
        assertEquals(expected, p.get(0, 0), 1e-12);
        assertEquals(0.5 - expected, p.get(0, 1), 1e-12);
        assertEquals(expected, p.get(1, 1), 1e-12);
    }

    @Test
    void smallLambdaTendsToTheExactAssignment() {
        int n = 40;
        double[] c = cost(n, n, 3);
        Assignment exact = LinearAssignment.solve(c, n);
        TransportPlan zero = Sinkhorn.builder().optLambda(0).build().solve(c, n, n);
        assertArrayEquals(exact.colForRow(), zero.rowArgMax(), "lambda 0 is the exact assignment");
        assertEquals(exact.totalCost() / n, zero.cost(c), 1e-12);
        assertEquals(0, zero.iterations());

        // Sinkhorn slows down as lambda falls; the hard projection needs no tight marginals
        TransportPlan tiny = Sinkhorn.builder().optLambda(1e-3).optTolerance(1e-3).build().solve(c, n, n);
        assertArrayEquals(exact.colForRow(), tiny.rowArgMax(), "lambda 1e-3 rounds to the exact assignment");
        double previous = Double.POSITIVE_INFINITY;
        for (double lambda : new double[] {1.0, 0.3, 0.1, 0.03, 0.01}) {
            double cost = Sinkhorn.builder().optLambda(lambda).build().solve(c, n, n).cost(c);
            assertTrue(cost < previous, "transport cost falls as lambda falls: " + cost + " at " + lambda);
            assertTrue(cost >= exact.totalCost() / n - 1e-12, "never below the optimal cost");
            previous = cost;
        }
        assertEquals(exact.totalCost() / n, tiny.cost(c), 0.02 * exact.totalCost() / n);
    }

    @Test
    void largeLambdaTendsToTheIndependentCoupling() {
        int n = 10;
        TransportPlan p = Sinkhorn.builder().optLambda(1e6).build().solve(cost(n, n, 4), n, n);
        for (double v : p.plan()) {
            assertEquals(1.0 / (n * n), v, 1e-5 / (n * n));
        }
    }

    @Test
    void badInputsAreRejected() {
        Sinkhorn s = Sinkhorn.builder().build();
        assertEquals(0.05, s.lambda());
        IllegalArgumentException nan = assertThrows(IllegalArgumentException.class,
                () -> s.solve(new double[] {0, Double.NaN, 1, 0}, 2, 2));
        assertTrue(nan.getMessage().contains("cost[0][1]"), nan.getMessage());
        assertThrows(IllegalArgumentException.class, () -> s.solve(new double[] {0, 1, 2}, 2, 2));
        IllegalArgumentException rect = assertThrows(IllegalArgumentException.class,
                () -> Sinkhorn.builder().optLambda(0).build().solve(new double[6], 2, 3));
        assertTrue(rect.getMessage().contains("square"), rect.getMessage());
        assertThrows(IllegalArgumentException.class, () -> Sinkhorn.builder().optLambda(-1));
        IllegalStateException slow = assertThrows(IllegalStateException.class,
                () -> Sinkhorn.builder().optLambda(1e-4).optMaxIterations(3).build().solve(cost(20, 20, 5), 20, 20));
        assertTrue(slow.getMessage().contains("did not converge"), slow.getMessage());
    }

    /**
     * Entropic plans are not permutations: taking each row's largest weight uses the real points
     * near many generated ones again and again, while drawing from the rows uses each real point
     * once in expectation (the plan's columns sum to 1/k), so projected pairs keep the data marginal.
     */
    @Test
    void drawingFromTheRowsKeepsTheColumnMarginalAndArgMaxDoesNot() {
        int k = 20;
        SplittableRandom rng = new SplittableRandom(5);
        double[] gen = new double[k];
        double[] real = new double[k];
        for (int i = 0; i < k; i++) {
            gen[i] = 0.1 * rng.nextGaussian(); // generated points crowd around 0
            real[i] = -1 + 2.0 * i / (k - 1); // real points spread over [-1, 1]
        }
        double[] cost = new double[k * k];
        for (int i = 0; i < k; i++) {
            for (int j = 0; j < k; j++) {
                cost[i * k + j] = (gen[i] - real[j]) * (gen[i] - real[j]);
            }
        }
        TransportPlan plan = Sinkhorn.builder().optLambda(0.5).build().solve(cost, k, k);
        int draws = 2000;
        int[] uses = new int[k];
        SplittableRandom draw = new SplittableRandom(9);
        for (int r = 0; r < draws; r++) {
            for (int j : plan.sampleRows(draw)) {
                uses[j]++;
            }
        }
        for (int j = 0; j < k; j++) {
            // each column is drawn draws times in expectation, sd about sqrt(draws) = 45
            assertTrue(Math.abs(uses[j] - draws) < 5 * 45, "real point " + j + " drawn " + uses[j] + " times");
        }
        int[] argMaxUses = new int[k];
        for (int j : plan.rowArgMax()) {
            argMaxUses[j]++;
        }
        assertTrue(java.util.Arrays.stream(argMaxUses).filter(u -> u == 0).count() >= k / 4,
                "argmax leaves real points out: " + java.util.Arrays.toString(argMaxUses));
    }
}
