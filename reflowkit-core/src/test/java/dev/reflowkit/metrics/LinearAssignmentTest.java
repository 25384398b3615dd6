package dev.reflowkit.metrics;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Random;
import org.junit.jupiter.api.Test;

class LinearAssignmentTest {

    @Test
    void knownTinyExample() {
        // Rows 0,1,2 -> columns 1,0,2: 1 + 2 + 2 = 5 (the only optimum).
        Assignment a = LinearAssignment.solve(new double[][] {{4, 1, 3}, {2, 0, 5}, {3, 2, 2}});
        assertArrayEquals(new int[] {1, 0, 2}, a.colForRow());
        assertEquals(5.0, a.totalCost(), 0.0);
    }

    @Test
    void antiDiagonalOptimum() {
        Assignment a = LinearAssignment.solve(new double[] {4, 1, 2, 3}, 2);
        assertArrayEquals(new int[] {1, 0}, a.colForRow());
        assertEquals(3.0, a.totalCost(), 0.0);
    }

    @Test
    void emptyAndSingle() {
        assertEquals(0, LinearAssignment.solve(new double[0], 0).size());
        Assignment one = LinearAssignment.solve(new double[] {-7.5}, 1);
        assertArrayEquals(new int[] {0}, one.colForRow());
        assertEquals(-7.5, one.totalCost(), 0.0);
    }

    @Test
    void matchesBruteForceOnRandomMatrices() {
        for (int n = 2; n <= 8; n++) {
            int seeds = n <= 6 ? 300 : 25;
            for (int seed = 0; seed < seeds; seed++) {
                Random rng = new Random(1000L * n + seed);
                int kind = seed % 3;
                double[] c = new double[n * n];
                for (int k = 0; k < c.length; k++) {
                    if (kind == 0) {
                        c[k] = rng.nextDouble(); // continuous, unique optimum a.s.
                    } else if (kind == 1) {
                        c[k] = rng.nextInt(4); // many ties
                    } else {
                        c[k] = 100 * rng.nextGaussian(); // negative costs
                    }
                }
                Assignment a = LinearAssignment.solve(c, n);
                assertPermutation(a.colForRow());
                double direct = 0;
                for (int i = 0; i < n; i++) {
                    direct += c[i * n + a.col(i)];
                }
                assertEquals(direct, a.totalCost(), 1e-12, "reported cost");
                double best = bruteForce(c, n);
                assertEquals(best, a.totalCost(), 1e-9, "n=" + n + " seed=" + seed);
            }
        }
    }

    @Test
    void matchesScipyOnA200x200Matrix() {
        // Provenance: scipy 1.17.1, C[i][j] = (31 i^2 + 17 j^2 + 13 i j + 7) % 1013 - 500 (int64),
        // r, c = scipy.optimize.linear_sum_assignment(C); C[r, c].sum() == -98522.
        int n = 200;
        double[] c = new double[n * n];
        for (long i = 0; i < n; i++) {
            for (long j = 0; j < n; j++) {
                c[(int) (i * n + j)] = (31 * i * i + 17 * j * j + 13 * i * j + 7) % 1013 - 500;
            }
        }
        Assignment a = LinearAssignment.solve(c, n);
        assertPermutation(a.colForRow());
        assertEquals(-98522.0, a.totalCost(), 0.0);
    }

    @Test
    void rejectsNonSquare() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> LinearAssignment.solve(new double[6], 2, 3));
        assertTrue(e.getMessage().contains("2 x 3"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class,
                () -> LinearAssignment.solve(new double[][] {{1, 2}, {3}}));
        assertTrue(e.getMessage().contains("row 1"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class,
                () -> LinearAssignment.solve(new double[5], 2));
        assertTrue(e.getMessage().contains("5 entries"), e.getMessage());
    }

    @Test
    void rejectsNonFinite() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> LinearAssignment.solve(new double[] {1, 2, Double.NaN, 4}, 2));
        assertTrue(e.getMessage().contains("cost[1][0] = NaN"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class,
                () -> LinearAssignment.solve(new double[] {1, Double.POSITIVE_INFINITY, 3, 4}, 2));
        assertTrue(e.getMessage().contains("cost[0][1] = Infinity"), e.getMessage());
    }

    private static void assertPermutation(int[] p) {
        boolean[] seen = new boolean[p.length];
        for (int j : p) {
            assertTrue(j >= 0 && j < p.length && !seen[j], "not a permutation");
            seen[j] = true;
        }
    }

    /** Minimum over all n! permutations (Heap's algorithm, iterative). */
    private static double bruteForce(double[] c, int n) {
        int[] p = new int[n];
        for (int i = 0; i < n; i++) {
            p[i] = i;
        }
        double best = cost(c, p);
        int[] counter = new int[n];
        int i = 0;
        while (i < n) {
            if (counter[i] < i) {
                int swapWith = i % 2 == 0 ? 0 : counter[i];
                int t = p[swapWith];
                p[swapWith] = p[i];
                p[i] = t;
                best = Math.min(best, cost(c, p));
                counter[i]++;
                i = 0;
            } else {
                counter[i] = 0;
                i++;
            }
        }
        return best;
    }

    private static double cost(double[] c, int[] p) {
        double s = 0;
        for (int i = 0; i < p.length; i++) {
            s += c[i * p.length + p[i]];
        }
        return s;
    }
}
