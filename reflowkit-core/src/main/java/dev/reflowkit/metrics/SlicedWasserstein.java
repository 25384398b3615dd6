package dev.reflowkit.metrics;

import dev.reflowkit.data.PointSet;
import java.util.Arrays;
import java.util.SplittableRandom;

/**
 * The sliced 2-Wasserstein distance (SW2) between two equal-size point sets, e.g. images as flat
 * pixel vectors (Rabin et al. 2011; Bonneel et al. 2015).
 *
 * <p>For unit directions {@code u_1..u_P} drawn uniformly on the sphere {@code S^{d-1}} (normalized
 * standard normal vectors from a seeded {@link SplittableRandom}):
 *
 * <pre>
 *   SW2(a, b) = sqrt( (1/P) sum_p W2^2( &lt;u_p, a&gt;, &lt;u_p, b&gt; ) ),
 *   W2^2(s, t) = (1/n) sum_i (s_(i) - t_(i))^2
 * </pre>
 *
 * <p>where {@code s_(i)} are the {@code n} projections of one set sorted ascending (in 1-D the
 * sorted matching is the optimal transport plan). The value is in the units of the data; for a set
 * and its translate by {@code delta} it is {@code sqrt(mean_p (u_p . delta)^2)}, which tends to
 * {@code |delta| / sqrt(d)} for many directions. Like W2 it is biased upward at finite {@code n}.
 * Cost {@code O(P n (d + log n))}.
 */
public final class SlicedWasserstein {

    private static final String NAME = "SlicedWasserstein";

    private SlicedWasserstein() {}

    /**
     * SW2 between two point sets of the same size and dimension.
     *
     * @param a the first set, {@code n >= 1} points
     * @param b the second set, {@code n} points of the same dimension
     * @param projections the number of random directions {@code P >= 1}
     * @param seed the seed of the directions
     * @return SW2 {@code >= 0}
     * @throws IllegalArgumentException if sizes or dimensions differ, a set is empty or has a
     *     non-finite value, or {@code projections < 1}
     */
    public static double compute(PointSet a, PointSet b, int projections, long seed) {
        if (a.n() != b.n()) {
            throw new IllegalArgumentException(NAME + " needs point sets of equal size, got " + a.n() + " and "
                    + b.n() + " points; subsample both to " + Math.min(a.n(), b.n()) + " first");
        }
        Pairwise.checkComparable(NAME, a, b, 1);
        if (projections < 1) {
            throw new IllegalArgumentException(NAME + ": projections must be >= 1, got " + projections);
        }
        int n = a.n();
        int d = a.d();
        SplittableRandom rng = new SplittableRandom(seed);
        double[] u = new double[d];
        double[] pa = new double[n];
        double[] pb = new double[n];
        double total = 0;
        for (int p = 0; p < projections; p++) {
            randomDirection(rng, u);
            project(a, u, pa);
            project(b, u, pb);
            Arrays.sort(pa);
            Arrays.sort(pb);
            double s = 0;
            for (int i = 0; i < n; i++) {
                double t = pa[i] - pb[i];
                s += t * t;
            }
            total += s / n;
        }
        return Math.sqrt(total / projections);
    }

    /**
     * Fills {@code u} with a uniform random unit vector.
     *
     * @param rng the generator
     * @param u the output, length {@code d}
     */
    static void randomDirection(SplittableRandom rng, double[] u) {
        double norm2 = 0;
        while (norm2 == 0) {
            norm2 = 0;
            for (int j = 0; j < u.length; j++) {
                u[j] = rng.nextGaussian();
                norm2 += u[j] * u[j];
            }
        }
        double inv = 1 / Math.sqrt(norm2);
        for (int j = 0; j < u.length; j++) {
            u[j] *= inv;
        }
    }

    private static void project(PointSet p, double[] u, double[] out) {
        float[] x = p.data();
        int d = p.d();
        for (int i = 0; i < p.n(); i++) {
            int o = i * d;
            double s = 0;
            for (int j = 0; j < d; j++) {
                s += x[o + j] * u[j];
            }
            out[i] = s;
        }
    }
}
