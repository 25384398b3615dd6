package dev.reflowkit.metrics;

import java.util.Arrays;

/**
 * Improved precision and recall of a generative model (Kynkäänniemi et al., "Improved Precision
 * and Recall Metric for Assessing Generative Models", NeurIPS 2019), in a feature space.
 *
 * <p>The manifold of a feature set {@code Phi} is the union of balls
 * {@code B(phi, NN_k(phi))} around its points, where {@code NN_k(phi)} is the distance from
 * {@code phi} to its {@code k}-th nearest neighbour in {@code Phi} (itself excluded). With real
 * features {@code R} and generated features {@code G}:
 *
 * <pre>
 *   precision = (1/|G|) sum_{g in G} 1[ g in manifold(R) ]   (how many samples look real)
 *   recall    = (1/|R|) sum_{r in R} 1[ r in manifold(G) ]   (how much of the data is covered)
 * </pre>
 *
 * <p>Ball membership is {@code ||g - r|| <= NN_k(r)}. Both values lie in {@code [0, 1]}; two
 * identical sets give exactly {@code (1, 1)}; the paper uses {@code k = 3}. Exact neighbours by
 * brute force: {@code O((n^2 + m^2 + n m) k)} time, {@code O(n + m)} memory.
 *
 * @param precision the fraction of generated samples inside the real manifold
 * @param recall the fraction of real samples inside the generated manifold
 * @param neighbours the {@code k} of the {@code k}-th nearest neighbour radii
 */
public record PrecisionRecall(double precision, double recall, int neighbours) {

    private static final String NAME = "PrecisionRecall";

    /** The neighbour count of the paper. */
    public static final int DEFAULT_NEIGHBOURS = 3;

    /**
     * Precision and recall with the paper's {@code k = 3}.
     *
     * @param real the real features, {@code n >= 4} rows
     * @param generated the generated features, {@code m >= 4} rows of the same width
     * @return precision and recall
     */
    public static PrecisionRecall compute(double[][] real, double[][] generated) {
        return compute(real, generated, DEFAULT_NEIGHBOURS);
    }

    /**
     * Precision and recall with {@code k}-th nearest neighbour radii.
     *
     * @param real the real features, {@code n >= k + 1} rows
     * @param generated the generated features, {@code m >= k + 1} rows of the same width
     * @param k the neighbour index, {@code >= 1}
     * @return precision and recall
     * @throws IllegalArgumentException if {@code k < 1}, a set has at most {@code k} rows,
     *     widths differ or a value is not finite
     */
    public static PrecisionRecall compute(double[][] real, double[][] generated, int k) {
        FeatureRows.checkPair(NAME, real, generated, k + 1); // both sets before the real radii
        return compute(manifold(real, k), generated);
    }

    /**
     * Precision and recall against a real manifold computed once, for scoring several generated
     * sets against the same real features (the real set's radii are then not recomputed).
     *
     * @param real the real manifold, from {@link #manifold(double[][], int)}
     * @param generated the generated features, more than {@code k} rows of the real width
     * @return precision and recall, equal to {@link #compute(double[][], double[][], int)}'s
     * @throws IllegalArgumentException if the generated set has at most {@code k} rows, its width
     *     differs or a value is not finite
     */
    public static PrecisionRecall compute(Manifold real, double[][] generated) {
        int k = real.neighbours();
        FeatureRows.checkPair(NAME, real.points(), generated, k + 1);
        double[] genRadii2 = kthNeighbourSquared(generated, k);
        double precision = coverage(generated, real.points(), real.radiiSquared());
        double recall = coverage(real.points(), generated, genRadii2);
        return new PrecisionRecall(precision, recall, k);
    }

    /**
     * The manifold of a feature set: its points and their {@code k}-th nearest neighbour radii.
     *
     * @param points the features, more than {@code k} rows (kept, not copied: do not modify)
     * @param k the neighbour index, {@code >= 1}
     * @return the manifold
     * @throws IllegalArgumentException if {@code k < 1}, the set has at most {@code k} rows or a
     *     value is not finite
     */
    public static Manifold manifold(double[][] points, int k) {
        if (k < 1) {
            throw new IllegalArgumentException(NAME + ": k must be >= 1, got " + k);
        }
        FeatureRows.check(NAME, "real", points, k + 1);
        return new Manifold(points, kthNeighbourSquared(points, k), k);
    }

    /**
     * The union of balls {@code B(phi, NN_k(phi))} around a feature set's points.
     *
     * @param points the features
     * @param radiiSquared the squared {@code k}-th nearest neighbour distance of every point
     * @param neighbours the {@code k}
     */
    public record Manifold(double[][] points, double[] radiiSquared, int neighbours) {

        /**
         * A manifold; use {@link PrecisionRecall#manifold(double[][], int)} to compute one.
         *
         * @throws IllegalArgumentException if {@code neighbours < 1} or the radii do not match the
         *     points one for one
         */
        public Manifold {
            if (neighbours < 1 || points == null || radiiSquared == null || radiiSquared.length != points.length) {
                throw new IllegalArgumentException(NAME + ": a manifold needs k >= 1 and one radius per point, got k = "
                        + neighbours + ", " + (points == null ? 0 : points.length) + " points and "
                        + (radiiSquared == null ? 0 : radiiSquared.length) + " radii");
            }
        }
    }

    /**
     * The squared distance of every row to its {@code k}-th nearest other row.
     *
     * @param x the rows, more than {@code k}
     * @param k the neighbour index
     * @return squared radii
     */
    static double[] kthNeighbourSquared(double[][] x, int k) {
        int n = x.length;
        // best[i] holds the k smallest squared distances of row i, ascending.
        double[][] best = new double[n][k];
        for (double[] b : best) {
            Arrays.fill(b, Double.POSITIVE_INFINITY);
        }
        for (int i = 0; i < n; i++) {
            for (int j = i + 1; j < n; j++) {
                double d2 = squaredDistance(x[i], x[j]);
                insert(best[i], d2);
                insert(best[j], d2);
            }
        }
        double[] out = new double[n];
        for (int i = 0; i < n; i++) {
            out[i] = best[i][k - 1];
        }
        return out;
    }

    /** The fraction of {@code points} inside the union of balls around {@code centres}. */
    private static double coverage(double[][] points, double[][] centres, double[] radii2) {
        int inside = 0;
        for (double[] p : points) {
            for (int c = 0; c < centres.length; c++) {
                if (squaredDistance(p, centres[c]) <= radii2[c]) {
                    inside++;
                    break;
                }
            }
        }
        return (double) inside / points.length;
    }

    private static void insert(double[] sorted, double v) {
        int last = sorted.length - 1;
        if (v >= sorted[last]) {
            return;
        }
        int i = last;
        while (i > 0 && sorted[i - 1] > v) {
            sorted[i] = sorted[i - 1];
            i--;
        }
        sorted[i] = v;
    }

    private static double squaredDistance(double[] a, double[] b) {
        double s0 = 0;
        double s1 = 0;
        int j = 0;
        for (; j + 1 < a.length; j += 2) {
            double t0 = a[j] - b[j];
            double t1 = a[j + 1] - b[j + 1];
            s0 += t0 * t0;
            s1 += t1 * t1;
        }
        if (j < a.length) {
            double t = a[j] - b[j];
            s0 += t * t;
        }
        return s0 + s1;
    }
}
