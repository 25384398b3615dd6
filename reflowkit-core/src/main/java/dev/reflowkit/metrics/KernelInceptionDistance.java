package dev.reflowkit.metrics;

import java.util.SplittableRandom;

/**
 * The kernel inception distance (KID, Bińkowski et al., "Demystifying MMD GANs", ICLR 2018): the
 * unbiased squared MMD between two feature sets with the cubic polynomial kernel, averaged over
 * random subsets.
 *
 * <p>Kernel {@code k(x, y) = (x . y / k + 1)^3} with {@code k} the feature width. For subsets
 * {@code X, Y} of size {@code m} (drawn without replacement, independently from each set):
 *
 * <pre>
 *   MMD_u^2 = 1/(m(m-1)) sum_{i != j} k(x_i, x_j) + 1/(m(m-1)) sum_{i != j} k(y_i, y_j)
 *             - 2/m^2 sum_{i, j} k(x_i, y_j)
 * </pre>
 *
 * <p>The result is the mean and the (population, {@code ddof = 0}) standard deviation of
 * {@code MMD_u^2} over {@code subsets} subsets. Unlike FD, the estimate is unbiased: it is near 0
 * (possibly slightly negative) for two samples of one distribution, whatever the sample size; its
 * spread shrinks with {@code m}. Subsets are drawn from a {@link SplittableRandom} seeded with the
 * given seed, so results are reproducible. When {@code m} equals both set sizes every subset is a
 * permutation of the whole sets, so one value is computed ({@code subsets = 1}, {@code std = 0}).
 * Cost: for sets of up to about 2900 points all kernel values are computed once
 * ({@code O(n^2 k)}, stored as floats, at most 100 MB) and summed per subset ({@code O(m^2)});
 * larger sets cost {@code O(subsets m^2 k)}, about 0.15 s per subset at {@code m = 1000, k = 128}.
 *
 * @param mean the mean of {@code MMD_u^2} over subsets
 * @param std its standard deviation over subsets ({@code ddof = 0}; 0 for one subset)
 * @param subsets the number of subsets (1 when the subsets would all be the whole sets)
 * @param subsetSize the subset size {@code m} actually used
 */
public record KernelInceptionDistance(double mean, double std, int subsets, int subsetSize) {

    private static final String NAME = "KernelInceptionDistance";

    /**
     * KID between two feature sets.
     *
     * @param x the first set, {@code n >= 2} rows of width {@code k}
     * @param y the second set, {@code n' >= 2} rows of width {@code k}
     * @param subsets the number of subsets (1 when the subsets would all be the whole sets), {@code >= 1}
     * @param subsetSize the subset size; clamped to {@code min(n, n')}
     * @param seed the seed of the subset draws
     * @return mean and standard deviation of {@code MMD_u^2}
     * @throws IllegalArgumentException if widths differ, a set has fewer than 2 rows or a
     *     non-finite value, or {@code subsets < 1} or {@code subsetSize < 2}
     */
    public static KernelInceptionDistance compute(double[][] x, double[][] y, int subsets, int subsetSize,
            long seed) {
        return compute(x, y, subsets, subsetSize, seed, true);
    }

    /**
     * KID, optionally without the kernel table (to test that both paths agree).
     *
     * @param x the first set
     * @param y the second set
     * @param subsets the number of subsets
     * @param subsetSize the subset size
     * @param seed the seed
     * @param allowTable use the kernel table when the sets are small enough
     * @return mean and standard deviation
     */
    static KernelInceptionDistance compute(double[][] x, double[][] y, int subsets, int subsetSize, long seed,
            boolean allowTable) {
        int k = FeatureRows.checkPair(NAME, x, y, 2);
        if (subsets < 1) {
            throw new IllegalArgumentException(NAME + ": subsets must be >= 1, got " + subsets);
        }
        if (subsetSize < 2) {
            throw new IllegalArgumentException(NAME + ": subset size must be >= 2, got " + subsetSize);
        }
        int m = Math.min(subsetSize, Math.min(x.length, y.length));
        if (m == x.length && m == y.length) {
            // Every subset is a permutation of the whole sets: one value, no spread.
            return new KernelInceptionDistance(mmdUnbiased(x, y, k), 0, 1, m);
        }
        SplittableRandom rng = new SplittableRandom(seed);
        int[] px = identity(x.length);
        int[] py = identity(y.length);
        KernelTable table = allowTable && KernelTable.fits(x.length, y.length) ? new KernelTable(x, y, k) : null;
        double[] values = new double[subsets];
        double[][] sx = new double[m][];
        double[][] sy = new double[m][];
        for (int s = 0; s < subsets; s++) {
            draw(rng, px, m);
            draw(rng, py, m);
            if (table != null) {
                values[s] = table.mmdUnbiased(px, py, m);
                continue;
            }
            for (int i = 0; i < m; i++) {
                sx[i] = x[px[i]];
                sy[i] = y[py[i]];
            }
            values[s] = mmdUnbiased(sx, sy, k);
        }
        double mean = 0;
        for (double v : values) {
            mean += v;
        }
        mean /= subsets;
        double var = 0;
        for (double v : values) {
            var += (v - mean) * (v - mean);
        }
        return new KernelInceptionDistance(mean, Math.sqrt(var / subsets), subsets, m);
    }

    /**
     * The unbiased {@code MMD^2} between two equal-size sets with the cubic polynomial kernel.
     *
     * @param x {@code m >= 2} rows
     * @param y {@code m} rows
     * @param k the feature width (the kernel's scale)
     * @return {@code MMD_u^2}
     */
    static double mmdUnbiased(double[][] x, double[][] y, int k) {
        int m = x.length;
        double within = 0;
        for (int i = 0; i < m; i++) {
            for (int j = i + 1; j < m; j++) {
                within += kernel(x[i], x[j], k) + kernel(y[i], y[j], k);
            }
        }
        double cross = 0;
        for (int i = 0; i < m; i++) {
            for (int j = 0; j < m; j++) {
                cross += kernel(x[i], y[j], k);
            }
        }
        return 2 * within / ((double) m * (m - 1)) - 2 * cross / ((double) m * m);
    }

    /**
     * All kernel values of two sets, stored as floats, computed once and summed per subset
     * (worthwhile because the subsets together touch every pair several times).
     */
    private static final class KernelTable {
        /** At most this many stored values (100 MB), e.g. two sets of 2900. */
        private static final long MAX_ENTRIES = 25_000_000L;

        private final float[] xx;
        private final float[] yy;
        private final float[] xy;
        private final int nx;
        private final int ny;

        static boolean fits(int nx, int ny) {
            return (long) nx * nx + (long) ny * ny + (long) nx * ny <= MAX_ENTRIES;
        }

        KernelTable(double[][] x, double[][] y, int k) {
            this.nx = x.length;
            this.ny = y.length;
            xx = symmetric(x, k);
            yy = symmetric(y, k);
            xy = new float[nx * ny];
            for (int i = 0; i < nx; i++) {
                for (int j = 0; j < ny; j++) {
                    xy[i * ny + j] = (float) kernel(x[i], y[j], k);
                }
            }
        }

        private static float[] symmetric(double[][] a, int k) {
            int n = a.length;
            float[] t = new float[n * n];
            for (int i = 0; i < n; i++) {
                for (int j = i + 1; j < n; j++) {
                    float v = (float) kernel(a[i], a[j], k);
                    t[i * n + j] = v;
                    t[j * n + i] = v;
                }
            }
            return t;
        }

        double mmdUnbiased(int[] px, int[] py, int m) {
            double within = 0;
            double cross = 0;
            for (int a = 0; a < m; a++) {
                int i = px[a];
                int u = py[a];
                double rowX = 0;
                double rowY = 0;
                double rowXY = 0;
                for (int b = a + 1; b < m; b++) {
                    rowX += xx[i * nx + px[b]];
                    rowY += yy[u * ny + py[b]];
                }
                for (int b = 0; b < m; b++) {
                    rowXY += xy[i * ny + py[b]];
                }
                within += rowX + rowY;
                cross += rowXY;
            }
            return 2 * within / ((double) m * (m - 1)) - 2 * cross / ((double) m * m);
        }
    }

    private static double kernel(double[] a, double[] b, int k) {
        double t = FeatureRows.dot(a, b) / k + 1;
        return t * t * t;
    }

    private static int[] identity(int n) {
        int[] p = new int[n];
        for (int i = 0; i < n; i++) {
            p[i] = i;
        }
        return p;
    }

    /** Moves a uniform random {@code m}-subset to the front of {@code p} (partial Fisher-Yates). */
    private static void draw(SplittableRandom rng, int[] p, int m) {
        for (int i = 0; i < m; i++) {
            int j = i + rng.nextInt(p.length - i);
            int t = p[i];
            p[i] = p[j];
            p[j] = t;
        }
    }
}
