package dev.reflowkit.pairs;

import ai.djl.ndarray.NDManager;
import dev.reflowkit.data.PointSet;
import dev.reflowkit.train.StepRandom;
import java.util.SplittableRandom;

/**
 * Forward pairs (Simple ReFlow): pair {@code i} takes the teacher's training point {@code
 * order[i]} as {@code x0} and integrates the teacher's ODE from t = 0 to t = 1 to get its {@code
 * x1}, where {@code order} is a permutation of the training points seeded by the pair seed alone
 * ({@link #order}). So fewer pairs than training points are a uniform draw without replacement
 * (not the first points, which in a class-folder data set are the first classes), and a pair does
 * not depend on the shard size or the worker count.
 */
final class ForwardPairs implements ShardSource {

    /** Stream id of the permutation of training points, derived from the pair seed. */
    static final long STREAM_ORDER = 203;

    /** How forward pairs pick their points, as recorded in a store's settings. */
    static final String ORDER = "seeded-permutation";

    private final TeacherOde ode;
    private final PointSet train;
    private final int[] trainLabels;
    private final int[] order;

    /**
     * Creates the source.
     *
     * @param ode the teacher's ODE from 0 to 1
     * @param train the teacher's training points, at least as many as pairs
     * @param trainLabels their classes for a class-conditional teacher (the pairs carry them), or null
     * @param seed the pair seed
     */
    ForwardPairs(TeacherOde ode, PointSet train, int[] trainLabels, long seed) {
        this.ode = ode;
        this.train = train;
        this.trainLabels = trainLabels;
        this.order = order(train.n(), seed);
    }

    /**
     * The order in which forward pairs take training points: a Fisher-Yates permutation of {@code
     * 0 .. n-1} from a generator seeded by {@code (seed, STREAM_ORDER)}.
     *
     * @param n the number of training points
     * @param seed the pair seed
     * @return the permutation
     */
    static int[] order(int n, long seed) {
        int[] order = new int[n];
        for (int i = 0; i < n; i++) {
            order[i] = i;
        }
        SplittableRandom rng = new SplittableRandom(StepRandom.derive(seed, 0, STREAM_ORDER));
        for (int i = n - 1; i > 0; i--) {
            int j = rng.nextInt(i + 1);
            int tmp = order[i];
            order[i] = order[j];
            order[j] = tmp;
        }
        return order;
    }

    /** {@inheritDoc} */
    @Override
    public PairShard generate(ShardRange range, NDManager manager) {
        int d = train.d();
        float[] x0 = new float[range.size() * d];
        int[] labels = trainLabels == null ? null : new int[range.size()];
        for (int i = 0; i < range.size(); i++) {
            int point = order[range.first() + i];
            System.arraycopy(train.data(), point * d, x0, i * d, d);
            if (labels != null) {
                labels[i] = trainLabels[point];
            }
        }
        TeacherOde.Result r = ode.integrate(x0, labels, range.first(), manager);
        return new PairShard(range, x0, r.end(), r.nfe(), labels);
    }
}
