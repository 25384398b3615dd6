package dev.reflowkit.eval;

import ai.djl.ndarray.NDArray;
import dev.reflowkit.sampling.BatchObserver;

/**
 * Measures the straightness and transport cost ({@link TrajectoryMetrics}) of every sample while a
 * {@link dev.reflowkit.sampling.BatchSampler} generates them, without keeping the trajectories:
 * memory is {@code O(batch * dim)} whatever the number of steps.
 *
 * <p>The straightness {@code S_i = sum_k w_k ||a_k - u||^2} is the time-weighted variance of the
 * step velocities {@code a_k} (their weighted mean is {@code u}), so it is accumulated one step at
 * a time with the weighted Welford update (West 1979): with weight {@code w = |t_{k+1} - t_k|},
 * {@code W' = W + w}, {@code d = a_k - m}, {@code m' = m + (w / W') d},
 * {@code M' = M + w d . (a_k - m')}, and {@code S_i = M / W} at the end. It agrees with {@link
 * TrajectoryMetrics#straightnessPerSample} up to rounding.
 *
 * <p>One recorder serves one sampling run of {@code count} samples; every sample must be seen
 * exactly once.
 */
public final class TrajectoryRecorder implements BatchObserver {

    private final int dim;
    private final double[] straightness;
    private final double[] transport;
    private final boolean[] seen;

    private int first;
    private int n;
    private float[] start;
    private float[] prev;
    private double tPrev;
    private double weightSum;
    private double[] mean;
    private double[] m2;

    /**
     * Creates a recorder.
     *
     * @param count the number of samples of the run
     * @param dim values per sample
     */
    public TrajectoryRecorder(int count, int dim) {
        if (count < 1 || dim < 1) {
            throw new IllegalArgumentException("recorder needs count >= 1 and dim >= 1, got " + count + ", " + dim);
        }
        this.dim = dim;
        this.straightness = new double[count];
        this.transport = new double[count];
        this.seen = new boolean[count];
    }

    /** {@inheritDoc} */
    @Override
    public void startBatch(int first, double t, NDArray noise) {
        this.first = first;
        this.start = noise.toFloatArray();
        if (start.length % dim != 0) {
            throw new IllegalArgumentException("batch of " + start.length + " values is not a multiple of dim " + dim);
        }
        this.n = start.length / dim;
        if (first < 0 || first + n > seen.length) {
            throw new IllegalArgumentException("batch [" + first + ", " + (first + n) + ") is outside the run's "
                    + seen.length + " samples");
        }
        this.prev = start;
        this.tPrev = t;
        this.weightSum = 0;
        this.mean = new double[start.length];
        this.m2 = new double[n];
    }

    /** {@inheritDoc} */
    @Override
    public void onStep(int step, double t, NDArray x) {
        if (start == null) {
            throw new IllegalStateException("onStep before startBatch");
        }
        float[] cur = x.toFloatArray();
        double dt = t - tPrev;
        double w = Math.abs(dt);
        if (w == 0) {
            return;
        }
        double total = weightSum + w;
        double share = w / total;
        for (int i = 0; i < n; i++) {
            double acc = 0;
            for (int j = i * dim; j < (i + 1) * dim; j++) {
                double a = ((double) cur[j] - prev[j]) / dt;
                double d = a - mean[j];
                mean[j] += share * d;
                acc += d * (a - mean[j]);
            }
            m2[i] += w * acc;
        }
        weightSum = total;
        prev = cur;
        tPrev = t;
    }

    /** {@inheritDoc} */
    @Override
    public void endBatch(int first, NDArray samples) {
        if (start == null || first != this.first) {
            throw new IllegalStateException("endBatch(" + first + ") does not match startBatch(" + this.first + ")");
        }
        float[] end = samples.toFloatArray();
        double[] cost = TrajectoryMetrics.squaredDistances(start, end, dim);
        for (int i = 0; i < n; i++) {
            straightness[first + i] = weightSum > 0 ? Math.max(0, m2[i] / weightSum) : 0;
            transport[first + i] = cost[i];
            seen[first + i] = true;
        }
        start = null;
        prev = null;
        mean = null;
        m2 = null;
    }

    /**
     * The straightness of each sample.
     *
     * @return {@code S_i}, a copy
     * @throws IllegalStateException if a sample was not recorded
     */
    public double[] straightnessPerSample() {
        checkComplete();
        return straightness.clone();
    }

    /**
     * The mean straightness {@code S}.
     *
     * @return {@code S}
     * @throws IllegalStateException if a sample was not recorded
     */
    public double straightness() {
        checkComplete();
        return TrajectoryMetrics.mean(straightness);
    }

    /**
     * The transport cost {@code C = mean_i ||x1_i - x0_i||^2}.
     *
     * @return {@code C}
     * @throws IllegalStateException if a sample was not recorded
     */
    public double transportCost() {
        checkComplete();
        return TrajectoryMetrics.mean(transport);
    }

    private void checkComplete() {
        for (int i = 0; i < seen.length; i++) {
            if (!seen[i]) {
                throw new IllegalStateException("sample " + i + " of " + seen.length + " was not recorded");
            }
        }
    }
}
