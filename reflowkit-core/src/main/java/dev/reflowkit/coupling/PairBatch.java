package dev.reflowkit.coupling;

/**
 * One training batch of coupled endpoints, as flat float arrays on the Java side.
 *
 * @param x0 data endpoints, row-major, length {@code batch * prod(sampleShape)}
 * @param x1 noise endpoints, same layout
 * @param batch the number of pairs
 * @param sampleShape the shape of one sample, e.g. {@code [2]} or {@code [1, 16, 16]}
 * @param labels the class label of each pair's data endpoint (length {@code batch}), or null for
 *     an unlabeled coupling
 */
public record PairBatch(float[] x0, float[] x1, int batch, long[] sampleShape, int[] labels) {

    /**
     * Checks the label count.
     *
     * @throws IllegalArgumentException if labels are given and their count is not {@code batch}
     */
    public PairBatch {
        if (labels != null && labels.length != batch) {
            throw new IllegalArgumentException("got " + labels.length + " labels for a batch of " + batch);
        }
    }

    /**
     * An unlabeled batch.
     *
     * @param x0 data endpoints
     * @param x1 noise endpoints
     * @param batch the number of pairs
     * @param sampleShape the shape of one sample
     */
    public PairBatch(float[] x0, float[] x1, int batch, long[] sampleShape) {
        this(x0, x1, batch, sampleShape, null);
    }

    /**
     * The shape of {@code x0} as an array, batch first.
     *
     * @return {@code [batch, sampleShape...]}
     */
    public long[] batchShape() {
        long[] s = new long[sampleShape.length + 1];
        s[0] = batch;
        System.arraycopy(sampleShape, 0, s, 1, sampleShape.length);
        return s;
    }
}
