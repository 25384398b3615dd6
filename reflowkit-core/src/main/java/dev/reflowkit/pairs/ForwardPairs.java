package dev.reflowkit.pairs;

import ai.djl.ndarray.NDManager;
import dev.reflowkit.data.PointSet;

/**
 * Forward pairs (Simple ReFlow): pair {@code i} takes the teacher's training point {@code i} as
 * {@code x0} and integrates the teacher's ODE from t = 0 to t = 1 to get its {@code x1}.
 */
final class ForwardPairs implements ShardSource {

    private final TeacherOde ode;
    private final PointSet train;

    /**
     * Creates the source.
     *
     * @param ode the teacher's ODE from 0 to 1
     * @param train the teacher's training points, at least as many as pairs
     */
    ForwardPairs(TeacherOde ode, PointSet train) {
        this.ode = ode;
        this.train = train;
    }

    /** {@inheritDoc} */
    @Override
    public PairShard generate(ShardRange range, NDManager manager) {
        int d = train.d();
        float[] x0 = new float[range.size() * d];
        System.arraycopy(train.data(), range.first() * d, x0, 0, x0.length);
        TeacherOde.Result r = ode.integrate(x0, range.first(), manager);
        return new PairShard(range, x0, r.end(), r.nfe());
    }
}
