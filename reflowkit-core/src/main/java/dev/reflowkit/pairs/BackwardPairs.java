package dev.reflowkit.pairs;

import ai.djl.ndarray.NDManager;
import dev.reflowkit.sampling.SeededNoise;
import dev.reflowkit.train.StepRandom;
import java.util.SplittableRandom;

/**
 * Backward pairs: the noise of pair {@code i} is {@code x1 = SeededNoise.normal(seed, i)} (a pure
 * function of the seed and {@code i}), and {@code x0} is the teacher's ODE integrated from
 * t = 1 to t = 0 from it. For a class-conditional teacher pair {@code i} also draws its class
 * ({@link #label}) and integrates that class's field.
 */
final class BackwardPairs implements ShardSource {

    /** Stream id of the per-pair class draws of a class-conditional teacher, derived from the pair seed. */
    static final long STREAM_LABELS = 205;

    private final TeacherOde ode;
    private final long seed;
    private final int classes;

    /**
     * Creates the source.
     *
     * @param ode the teacher's ODE from 1 to 0
     * @param seed the pair seed
     * @param classes the teacher's class count, 0 for an unconditional teacher
     */
    BackwardPairs(TeacherOde ode, long seed, int classes) {
        this.ode = ode;
        this.seed = seed;
        this.classes = classes;
    }

    /**
     * The class of pair {@code i} of a class-conditional teacher's store: uniform over the classes,
     * from a generator seeded by {@code (seed, i)} only.
     *
     * @param seed the pair seed
     * @param i the pair index
     * @param classes the class count
     * @return the class
     */
    static int label(long seed, int i, int classes) {
        return new SplittableRandom(StepRandom.derive(seed, i, STREAM_LABELS)).nextInt(classes);
    }

    /** {@inheritDoc} */
    @Override
    public PairShard generate(ShardRange range, NDManager manager) {
        float[] x1 = SeededNoise.normal(seed, range.first(), range.size(), ode.sampleSize());
        int[] labels = null;
        if (classes > 0) {
            labels = new int[range.size()];
            for (int i = 0; i < labels.length; i++) {
                labels[i] = label(seed, range.first() + i, classes);
            }
        }
        TeacherOde.Result r = ode.integrate(x1, labels, range.first(), manager);
        return new PairShard(range, r.end(), x1, r.nfe(), labels);
    }
}
