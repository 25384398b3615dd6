package dev.reflowkit.coupling;

import dev.reflowkit.pairs.PairSource;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.random.RandomGenerator;

/**
 * The ReFlow coupling: pairs drawn from one or more pair stores (e.g. backward and forward
 * pairs, spec section 4 item 5).
 *
 * <p>Mixing rule: for each pair of a batch, a store {@code s} is picked with probability
 * {@code w_s / sum w}, then one of its pairs uniformly (with replacement). The weight of a store
 * defaults to its pair count, so by default every stored pair is equally likely (the mixing ratio
 * of Simple ReFlow is unknown; proportional to counts is our default). All randomness comes from
 * the generator passed to {@link #sample}, so a batch is a pure function of it (exact resume).
 *
 * <pre>{@code
 * Coupling c = PairStoreCoupling.builder()
 *         .addStore(PairStore.open(backwardDir))          // weight = its count
 *         .addStore(PairStore.open(forwardDir), 50_000)   // explicit weight
 *         .build();
 * }</pre>
 */
public final class PairStoreCoupling implements Coupling {

    private final List<PairSource> stores;
    private final double[] cumulative;
    private final long[] sampleShape;
    private final int sampleSize;
    private final boolean labelled;

    private PairStoreCoupling(Builder b) {
        this.stores = List.copyOf(b.stores);
        this.sampleShape = stores.get(0).sampleShape();
        this.sampleSize = stores.get(0).sampleSize();
        this.labelled = stores.get(0).hasLabels();
        double total = 0;
        for (double w : b.weights) {
            total += w;
        }
        cumulative = new double[stores.size()];
        double run = 0;
        for (int k = 0; k < stores.size(); k++) {
            run += b.weights.get(k);
            cumulative[k] = run / total;
        }
        cumulative[stores.size() - 1] = 1.0;
    }

    /**
     * A new builder.
     *
     * @return the builder
     */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * The probability of drawing from each store.
     *
     * @return {@code w_s / sum w}, in the order the stores were added
     */
    public double[] probabilities() {
        double[] p = new double[cumulative.length];
        for (int k = 0; k < p.length; k++) {
            p[k] = cumulative[k] - (k == 0 ? 0 : cumulative[k - 1]);
        }
        return p;
    }

    /** {@inheritDoc} */
    @Override
    public PairBatch sample(RandomGenerator rng, int batchSize) {
        int d = sampleSize;
        float[] x0 = new float[batchSize * d];
        float[] x1 = new float[batchSize * d];
        int[] labels = labelled ? new int[batchSize] : null;
        for (int i = 0; i < batchSize; i++) {
            int s = 0;
            if (stores.size() > 1) {
                double u = rng.nextDouble();
                while (u >= cumulative[s]) {
                    s++;
                }
            }
            PairSource store = stores.get(s);
            int index = rng.nextInt(store.count());
            store.read(index, x0, i * d, x1, i * d);
            if (labels != null) {
                labels[i] = store.label(index);
            }
        }
        return new PairBatch(x0, x1, batchSize, sampleShape(), labels);
    }

    /** {@inheritDoc} */
    @Override
    public long[] sampleShape() {
        return sampleShape.clone();
    }

    /** Builds a {@link PairStoreCoupling} from at least one store. */
    public static final class Builder {

        private final List<PairSource> stores = new ArrayList<>();
        private final List<Double> weights = new ArrayList<>();

        private Builder() {}

        /**
         * Adds a store with a weight equal to its pair count.
         *
         * @param store the store
         * @return this builder
         */
        public Builder addStore(PairSource store) {
            return addStore(store, store.count());
        }

        /**
         * Adds a store with an explicit mixing weight (relative to the other stores' weights).
         *
         * @param store the store
         * @param weight a finite weight {@code >= 0}
         * @return this builder
         * @throws IllegalArgumentException if the weight is negative or not finite, or the store's
         *     sample shape differs from the stores added before
         */
        public Builder addStore(PairSource store, double weight) {
            if (!(weight >= 0) || Double.isInfinite(weight)) {
                throw new IllegalArgumentException("mixing weight of pair store " + store.directory()
                        + " must be finite and >= 0, got " + weight);
            }
            if (!stores.isEmpty() && !Arrays.equals(stores.get(0).sampleShape(), store.sampleShape())) {
                throw new IllegalArgumentException("pair store " + store.directory() + " has sample shape "
                        + Arrays.toString(store.sampleShape()) + " but " + stores.get(0).directory() + " has "
                        + Arrays.toString(stores.get(0).sampleShape()) + "; stores mixed together must match");
            }
            if (!stores.isEmpty() && stores.get(0).settings().classes() != store.settings().classes()) {
                throw new IllegalArgumentException("pair store " + store.directory() + " is of a teacher with "
                        + store.settings().classes() + " classes but " + stores.get(0).directory() + " of one with "
                        + stores.get(0).settings().classes() + "; stores mixed together must match");
            }
            stores.add(store);
            weights.add(weight);
            return this;
        }

        /**
         * Builds the coupling.
         *
         * @return the coupling
         * @throws IllegalArgumentException if no store was added or every weight is 0
         */
        public PairStoreCoupling build() {
            if (stores.isEmpty()) {
                throw new IllegalArgumentException("a pair-store coupling needs at least one store");
            }
            if (weights.stream().mapToDouble(Double::doubleValue).sum() <= 0) {
                throw new IllegalArgumentException("the mixing weights of the pair stores are all 0: " + weights);
            }
            return new PairStoreCoupling(this);
        }
    }
}
