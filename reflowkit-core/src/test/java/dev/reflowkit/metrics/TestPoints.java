package dev.reflowkit.metrics;

import dev.reflowkit.data.PointSet;
import java.util.Random;

/** Deterministic point sets shared by the metric tests. */
final class TestPoints {

    private TestPoints() {}

    /**
     * Fixed 50 x 3 sets reproduced exactly in numpy (float32 arithmetic): coordinate {@code k} of
     * point {@code i} is {@code float((i * mul + add) % mod) / float(div) - float(off)}.
     */
    static PointSet formula(int n, int[][] spec) {
        int d = spec.length;
        float[] x = new float[n * d];
        for (int i = 0; i < n; i++) {
            for (int k = 0; k < d; k++) {
                int[] s = spec[k];
                x[i * d + k] = (float) ((i * s[0] + s[1]) % s[2]) / (float) s[3] - (float) s[4];
            }
        }
        return new PointSet(n, d, x);
    }

    /** Set A of the scipy/numpy cross-checks. */
    static PointSet fixedA() {
        return formula(50, new int[][] {{37, 11, 101, 10, 5}, {53, 7, 97, 10, 5}, {17, 5, 31, 4, 4}});
    }

    /** Set B of the scipy/numpy cross-checks. */
    static PointSet fixedB() {
        return formula(50, new int[][] {{29, 3, 89, 10, 3}, {61, 17, 103, 10, 4}, {13, 2, 29, 4, 3}});
    }

    /** {@code n} standard normal points in {@code d} dimensions, first coordinate shifted. */
    static PointSet gaussian(int n, int d, double shift, long seed) {
        Random rng = new Random(seed);
        float[] x = new float[n * d];
        for (int i = 0; i < n * d; i++) {
            x[i] = (float) (rng.nextGaussian() + (i % d == 0 ? shift : 0));
        }
        return new PointSet(n, d, x);
    }

    /** Adds {@code t} to every point. */
    static PointSet translate(PointSet p, float[] t) {
        float[] x = p.data().clone();
        for (int i = 0; i < x.length; i++) {
            x[i] += t[i % p.d()];
        }
        return new PointSet(p.n(), p.d(), x);
    }

    /** The points in reversed-then-rotated order (a fixed non-trivial permutation). */
    static PointSet permute(PointSet p) {
        int n = p.n();
        int d = p.d();
        float[] x = new float[n * d];
        for (int i = 0; i < n; i++) {
            int src = (n - 1 - i + 7) % n;
            System.arraycopy(p.data(), src * d, x, i * d, d);
        }
        return new PointSet(n, d, x);
    }
}
