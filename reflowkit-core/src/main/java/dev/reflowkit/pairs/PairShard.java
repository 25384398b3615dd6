package dev.reflowkit.pairs;

/**
 * The pairs of one shard, sample-major flat arrays: pair {@code i} of the shard (global index
 * {@code range.first() + i}) is {@code x0[i*D .. (i+1)*D)} and {@code x1[i*D .. (i+1)*D)} with
 * {@code D} the sample size.
 *
 * @param range the shard's range
 * @param x0 the data endpoints (t = 0)
 * @param x1 the noise endpoints (t = 1)
 * @param nfe network evaluations per pair spent generating it (0 when read from disk)
 * @param labels the class of each pair of a class-conditional teacher's store, or null
 */
public record PairShard(ShardRange range, float[] x0, float[] x1, double nfe, int[] labels) {

    /** Checks that both arrays hold the same whole number of samples, and one label per pair. */
    public PairShard {
        if (x0.length != x1.length || x0.length % range.size() != 0) {
            throw new IllegalArgumentException("shard " + range.index() + " of " + range.size() + " pairs has "
                    + x0.length + " x0 and " + x1.length + " x1 values");
        }
        if (labels != null && labels.length != range.size()) {
            throw new IllegalArgumentException("shard " + range.index() + " of " + range.size() + " pairs has "
                    + labels.length + " labels");
        }
    }

    /**
     * A shard without labels.
     *
     * @param range the shard's range
     * @param x0 the data endpoints
     * @param x1 the noise endpoints
     * @param nfe network evaluations per pair
     */
    public PairShard(ShardRange range, float[] x0, float[] x1, double nfe) {
        this(range, x0, x1, nfe, null);
    }
}
