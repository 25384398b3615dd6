package dev.reflowkit.pipeline;

import dev.reflowkit.config.Config;
import dev.reflowkit.data.ImageDataset;
import dev.reflowkit.data.ImageLoadOptions;
import dev.reflowkit.data.ImageSet;
import dev.reflowkit.data.LabeledPoints;
import dev.reflowkit.data.PointSet;
import dev.reflowkit.eval.EvalData;
import dev.reflowkit.train.StepRandom;
import java.io.IOException;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * The data of a run, point cloud or images: the training samples (flat rows, with class labels
 * when the set has them), the shape of one sample, and the held-out evaluation data.
 *
 * <p>Point sets come from {@link PointData}. Image sets ({@link ImageDataset}: {@code mnist},
 * {@code idx:DIR}, {@code folder:DIR}, ...) are loaded at {@code data.resolution} and
 * {@code data.channels}; training uses at most {@code data.train_count} images of the train
 * split. Evaluation compares model samples with a seeded subset of the train split, and the floor
 * is the test split against the train split at the same count: what a model that generalizes
 * perfectly would score.
 *
 * @param train the training samples, one row per sample
 * @param trainLabels the class of each training sample, or null for unlabelled data
 * @param classes the number of classes, 0 for unlabelled data
 * @param sampleShape the shape of one sample: {@code {d}} for points, {@code {C, H, W}} for images
 * @param eval the held-out evaluation data
 * @param images the image data set, or null for point data
 */
public record RunData(PointSet train, int[] trainLabels, int classes, long[] sampleShape, EvalData eval,
        ImageDataset images) {

    /**
     * Loads the data a configuration names ({@code data.*}, {@code eval.count}, {@code seed}).
     *
     * @param config the run configuration
     * @return the data
     * @throws IOException if a data file is unreadable or malformed
     */
    public static RunData load(Config config) throws IOException {
        String source = config.getString("data.source");
        long seed = config.getLong("seed");
        int trainCount = config.getInt("data.train_count");
        if (ImageDataset.isImageSpec(source)) {
            ImageDataset ds = ImageDataset.load(source, ImageLoadOptions.builder()
                    .optResolution(config.getInt("data.resolution"))
                    .optChannels(config.getInt("data.channels"))
                    .optSeed(StepRandom.derive(seed, 0, Streams.DATA_SPLIT))
                    .build());
            ImageSet train = ds.train().n() > trainCount
                    ? ds.train().subset(sortedPrefix(ds.train().n(), trainCount,
                            StepRandom.derive(seed, 0, Streams.TRAIN_DATA)))
                    : ds.train();
            return new RunData(train.pixels(), train.labels(), train.classes(), ds.sampleShape(),
                    new ImageEval(ds, seed), ds);
        }
        PointData points = PointData.load(source, trainCount, config.getInt("eval.count"), seed);
        return new RunData(points.train(), null, 0, new long[] {points.train().d()}, points.eval(), null);
    }

    /**
     * Whether the data are images.
     *
     * @return true for an image set
     */
    public boolean isImages() {
        return images != null;
    }

    /**
     * The training samples with their labels, for a class-conditional model.
     *
     * @param config the run configuration (a built-in point set is generated labelled)
     * @return the labelled training samples
     * @throws IllegalArgumentException if the data carry no labels
     */
    public LabeledPoints labeled(Config config) {
        if (isImages()) {
            if (trainLabels == null) {
                throw new IllegalArgumentException("image set " + images.name() + " has no class labels");
            }
            return new LabeledPoints(train, trainLabels, classes);
        }
        return PointData.labeledTrain(config.getString("data.source"), config.getInt("data.train_count"),
                config.getLong("seed"));
    }

    /** The first {@code count} entries of a seeded permutation of {@code 0..n-1}, sorted. */
    static int[] sortedPrefix(int n, int count, long seed) {
        int[] order = new int[n];
        for (int i = 0; i < n; i++) {
            order[i] = i;
        }
        SplittableRandom rng = new SplittableRandom(seed);
        for (int i = 0; i < count; i++) {
            int j = i + rng.nextInt(n - i);
            int tmp = order[i];
            order[i] = order[j];
            order[j] = tmp;
        }
        int[] out = Arrays.copyOf(order, count);
        Arrays.sort(out);
        return out;
    }

    /**
     * Evaluation data of an image set: references from the train split, floor partners from the
     * test split; each subset is drawn once and kept, so image metrics can reuse its features.
     */
    private static final class ImageEval implements EvalData {
        private final ImageDataset ds;
        private final long seed;
        private final Map<String, PointSet> drawn = new HashMap<>();

        ImageEval(ImageDataset ds, long seed) {
            this.ds = ds;
            this.seed = seed;
        }

        @Override
        public PointSet reference(int repeat, int count) {
            return pick(ds.train(), repeat, count, Streams.EVAL_REFERENCE, "train");
        }

        @Override
        public PointSet floorPartner(int repeat, int count) {
            return pick(ds.test(), repeat, count, Streams.EVAL_FLOOR, "test");
        }

        @Override
        public String describe() {
            long[] s = ds.sampleShape();
            return ds.name() + " " + s[0] + "x" + s[1] + "x" + s[2] + " (reference: train split; floor: test vs train)";
        }

        private synchronized PointSet pick(ImageSet split, int repeat, int count, long stream, String name) {
            if (count > split.n()) {
                throw new IllegalArgumentException("eval.count = " + count + " but the " + name + " split of "
                        + ds.name() + " has only " + split.n() + " images; lower eval.count");
            }
            return drawn.computeIfAbsent(name + "/" + repeat + "/" + count, k -> split.subset(
                    sortedPrefix(split.n(), count, StepRandom.derive(seed, repeat, stream))).pixels());
        }
    }
}
