package dev.reflowkit.pairs;

import ai.djl.ndarray.NDManager;
import dev.reflowkit.data.PointSet;
import dev.reflowkit.train.StepRandom;
import java.util.LinkedHashSet;
import java.util.SplittableRandom;

/**
 * Projected pairs: <b>our interpretation</b> of Simple ReFlow's "coupling projection" (the
 * paper's Algorithm 1 could not be read; spec section 4, item 6). The idea is to keep the noise
 * of backward pairs but project the coupling's data marginal onto the real data:
 *
 * <ol>
 *   <li>generate backward pairs {@code (x0_gen_i, x1_i)} exactly as {@link BackwardPairs} does;
 *   <li>split them into blocks of {@code B} pairs: block {@code b} covers pairs
 *       {@code [bB, min((b+1)B, count))} (the last block may be smaller, size {@code k});
 *   <li>draw {@code k} distinct real training points for the block, uniformly without
 *       replacement, from a generator seeded by {@code (seed, b)} only;
 *   <li>solve entropic optimal transport between the block's generated points and those real
 *       points with uniform weights and cost {@code C_ij = |x0_gen_i - y_j|^2} ({@link Sinkhorn},
 *       regularization {@code lambda} relative to the mean cost; {@code lambda = 0} is the exact
 *       optimal assignment);
 *   <li>projection (ours): pair {@code i} takes a real point drawn from its row of the plan,
 *       {@code j(i) ~ P_i. / sum_j P_ij} (generator seeded by {@code (seed, b)}), and the stored pair
 *       is {@code (y_{j(i)}, x1_i)}.
 * </ol>
 *
 * <p>With {@code lambda = 0} the plan is a permutation, so the draw is the matching itself (every
 * drawn real point used once). With {@code lambda > 0} a real point may be used twice or never in a
 * block, but once in expectation (the plan's columns sum to {@code 1/k}), so the stored {@code x0}
 * keep the data marginal; taking each row's largest weight instead would not (real points near
 * many generated ones would be used more). A block never spans two shards (the shard size must be
 * a multiple of {@code B}), so shards stay independent.
 */
final class ProjectedPairs implements ShardSource {

    /** Stream id of the per-block real-point draws, derived from the pair seed. */
    static final long STREAM_PROJECTION = 202;

    /** Stream id of the per-block draws from the plan's rows, derived from the pair seed. */
    static final long STREAM_ROWS = 204;

    /** How pairs take their real point from the plan, as recorded in a store's settings. */
    static final String ASSIGNMENT = "row-sampled";

    private final BackwardPairs backward;
    private final PointSet train;
    private final Sinkhorn sinkhorn;
    private final int block;
    private final long seed;

    /**
     * Creates the source.
     *
     * @param backward the backward pairs to project
     * @param train the real training points, at least {@code block}
     * @param sinkhorn the transport solver
     * @param block pairs per block
     * @param seed the pair seed
     */
    ProjectedPairs(BackwardPairs backward, PointSet train, Sinkhorn sinkhorn, int block, long seed) {
        if (train.n() < block) {
            throw new IllegalArgumentException("projected pairs draw pairs.block = " + block
                    + " distinct training points per block, but the teacher has only " + train.n());
        }
        this.backward = backward;
        this.train = train;
        this.sinkhorn = sinkhorn;
        this.block = block;
        this.seed = seed;
    }

    /** {@inheritDoc} */
    @Override
    public PairShard generate(ShardRange range, NDManager manager) {
        if (range.first() % block != 0) {
            throw new IllegalArgumentException("shard " + range.index() + " starts at pair " + range.first()
                    + ", not at a block boundary of pairs.block = " + block);
        }
        PairShard gen = backward.generate(range, manager);
        int d = train.d();
        float[] x0 = new float[gen.x0().length];
        for (int start = 0; start < range.size(); start += block) {
            int k = Math.min(block, range.size() - start);
            int b = (range.first() + start) / block;
            int[] real = draw(b, k);
            double[] cost = new double[k * k];
            for (int i = 0; i < k; i++) {
                int gi = (start + i) * d;
                for (int j = 0; j < k; j++) {
                    int rj = real[j] * d;
                    double s = 0;
                    for (int c = 0; c < d; c++) {
                        double diff = (double) gen.x0()[gi + c] - train.data()[rj + c];
                        s += diff * diff;
                    }
                    cost[i * k + j] = s;
                }
            }
            int[] match = sinkhorn.solve(cost, k, k)
                    .sampleRows(new SplittableRandom(StepRandom.derive(seed, b, STREAM_ROWS)));
            for (int i = 0; i < k; i++) {
                System.arraycopy(train.data(), real[match[i]] * d, x0, (start + i) * d, d);
            }
        }
        return new PairShard(range, x0, gen.x1(), gen.nfe());
    }

    /**
     * The training points of block {@code b}: {@code k} distinct indices drawn uniformly (Floyd's
     * algorithm) from a generator seeded by the pair seed and the block only.
     */
    int[] draw(int b, int k) {
        SplittableRandom rng = new SplittableRandom(StepRandom.derive(seed, b, STREAM_PROJECTION));
        int n = train.n();
        LinkedHashSet<Integer> chosen = new LinkedHashSet<>();
        for (int j = n - k; j < n; j++) {
            int t = rng.nextInt(j + 1);
            chosen.add(chosen.contains(t) ? j : t);
        }
        return chosen.stream().mapToInt(Integer::intValue).toArray();
    }
}
