package dev.reflowkit.loss;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.DataType;
import java.util.Arrays;
import java.util.Locale;

/**
 * A per-time loss normalization (our alternative to {@link PerSampleNormalization}, spec section
 * 4, item 1): the weight of a sample is the inverse of a running mean of the loss at its time.
 *
 * <pre>
 *   bin(t)   = min(floor(t K), K - 1)          K equal bins of [0, 1]
 *   m_k      = mean of sg[l_i] over the batch samples with bin(t_i) = k
 *   ema_k   <- m_k                              first batch that reaches bin k
 *   ema_k   <- decay ema_k + (1 - decay) m_k    later batches that reach bin k
 *   w_i      = 1 / (ema_{bin(t_i)} + eps)
 * </pre>
 *
 * <p>Each call of {@link #weight(NDArray, NDArray)} first updates the bins the batch reaches, then
 * weights the batch with the updated averages (so every sample's bin is initialized when it is
 * used; bins the batch does not reach keep their value). Unlike the per-sample normalization, the
 * samples at one time keep their relative scale, so hard samples still count more than easy ones
 * at the same time; only the systematic variation of the loss over {@code t} is removed.
 *
 * <p>It is <b>stateful</b> and not thread-safe for concurrent training steps (calls are
 * serialized). {@link #state()} has length {@code 2K}: {@code [ema_0 .. ema_{K-1}, n_0 ..
 * n_{K-1}]}, {@code n_k} the number of batches that updated bin {@code k} ({@code 0}: empty bin,
 * whose {@code ema_k} is {@code 0} and unused). Reading the batch's losses and times copies them to
 * the host (one synchronization per step).
 */
public final class TimeBinEmaNormalization implements StatefulWeight {

    /** Default number of bins. */
    public static final int DEFAULT_BINS = 20;

    /** Default EMA decay per update. */
    public static final double DEFAULT_DECAY = 0.99;

    /** Default offset {@code eps}. */
    public static final double DEFAULT_EPS = 1e-3;

    private final int bins;
    private final double decay;
    private final double eps;
    private final double[] ema;
    private final long[] updates;

    private TimeBinEmaNormalization(Builder builder) {
        this.bins = builder.bins;
        this.decay = builder.decay;
        this.eps = builder.eps;
        this.ema = new double[bins];
        this.updates = new long[bins];
    }

    /**
     * A builder; 20 bins, decay 0.99 and {@code eps = 1e-3} by default.
     *
     * @return a new builder
     */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * The number of bins {@code K}.
     *
     * @return {@code K}
     */
    public int bins() {
        return bins;
    }

    /**
     * The bin of a time.
     *
     * @param t a time; values outside {@code [0, 1]} go to the first or last bin
     * @return the bin index in {@code [0, K)}
     */
    public int binOf(double t) {
        int k = (int) Math.floor(t * bins);
        return Math.min(Math.max(k, 0), bins - 1);
    }

    @Override
    public synchronized NDArray weight(NDArray perSampleLoss, NDArray t) {
        long n = perSampleLoss.getShape().get(0);
        float[] losses = Tensors.perSampleVector(perSampleLoss, n, "per-sample loss")
                .stopGradient()
                .toType(DataType.FLOAT32, false)
                .toFloatArray();
        float[] times = Tensors.perSampleVector(t, n, "time")
                .toType(DataType.FLOAT32, false)
                .toFloatArray();
        int[] binOf = new int[losses.length];
        double[] sum = new double[bins];
        int[] count = new int[bins];
        boolean finite = true;
        for (int i = 0; i < losses.length; i++) {
            finite &= Float.isFinite(losses[i]);
            int k = binOf(times[i]);
            binOf[i] = k;
            sum[k] += losses[i];
            count[k]++;
        }
        // A non-finite batch leaves the state untouched; the trainer's guard reports the loss.
        for (int k = 0; k < bins && finite; k++) {
            if (count[k] == 0) {
                continue;
            }
            double mean = sum[k] / count[k];
            ema[k] = updates[k] == 0 ? mean : decay * ema[k] + (1.0 - decay) * mean;
            updates[k]++;
        }
        float[] w = new float[losses.length];
        for (int i = 0; i < w.length; i++) {
            w[i] = (float) (1.0 / (ema[binOf[i]] + eps));
        }
        NDArray out = perSampleLoss.getManager().create(w);
        if (!out.getDevice().equals(perSampleLoss.getDevice())) {
            out = out.toDevice(perSampleLoss.getDevice(), false);
        }
        if (out.getDataType() != perSampleLoss.getDataType()) {
            out = out.toType(perSampleLoss.getDataType(), false);
        }
        return out.stopGradient();
    }

    /**
     * A copy of the running averages (for logging): {@code ema_k}, or NaN for an empty bin.
     *
     * @return the {@code K} running averages
     */
    public synchronized double[] binAverages() {
        double[] out = new double[bins];
        for (int k = 0; k < bins; k++) {
            out[k] = updates[k] == 0 ? Double.NaN : ema[k];
        }
        return out;
    }

    @Override
    public synchronized double[] state() {
        double[] s = new double[2 * bins];
        System.arraycopy(ema, 0, s, 0, bins);
        for (int k = 0; k < bins; k++) {
            s[bins + k] = updates[k];
        }
        return s;
    }

    @Override
    public synchronized void loadState(double[] state) {
        if (state == null || state.length != 2 * bins) {
            throw new IllegalArgumentException(String.format(
                    Locale.ROOT,
                    "time-bin normalization state must have length 2K = %d, got %s",
                    2 * bins,
                    state == null ? "null" : String.valueOf(state.length)));
        }
        for (int k = 0; k < bins; k++) {
            double e = state[k];
            double u = state[bins + k];
            if (!Double.isFinite(e) || e < 0.0) {
                throw new IllegalArgumentException(
                        "time-bin normalization state: bin " + k + " has a bad average " + e);
            }
            if (!(u >= 0.0) || u != Math.rint(u) || u > Long.MAX_VALUE) {
                throw new IllegalArgumentException(
                        "time-bin normalization state: bin " + k + " has a bad update count " + u);
            }
        }
        for (int k = 0; k < bins; k++) {
            ema[k] = state[bins + k] == 0.0 ? 0.0 : state[k];
            updates[k] = (long) state[bins + k];
        }
    }

    @Override
    public String name() {
        return String.format(
                Locale.ROOT, "time-bin-ema(bins=%d,decay=%s,eps=%s)", bins, decay, eps);
    }

    @Override
    public String toString() {
        return name() + Arrays.toString(binAverages());
    }

    /** Builder for {@link TimeBinEmaNormalization}. */
    public static final class Builder {

        private int bins = DEFAULT_BINS;
        private double decay = DEFAULT_DECAY;
        private double eps = DEFAULT_EPS;

        private Builder() {}

        /**
         * Sets the number of equal time bins.
         *
         * @param bins at least 1; default 20
         * @return this builder
         */
        public Builder optBins(int bins) {
            if (bins < 1) {
                throw new IllegalArgumentException(
                        "time-bin normalization needs at least 1 bin, got " + bins);
            }
            this.bins = bins;
            return this;
        }

        /**
         * Sets the EMA decay per update of a bin.
         *
         * @param decay in {@code [0, 1)}; {@code 0} uses only the current batch; default 0.99
         * @return this builder
         */
        public Builder optDecay(double decay) {
            if (!(decay >= 0.0 && decay < 1.0)) {
                throw new IllegalArgumentException(
                        "time-bin normalization decay must be in [0, 1), got " + decay);
            }
            this.decay = decay;
            return this;
        }

        /**
         * Sets the offset {@code eps} added to the running average.
         *
         * @param eps finite and {@code > 0}; default {@code 1e-3}
         * @return this builder
         */
        public Builder optEps(double eps) {
            if (!(eps > 0.0) || Double.isInfinite(eps)) {
                throw new IllegalArgumentException(
                        "time-bin normalization eps must be finite and > 0, got " + eps);
            }
            this.eps = eps;
            return this;
        }

        /**
         * Builds the weight with all bins empty.
         *
         * @return the weight
         */
        public TimeBinEmaNormalization build() {
            return new TimeBinEmaNormalization(this);
        }
    }
}
