package dev.reflowkit.coupling;

import dev.reflowkit.data.PointSet;
import java.util.random.RandomGenerator;

/**
 * The independent coupling {@code x0 ~ data, x1 ~ N(0, I)}, drawn independently: the coupling
 * on which the teacher (1-rectified flow) is trained. Data points are drawn uniformly with
 * replacement; with labels, each pair carries the label of its data point (the draws are the
 * same as without labels).
 */
public final class IndependentCoupling implements Coupling {

    private final PointSet data;
    private final int[] labels;

    /**
     * Creates the unlabeled coupling over a finite data set.
     *
     * @param data the training points, at least one
     */
    public IndependentCoupling(PointSet data) {
        this(data, null);
    }

    /**
     * Creates the coupling over a finite data set, optionally labeled.
     *
     * @param data the training points, at least one
     * @param labels the class of each point (length {@code data.n()}), or null for none
     * @throws IllegalArgumentException if the data set is empty or the label count differs
     */
    public IndependentCoupling(PointSet data, int[] labels) {
        if (data.n() == 0) {
            throw new IllegalArgumentException("the training data set is empty");
        }
        if (labels != null && labels.length != data.n()) {
            throw new IllegalArgumentException("got " + labels.length + " labels for " + data.n() + " training points");
        }
        this.data = data;
        this.labels = labels;
    }

    /** {@inheritDoc} */
    @Override
    public PairBatch sample(RandomGenerator rng, int batchSize) {
        int d = data.d();
        float[] x0 = new float[batchSize * d];
        float[] x1 = new float[batchSize * d];
        int[] batchLabels = labels == null ? null : new int[batchSize];
        for (int i = 0; i < batchSize; i++) {
            int idx = rng.nextInt(data.n());
            System.arraycopy(data.data(), idx * d, x0, i * d, d);
            if (batchLabels != null) {
                batchLabels[i] = labels[idx];
            }
        }
        for (int k = 0; k < x1.length; k++) {
            x1[k] = (float) rng.nextGaussian();
        }
        return new PairBatch(x0, x1, batchSize, sampleShape(), batchLabels);
    }

    /** {@inheritDoc} */
    @Override
    public long[] sampleShape() {
        return new long[] {data.d()};
    }
}
