package dev.reflowkit.metrics;

/**
 * The mean and standard deviation of one metric over repeats.
 *
 * @param mean the arithmetic mean
 * @param std the sample standard deviation {@code sqrt(sum (x - mean)^2 / (R - 1))}; 0 when
 *     {@code R = 1}
 * @param count the number of repeats {@code R}
 */
public record MetricSummary(double mean, double std, int count) {

    /**
     * Summarizes values.
     *
     * @param values at least one value
     * @return their mean, sample standard deviation and count
     * @throws IllegalArgumentException if {@code values} is empty
     */
    public static MetricSummary of(double... values) {
        int r = values.length;
        if (r == 0) {
            throw new IllegalArgumentException("cannot summarize zero values");
        }
        double mean = 0;
        for (double v : values) {
            mean += v;
        }
        mean /= r;
        double ss = 0;
        for (double v : values) {
            ss += (v - mean) * (v - mean);
        }
        double std = r > 1 ? Math.sqrt(ss / (r - 1)) : 0;
        return new MetricSummary(mean, std, r);
    }
}
