package dev.reflowkit.coupling;

import dev.reflowkit.data.PointSet;
import java.util.random.RandomGenerator;

/**
 * The independent coupling {@code x0 ~ data, x1 ~ N(0, I)}, drawn independently: the coupling
 * on which the teacher (1-rectified flow) is trained. Data points are drawn uniformly with
 * replacement.
 */
public final class IndependentCoupling implements Coupling {

    private final PointSet data;

    /**
     * Creates the coupling over a finite data set.
     *
     * @param data the training points, at least one
     */
    public IndependentCoupling(PointSet data) {
        if (data.n() == 0) {
            throw new IllegalArgumentException("the training data set is empty");
        }
        this.data = data;
    }

    /** {@inheritDoc} */
    @Override
    public PairBatch sample(RandomGenerator rng, int batchSize) {
        int d = data.d();
        float[] x0 = new float[batchSize * d];
        float[] x1 = new float[batchSize * d];
        for (int i = 0; i < batchSize; i++) {
            int idx = rng.nextInt(data.n());
            System.arraycopy(data.data(), idx * d, x0, i * d, d);
        }
        for (int k = 0; k < x1.length; k++) {
            x1[k] = (float) rng.nextGaussian();
        }
        return new PairBatch(x0, x1, batchSize, sampleShape());
    }

    /** {@inheritDoc} */
    @Override
    public long[] sampleShape() {
        return new long[] {data.d()};
    }
}
