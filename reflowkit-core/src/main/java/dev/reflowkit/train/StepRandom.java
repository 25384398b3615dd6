package dev.reflowkit.train;

import java.util.SplittableRandom;

/**
 * Counter-based seeding: the random generator of training step {@code k} is a pure function of
 * the run seed, the step and a stream id, so any step can be replayed without saved RNG state
 * (exact resume) and runs do not depend on how many numbers earlier steps consumed.
 */
public final class StepRandom {

    /** Stream of batch data (pairs and times). */
    public static final long STREAM_BATCH = 1;
    /** Stream of the engine seed used for dropout masks. */
    public static final long STREAM_DROPOUT = 2;
    /** Stream of model initialization. */
    public static final long STREAM_INIT = 3;

    private StepRandom() {}

    /**
     * The SplitMix64 finalizer, a bijective 64-bit mix.
     *
     * @param z the input
     * @return the mixed value
     */
    public static long mix(long z) {
        z = (z ^ (z >>> 30)) * 0xbf58476d1ce4e5b9L;
        z = (z ^ (z >>> 27)) * 0x94d049bb133111ebL;
        return z ^ (z >>> 31);
    }

    /**
     * A seed derived from a run seed, a counter and a stream.
     *
     * @param seed the run seed
     * @param counter e.g. the step
     * @param stream the stream id
     * @return the derived seed
     */
    public static long derive(long seed, long counter, long stream) {
        return mix(mix(mix(seed) ^ (counter + 0x9e3779b97f4a7c15L)) ^ (stream * 0x632be59bd9b4e019L));
    }

    /**
     * The generator of one step and stream.
     *
     * @param seed the run seed
     * @param step the step
     * @param stream the stream id
     * @return a fresh generator
     */
    public static SplittableRandom forStep(long seed, long step, long stream) {
        return new SplittableRandom(derive(seed, step, stream));
    }
}
