package dev.reflowkit.metrics;

import dev.reflowkit.data.PointSet;

/**
 * The mean and unbiased covariance of a feature set, the sufficient statistics of the Fréchet
 * distance: compute them once for a reference set and reuse them for every sample.
 *
 * <p>For rows {@code x_1..x_n} in {@code R^k}: {@code mu = (1/n) sum_i x_i} and
 * {@code S = 1/(n - 1) sum_i (x_i - mu)(x_i - mu)^T} (two-pass, in double precision).
 *
 * @param mean {@code mu}, length {@code k}
 * @param cov {@code S}, {@code k x k}, symmetric
 * @param count {@code n}, the number of rows the statistics came from
 */
public record GaussianStats(double[] mean, double[][] cov, int count) {

    private static final String NAME = "GaussianStats";

    /** Checks shapes: a square covariance as wide as the mean, a positive count. */
    public GaussianStats {
        int k = mean.length;
        if (k == 0 || cov.length != k) {
            throw new IllegalArgumentException(NAME + ": mean has " + k + " entries but the covariance has "
                    + cov.length + " rows");
        }
        for (int i = 0; i < k; i++) {
            if (cov[i].length != k) {
                throw new IllegalArgumentException(NAME + ": covariance row " + i + " has " + cov[i].length
                        + " entries, expected " + k);
            }
        }
        if (count < 1) {
            throw new IllegalArgumentException(NAME + ": count must be positive, got " + count);
        }
    }

    /**
     * The statistics of a feature set.
     *
     * @param features {@code n x k}, {@code n >= 2}, finite
     * @return mean and unbiased covariance
     * @throws IllegalArgumentException if there are fewer than 2 rows, ragged rows or non-finite
     *     values
     */
    public static GaussianStats of(double[][] features) {
        int k = FeatureRows.check(NAME, "given", features, 2);
        int n = features.length;
        double[] mu = new double[k];
        for (double[] row : features) {
            for (int j = 0; j < k; j++) {
                mu[j] += row[j];
            }
        }
        for (int j = 0; j < k; j++) {
            mu[j] /= n;
        }
        double[][] cov = new double[k][k];
        double[] c = new double[k];
        for (double[] row : features) {
            for (int j = 0; j < k; j++) {
                c[j] = row[j] - mu[j];
            }
            for (int i = 0; i < k; i++) {
                double ci = c[i];
                double[] covRow = cov[i];
                for (int j = 0; j <= i; j++) {
                    covRow[j] += ci * c[j];
                }
            }
        }
        for (int i = 0; i < k; i++) {
            for (int j = 0; j <= i; j++) {
                cov[i][j] /= n - 1;
                cov[j][i] = cov[i][j];
            }
        }
        return new GaussianStats(mu, cov, n);
    }

    /**
     * The statistics of a point set (each point one row).
     *
     * @param points {@code n >= 2} finite points
     * @return mean and unbiased covariance
     */
    public static GaussianStats of(PointSet points) {
        return of(FeatureRows.of(points));
    }

    /**
     * The feature dimension.
     *
     * @return {@code k}
     */
    public int dim() {
        return mean.length;
    }
}
