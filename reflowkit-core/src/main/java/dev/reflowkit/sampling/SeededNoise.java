package dev.reflowkit.sampling;

import dev.reflowkit.train.StepRandom;
import java.util.SplittableRandom;

/**
 * Per-sample Gaussian noise: sample {@code i}'s noise is a pure function of the run seed and
 * {@code i}, so the samples of a run do not depend on the batch size or the thread count (as in
 * EDM's one generator per sample seed).
 */
public final class SeededNoise {

    /** The stream id of sampling noise. */
    public static final long STREAM_NOISE = 11;

    private SeededNoise() {}

    /**
     * Fills standard-normal noise for samples {@code first .. first + count - 1}.
     *
     * @param seed the run seed
     * @param first the index of the first sample
     * @param count how many samples
     * @param perSample values per sample
     * @return {@code count * perSample} values, sample-major
     */
    public static float[] normal(long seed, long first, int count, int perSample) {
        float[] out = new float[Math.multiplyExact(count, perSample)];
        for (int i = 0; i < count; i++) {
            SplittableRandom rng = new SplittableRandom(StepRandom.derive(seed, first + i, STREAM_NOISE));
            for (int j = 0; j < perSample; j++) {
                out[i * perSample + j] = (float) rng.nextGaussian();
            }
        }
        return out;
    }
}
