package dev.reflowkit.metrics;

import java.util.function.DoubleUnaryOperator;

/**
 * The Fréchet distance between two Gaussians fitted to feature sets (the squared 2-Wasserstein
 * distance between the Gaussians; with Inception features this is FID, Heusel et al. 2017).
 *
 * <pre>
 *   FD = |mu_1 - mu_2|^2 + tr(S_1) + tr(S_2) - 2 tr( (S_1 S_2)^{1/2} )
 * </pre>
 *
 * <p>The cross term is computed stably as {@code tr (S_1^{1/2} S_2 S_1^{1/2})^{1/2}} (the matrices
 * {@code S_1 S_2} and {@code S_1^{1/2} S_2 S_1^{1/2}} are similar, and the latter is symmetric
 * positive semi-definite): two symmetric eigendecompositions ({@link SymmetricEigen}), with tiny
 * negative eigenvalues from round-off clamped to 0. No matrix inverse is needed, so singular
 * covariances (fewer samples than features) are fine.
 *
 * <p>Like every plug-in estimate from samples, FD is biased upward by the sample count: two
 * samples of size {@code n} from one distribution give {@code FD > 0}, shrinking roughly like
 * {@code 1/n}. Compare values only at equal {@code n}, against a floor measured between two real
 * sets of the same size (see {@link ImageMetrics}).
 */
public final class FrechetDistance {

    private static final String NAME = "FrechetDistance";

    private FrechetDistance() {}

    /**
     * The Fréchet distance between two feature sets.
     *
     * @param x the first set, {@code n >= 2} rows of width {@code k}
     * @param y the second set, {@code m >= 2} rows of width {@code k}
     * @return FD, {@code >= 0}
     * @throws IllegalArgumentException if widths differ, a set has fewer than 2 rows or a
     *     non-finite value
     */
    public static double compute(double[][] x, double[][] y) {
        FeatureRows.checkPair(NAME, x, y, 2);
        return compute(GaussianStats.of(x), GaussianStats.of(y));
    }

    /**
     * The Fréchet distance between two Gaussians.
     *
     * @param a the first mean and covariance
     * @param b the second, same dimension
     * @return FD, {@code >= 0} (round-off below 0 is clamped)
     * @throws IllegalArgumentException if the dimensions differ or a covariance is not symmetric
     */
    public static double compute(GaussianStats a, GaussianStats b) {
        if (a.dim() != b.dim()) {
            throw new IllegalArgumentException(NAME + ": statistics have different dimensions, " + a.dim()
                    + " vs " + b.dim());
        }
        int k = a.dim();
        double meanTerm = 0;
        double trace = 0;
        for (int i = 0; i < k; i++) {
            double d = a.mean()[i] - b.mean()[i];
            meanTerm += d * d;
            trace += a.cov()[i][i] + b.cov()[i][i];
        }
        double fd = meanTerm + trace - 2 * traceSqrtProduct(a.cov(), b.cov());
        return Math.max(0, fd);
    }

    /**
     * {@code tr (S_1 S_2)^{1/2}} for symmetric positive semi-definite {@code S_1, S_2}, as
     * {@code sum_i sqrt(max(lambda_i, 0))} over the eigenvalues of {@code S_1^{1/2} S_2 S_1^{1/2}}.
     *
     * @param s1 the first covariance, {@code k x k}
     * @param s2 the second covariance, {@code k x k}
     * @return the trace of the matrix square root, {@code >= 0}
     */
    public static double traceSqrtProduct(double[][] s1, double[][] s2) {
        int k = s1.length;
        if (s2.length != k) {
            throw new IllegalArgumentException(NAME + ": covariances of different sizes, " + k + " vs "
                    + s2.length);
        }
        DoubleUnaryOperator sqrt = w -> Math.sqrt(Math.max(w, 0));
        double[][] r = SymmetricEigen.of(s1).apply(sqrt);
        // M = R S2 R, symmetrized against round-off.
        double[][] rs = multiply(r, s2);
        double[][] m = multiply(rs, r);
        for (int i = 0; i < k; i++) {
            for (int j = 0; j < i; j++) {
                double avg = 0.5 * (m[i][j] + m[j][i]);
                m[i][j] = avg;
                m[j][i] = avg;
            }
        }
        double sum = 0;
        for (double w : SymmetricEigen.of(m).values()) {
            sum += sqrt.applyAsDouble(w);
        }
        return sum;
    }

    private static double[][] multiply(double[][] a, double[][] b) {
        int k = a.length;
        double[][] out = new double[k][k];
        for (int i = 0; i < k; i++) {
            double[] ai = a[i];
            double[] oi = out[i];
            for (int l = 0; l < k; l++) {
                double ail = ai[l];
                double[] bl = b[l];
                for (int j = 0; j < k; j++) {
                    oi[j] += ail * bl[j];
                }
            }
        }
        return out;
    }
}
