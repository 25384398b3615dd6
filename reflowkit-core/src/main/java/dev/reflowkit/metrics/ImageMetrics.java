package dev.reflowkit.metrics;

import dev.reflowkit.data.PointSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Image-quality metrics of a sample against reference images: FD, KID and precision/recall in the
 * space of a {@link FeatureMap} (a trained feature network), and SW2 on the raw pixels.
 *
 * <p>{@link #evaluate} returns, in this order: {@code fd} ({@link FrechetDistance}), {@code kid}
 * and {@code kid_std} ({@link KernelInceptionDistance}: mean and standard deviation over subsets),
 * {@code precision} and {@code recall} ({@link PrecisionRecall}, {@code k = 3}), and {@code sw2}
 * ({@link SlicedWasserstein} on pixels). Without a feature map only {@code sw2} is computed.
 *
 * <p>The reference's features and their Gaussian statistics are computed once and reused while the
 * same reference object (identity, not equality) is passed again; do not modify a reference's
 * array in place between calls.
 *
 * <p><b>Sample-count dependence.</b> FD is a biased estimate: two independent sets of {@code n}
 * images from the same distribution give {@code FD > 0}, shrinking roughly like {@code 1/n}; SW2
 * is biased the same way, and precision/recall depend on {@code n} through the neighbour radii.
 * KID is unbiased (near 0 at any {@code n}) but noisier at small {@code n}; between two sets that
 * share images (a set against itself) it is slightly negative, because shared images enter the
 * cross term with their self-similarity. Always compare numbers
 * at equal sample counts and report them next to a <i>floor</i>: the same metrics between the
 * test split and the train split at the same count, e.g.
 * {@code evaluate(train.head(n), test.head(n))}. SW2 needs equal counts: when the sample and
 * the reference differ in size, it uses the first {@code min(n, m)} of each. KID's subset size is
 * clamped to the smaller set.
 *
 * <pre>{@code
 * ImageMetrics metrics = ImageMetrics.builder().optFeatureMap(extractor).build();
 * Map<String, Double> floor = metrics.evaluate(train.head(2000), test);
 * Map<String, Double> model = metrics.evaluate(samples, test);   // test features reused
 * }</pre>
 */
public final class ImageMetrics implements SampleMetrics {

    /** Key of the Fréchet distance. */
    public static final String FD = "fd";
    /** Key of the KID mean over subsets. */
    public static final String KID = "kid";
    /** Key of the KID standard deviation over subsets. */
    public static final String KID_STD = "kid_std";
    /** Key of the precision. */
    public static final String PRECISION = "precision";
    /** Key of the recall. */
    public static final String RECALL = "recall";
    /** Key of the sliced 2-Wasserstein distance on pixels. */
    public static final String SW2 = "sw2";
    /** The fraction of samples the classifier assigns to the class they were generated for. */
    public static final String CLASS_ACCURACY = "class_acc";

    private final FeatureMap featureMap;
    private final Classifier classifier;
    private final int classes;
    private final double realAccuracy;
    private final int kidSubsets;
    private final int kidSubsetSize;
    private final int neighbours;
    private final int projections;
    private final long seed;

    private PointSet cachedReference;
    private double[][] cachedFeatures;
    private GaussianStats cachedStats;
    private PrecisionRecall.Manifold cachedManifold;

    private ImageMetrics(Builder b) {
        this.featureMap = b.featureMap;
        this.classifier = b.classifier;
        this.classes = b.classes;
        this.realAccuracy = b.realAccuracy;
        this.kidSubsets = b.kidSubsets;
        this.kidSubsetSize = b.kidSubsetSize;
        this.neighbours = b.neighbours;
        this.projections = b.projections;
        this.seed = b.seed;
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
     * Whether feature-space metrics are computed.
     *
     * @return true if built with a feature map
     */
    public boolean hasFeatures() {
        return featureMap != null;
    }

    /**
     * Scores a sample against reference images.
     *
     * @param sample the generated images, flat, {@code n >= 4}
     * @param reference the reference images, flat, same dimension, {@code m >= 4}
     * @return {@code fd, kid, kid_std, precision, recall, sw2} in this order (only {@code sw2}
     *     without a feature map)
     * @throws IllegalArgumentException if the dimensions differ, a set is too small or has a
     *     non-finite value, or the feature map returns the wrong number of rows
     */
    @Override
    public List<String> names() {
        List<String> names = featureMap == null ? List.of(SW2) : List.of(FD, KID, KID_STD, PRECISION, RECALL, SW2);
        if (classifier == null) {
            return names;
        }
        List<String> withClass = new java.util.ArrayList<>(names);
        withClass.add(CLASS_ACCURACY);
        return List.copyOf(withClass);
    }

    @Override
    public synchronized Map<String, Double> evaluate(PointSet sample, PointSet reference) {
        Pairwise.checkComparable("ImageMetrics", sample, reference, neighbours + 1);
        Map<String, Double> out = new LinkedHashMap<>();
        if (featureMap != null) {
            double[][] ref = referenceFeatures(reference);
            double[][] gen = featuresOf(sample, "sample");
            FeatureRows.checkPair("ImageMetrics", gen, ref, neighbours + 1);
            out.put(FD, FrechetDistance.compute(GaussianStats.of(gen), cachedStats));
            KernelInceptionDistance kid = KernelInceptionDistance.compute(gen, ref, kidSubsets, kidSubsetSize, seed);
            out.put(KID, kid.mean());
            out.put(KID_STD, kid.std());
            if (cachedManifold == null) {
                cachedManifold = PrecisionRecall.manifold(ref, neighbours);
            }
            PrecisionRecall pr = PrecisionRecall.compute(cachedManifold, gen);
            out.put(PRECISION, pr.precision());
            out.put(RECALL, pr.recall());
        }
        int n = Math.min(sample.n(), reference.n());
        PointSet a = sample.n() == n ? sample : sample.head(n);
        PointSet b = reference.n() == n ? reference : reference.head(n);
        out.put(SW2, SlicedWasserstein.compute(a, b, projections, seed));
        if (classifier != null) {
            int[] predicted = classifier.predict(sample);
            int correct = 0;
            for (int i = 0; i < predicted.length; i++) {
                if (predicted[i] == i % classes) {
                    correct++;
                }
            }
            out.put(CLASS_ACCURACY, (double) correct / predicted.length);
        }
        return out;
    }

    /**
     * The data-vs-data floor; with class accuracy, its floor is the classifier's accuracy on real
     * images (the best a generator can score), since real images have no intended class.
     */
    @Override
    public Map<String, Double> floor(PointSet dataA, PointSet dataB) {
        Map<String, Double> out = SampleMetrics.super.floor(dataA, dataB);
        if (classifier != null) {
            out.put(CLASS_ACCURACY, realAccuracy);
        }
        return out;
    }

    /**
     * The reference's features, computed once per reference object.
     *
     * @param reference the reference images
     * @return {@code m x k} features (the cached array: do not modify)
     * @throws IllegalStateException without a feature map
     */
    public synchronized double[][] referenceFeatures(PointSet reference) {
        if (featureMap == null) {
            throw new IllegalStateException("ImageMetrics was built without a feature map");
        }
        if (reference != cachedReference) {
            double[][] f = featuresOf(reference, "reference");
            cachedStats = GaussianStats.of(f);
            cachedManifold = null;
            cachedFeatures = f;
            cachedReference = reference;
        }
        return cachedFeatures;
    }

    private double[][] featuresOf(PointSet images, String which) {
        double[][] f = featureMap.features(images);
        if (f == null || f.length != images.n()) {
            throw new IllegalArgumentException("ImageMetrics: the feature map returned "
                    + (f == null ? "null" : f.length + " rows") + " for " + images.n() + " " + which + " images");
        }
        return f;
    }

    /** The builder of {@link ImageMetrics}; every option has a default. */
    public static final class Builder {
        private FeatureMap featureMap;
        private int kidSubsets = 100;
        private int kidSubsetSize = 1000;
        private int neighbours = PrecisionRecall.DEFAULT_NEIGHBOURS;
        private int projections = 128;
        private long seed = 1;
        private Classifier classifier;
        private int classes;
        private double realAccuracy;

        private Builder() {}

        /**
         * Adds {@value #CLASS_ACCURACY}, the fraction of samples a classifier assigns to their
         * intended class, for samples generated with sample {@code i} of class {@code i mod
         * classes} (classifier-free guidance with an even spread of classes).
         *
         * @param classifier the classifier, e.g. the feature network
         * @param classes the class count
         * @param realAccuracy the classifier's accuracy on real test images, reported as the floor
         * @return this builder
         */
        public Builder optClassAccuracy(Classifier classifier, int classes, double realAccuracy) {
            if (classes < 1) {
                throw new IllegalArgumentException("class accuracy needs at least 1 class, got " + classes);
            }
            this.classifier = classifier;
            this.classes = classes;
            this.realAccuracy = realAccuracy;
            return this;
        }

        /**
         * Sets the feature map for FD, KID and precision/recall (default none: only SW2).
         *
         * @param map the feature map, e.g. a {@code FeatureExtractor}
         * @return this builder
         */
        public Builder optFeatureMap(FeatureMap map) {
            this.featureMap = map;
            return this;
        }

        /**
         * Sets the number of KID subsets (default 100).
         *
         * @param subsets {@code >= 1}
         * @return this builder
         */
        public Builder optKidSubsets(int subsets) {
            this.kidSubsets = subsets;
            return this;
        }

        /**
         * Sets the KID subset size (default 1000, clamped to the smaller set).
         *
         * @param size {@code >= 2}
         * @return this builder
         */
        public Builder optKidSubsetSize(int size) {
            this.kidSubsetSize = size;
            return this;
        }

        /**
         * Sets the neighbour index of the precision/recall radii (default 3).
         *
         * @param k {@code >= 1}
         * @return this builder
         */
        public Builder optNeighbours(int k) {
            this.neighbours = k;
            return this;
        }

        /**
         * Sets the number of SW2 directions (default 128).
         *
         * @param count {@code >= 1}
         * @return this builder
         */
        public Builder optProjections(int count) {
            this.projections = count;
            return this;
        }

        /**
         * Sets the seed of the KID subsets and the SW2 directions (default 1).
         *
         * @param seed the seed
         * @return this builder
         */
        public Builder optSeed(long seed) {
            this.seed = seed;
            return this;
        }

        /**
         * Builds the metrics.
         *
         * @return the metrics
         * @throws IllegalArgumentException if an option is out of range
         */
        public ImageMetrics build() {
            if (kidSubsets < 1 || kidSubsetSize < 2 || neighbours < 1 || projections < 1) {
                throw new IllegalArgumentException("ImageMetrics: bad options, kid subsets " + kidSubsets
                        + " (>= 1), kid subset size " + kidSubsetSize + " (>= 2), neighbours " + neighbours
                        + " (>= 1), projections " + projections + " (>= 1)");
            }
            return new ImageMetrics(this);
        }
    }
}
