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
    private final long[] sampleShape;

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
        this(data, labels, new long[] {data.d()});
    }

    /**
     * Creates the coupling over a finite data set of shaped samples (e.g. images), optionally
     * labeled.
     *
     * @param data the training samples as flat rows, at least one
     * @param labels the class of each sample (length {@code data.n()}), or null for none
     * @param sampleShape the shape of one sample, e.g. {@code {C, H, W}}; its size must be {@code data.d()}
     * @throws IllegalArgumentException if the data set is empty, the label count differs or the
     *     shape does not match the rows
     */
    public IndependentCoupling(PointSet data, int[] labels, long[] sampleShape) {
        long size = 1;
        for (long s : sampleShape) {
            size *= s;
        }
        if (size != data.d()) {
            throw new IllegalArgumentException("sample shape " + java.util.Arrays.toString(sampleShape)
                    + " does not match rows of " + data.d() + " values");
        }
        this.sampleShape = sampleShape.clone();
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
        return sampleShape.clone();
    }
}
