package dev.reflowkit.bench;

import java.util.List;

/**
 * Resident memory over a long job: samples of (progress, RSS) and the least-squares slope over
 * the part after warm-up, the evidence for "memory stays flat".
 *
 * @param name what ran, e.g. {@code mlp-train-10000}
 * @param unit what the progress counts, e.g. {@code steps} or {@code seconds}
 * @param size the job's size: training steps or pairs generated
 * @param points samples {@code {progress, rss MiB}}, in order
 * @param warmup progress before which samples are left out of the slope
 * @param peakMb the process's peak RSS during the job, MiB
 */
public record RssTrend(String name, String unit, long size, List<double[]> points, double warmup,
        double peakMb) {

    /**
     * The least-squares slope of RSS against progress after warm-up.
     *
     * @param per the progress unit of the result, e.g. 1000 for "MiB per 1000 steps"
     * @return MiB per {@code per} units of progress; NaN with fewer than two samples
     */
    public double slope(double per) {
        double n = 0;
        double sx = 0;
        double sy = 0;
        double sxx = 0;
        double sxy = 0;
        for (double[] p : points) {
            if (p[0] >= warmup) {
                n++;
                sx += p[0];
                sy += p[1];
                sxx += p[0] * p[0];
                sxy += p[0] * p[1];
            }
        }
        double den = n * sxx - sx * sx;
        return n < 2 || den == 0 ? Double.NaN : (n * sxy - sx * sy) / den * per;
    }

    /**
     * The RSS of the first sample at or after a progress value.
     *
     * @param progress the progress
     * @return MiB, or NaN if no sample is that late
     */
    public double rssAt(double progress) {
        for (double[] p : points) {
            if (p[0] >= progress) {
                return p[1];
            }
        }
        return Double.NaN;
    }

    /**
     * The last sample's RSS.
     *
     * @return MiB, or NaN without samples
     */
    public double lastMb() {
        return points.isEmpty() ? Double.NaN : points.get(points.size() - 1)[1];
    }

    /**
     * The lowest and highest RSS after warm-up: a plateau shows memory bounded while work goes on.
     *
     * @return {@code {min, max}} MiB, NaN without samples after warm-up
     */
    public double[] rangeAfterWarmup() {
        double lo = Double.NaN;
        double hi = Double.NaN;
        for (double[] p : points) {
            if (p[0] >= warmup) {
                lo = Double.isNaN(lo) ? p[1] : Math.min(lo, p[1]);
                hi = Double.isNaN(hi) ? p[1] : Math.max(hi, p[1]);
            }
        }
        return new double[] {lo, hi};
    }
}
