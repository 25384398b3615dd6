package dev.reflowkit.pairs;

import ai.djl.ndarray.NDManager;
import dev.reflowkit.sampling.SeededNoise;

/**
 * Backward pairs: the noise of pair {@code i} is {@code x1 = SeededNoise.normal(seed, i)} (a pure
 * function of the seed and {@code i}), and {@code x0} is the teacher's ODE integrated from
 * t = 1 to t = 0 from it.
 */
final class BackwardPairs implements ShardSource {

    private final TeacherOde ode;
    private final long seed;

    /**
     * Creates the source.
     *
     * @param ode the teacher's ODE from 1 to 0
     * @param seed the pair seed
     */
    BackwardPairs(TeacherOde ode, long seed) {
        this.ode = ode;
        this.seed = seed;
    }

    /** {@inheritDoc} */
    @Override
    public PairShard generate(ShardRange range, NDManager manager) {
        float[] x1 = SeededNoise.normal(seed, range.first(), range.size(), ode.sampleSize());
        TeacherOde.Result r = ode.integrate(x1, range.first(), manager);
        return new PairShard(range, r.end(), x1, r.nfe());
    }
}
