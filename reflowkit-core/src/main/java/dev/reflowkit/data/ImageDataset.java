package dev.reflowkit.data;

import dev.reflowkit.io.DataFormatException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;

/**
 * A named image data set with a training split and a test split of the same sample shape and
 * classes, loaded from a spec string ({@link ImageSpec}) with {@link ImageLoadOptions}.
 *
 * <p>Loading, per split: read the source at native size; if the source has no test split, hold
 * out {@code round(n * testFraction)} images chosen by a seeded permutation (both parts keep
 * source order); cap each split to {@code maxCount} images (a seeded subset in source order);
 * convert to the requested channels; center-crop to a square and resize by area averaging to the
 * requested resolution ({@link ImageResize}). Everything is deterministic in the source content
 * and the options. Built-in sources:
 * <ul>
 *   <li>{@code mnist}, {@code fashion-mnist}: IDX files in {@code <cache>/mnist/} or
 *       {@code <cache>/fashion-mnist/}, put there by {@code reflow data fetch NAME}
 *       ({@link DataFetch}); 60000 train and 10000 test images of 28x28, 10 classes; missing
 *       files are a {@link DatasetNotFoundException} saying what to run;</li>
 *   <li>{@code synthetic-shapes[:N]}: {@link SyntheticImages} with streams {@code "train"} and
 *       {@code "test"}, drawn directly at the resolution (16 if 0), at most {@code maxCount}
 *       each.</li>
 * </ul>
 * For {@code idx:DIR} the class count is 1 + the largest label of either split; for
 * {@code folder:DIR} it is the number of class folders (of {@code train/} if split); for
 * {@code npy:FILE}, 1 + the largest label.
 *
 * <pre>{@code
 * ImageLoadOptions o = ImageLoadOptions.builder().optResolution(16).optChannels(1).build();
 * ImageDataset mnist = ImageDataset.load("mnist", o);
 * mnist.train().pixels();        // (60000, 256), values in [-1, 1]
 * mnist.sampleShape();           // {1, 16, 16}
 * String key = mnist.contentHash();
 * }</pre>
 *
 * @param name the canonical spec string
 * @param train the training split
 * @param test the test split
 */
public record ImageDataset(String name, ImageSet train, ImageSet test) {

    /** The IDX base name of the training images. */
    public static final String TRAIN_IMAGES = "train-images-idx3-ubyte";
    /** The IDX base name of the training labels. */
    public static final String TRAIN_LABELS = "train-labels-idx1-ubyte";
    /** The IDX base name of the test images. */
    public static final String TEST_IMAGES = "t10k-images-idx3-ubyte";
    /** The IDX base name of the test labels. */
    public static final String TEST_LABELS = "t10k-labels-idx1-ubyte";

    private static final int IDX_NATIVE_CLASSES = 10;

    /**
     * Checks that both splits have the same sample shape and classes.
     *
     * @throws IllegalArgumentException naming both shapes or class counts if they differ
     */
    public ImageDataset {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(train, "train");
        Objects.requireNonNull(test, "test");
        if (!Arrays.equals(train.sampleShape(), test.sampleShape())) {
            throw new IllegalArgumentException("data set '" + name + "': train images are "
                    + shape(train) + " but test images are " + shape(test)
                    + (train.channels() == test.channels() ? "; set a resolution to resize all images to one size" : ""));
        }
        if (train.classes() != test.classes() || train.isLabelled() != test.isLabelled()) {
            throw new IllegalArgumentException("data set '" + name + "': train has " + classText(train)
                    + " but test has " + classText(test));
        }
    }

    /**
     * Whether a string is an image spec rather than a 2-D point spec ({@link DataSpec}).
     *
     * @param spec the string
     * @return see {@link ImageSpec#isImageSpec}
     */
    public static boolean isImageSpec(String spec) {
        return ImageSpec.isImageSpec(spec);
    }

    /**
     * Parses a spec and loads the data set.
     *
     * @param spec an image spec string
     * @param options how to load it
     * @return the data set
     * @throws IllegalArgumentException if the spec is not valid
     * @throws DatasetNotFoundException if a built-in data set has not been fetched
     * @throws DataFormatException if a file is malformed
     * @throws IOException if a file cannot be read
     */
    public static ImageDataset load(String spec, ImageLoadOptions options) throws IOException {
        return load(ImageSpec.parse(spec), options);
    }

    /**
     * Loads a data set.
     *
     * @param spec the spec
     * @param options how to load it
     * @return the data set
     * @throws DatasetNotFoundException if a built-in data set has not been fetched
     * @throws DataFormatException if a file is malformed
     * @throws IOException if a file cannot be read
     */
    public static ImageDataset load(ImageSpec spec, ImageLoadOptions options) throws IOException {
        Objects.requireNonNull(spec, "spec");
        Objects.requireNonNull(options, "options");
        return switch (spec.kind()) {
            case MNIST, FASHION_MNIST -> loadCached(spec, options);
            case SYNTHETIC -> loadSynthetic(spec, options);
            case IDX -> loadIdx(spec.toString(), spec.path().orElseThrow(), options, 0);
            case FOLDER -> loadFolder(spec.toString(), spec.path().orElseThrow(), options);
            case NPY -> split(spec.toString(), ImageNpy.read(spec.path().orElseThrow()), options);
        };
    }

    /**
     * The shape of one sample.
     *
     * @return {@code {C, H, W}}
     */
    public long[] sampleShape() {
        return train.sampleShape();
    }

    /**
     * The number of classes.
     *
     * @return the class count, 0 if unlabelled
     */
    public int classes() {
        return train.classes();
    }

    /**
     * A SHA-256 fingerprint of the training split ({@link ImageSet#contentHash()}), for caching
     * what is derived from the training data (e.g. a feature network).
     *
     * @return 64 hex digits
     */
    public String contentHash() {
        return train.contentHash();
    }

    /**
     * A one-line description.
     *
     * @return e.g. {@code "mnist: train 60000 images 1x16x16, 10 classes; test 10000 images"}
     */
    public String describe() {
        return name + ": train " + train.describe() + "; test " + test.n() + " images";
    }

    private static ImageDataset loadCached(ImageSpec spec, ImageLoadOptions options) throws IOException {
        String name = spec.toString();
        Path cache = options.resolvedCacheDir();
        Path dir = DataCache.datasetDir(cache, name);
        String title = spec.kind() == ImageSpec.Kind.MNIST ? "MNIST" : "Fashion-MNIST";
        for (String f : new String[] {TRAIN_IMAGES, TRAIN_LABELS, TEST_IMAGES, TEST_LABELS}) {
            if (IdxFiles.find(dir, f) == null) {
                String how = options.cacheDir() != null
                        ? "run 'reflow data fetch " + name + " --cache " + cache + "'"
                        : "run 'reflow data fetch " + name + "' (cache: --cache DIR, else $" + DataCache.ENV
                                + ", else ~/.cache/reflowkit/data)";
                throw new DatasetNotFoundException(dir, title + " is not in the data cache (" + dir
                        + (Files.isDirectory(dir) ? " lacks " + f : " does not exist") + "): " + how);
            }
        }
        return loadIdx(name, dir, options, IDX_NATIVE_CLASSES);
    }

    private static ImageDataset loadSynthetic(ImageSpec spec, ImageLoadOptions options) {
        int res = options.resolution() == 0 ? SyntheticImages.DEFAULT_RESOLUTION : options.resolution();
        int trainCount = Math.min(options.maxCount(), spec.syntheticCount());
        int testCount = Math.min(options.maxCount(), spec.syntheticTestCount());
        ImageSet train = SyntheticImages.generate(trainCount, res, options.seed(), "train");
        ImageSet test = SyntheticImages.generate(testCount, res, options.seed(), "test");
        if (options.channels() == 3) {
            train = ImageChannels.convert(train, 3);
            test = ImageChannels.convert(test, 3);
        }
        return new ImageDataset(spec.toString(), train, test);
    }

    private static ImageDataset loadIdx(String name, Path dir, ImageLoadOptions options, int classes)
            throws IOException {
        if (!Files.isDirectory(dir)) {
            throw new NoSuchFileException(dir.toString(), null, "no such IDX folder");
        }
        Path trainImages = IdxFiles.find(dir, TRAIN_IMAGES);
        Path trainLabels = IdxFiles.find(dir, TRAIN_LABELS);
        Path testImages = IdxFiles.find(dir, TEST_IMAGES);
        Path testLabels = IdxFiles.find(dir, TEST_LABELS);
        if (trainImages == null) {
            throw new DataFormatException(dir, "no " + TRAIN_IMAGES + "[.gz] in this folder (an IDX folder holds "
                    + TRAIN_IMAGES + ", " + TRAIN_LABELS + " and optionally " + TEST_IMAGES + ", " + TEST_LABELS
                    + ", each raw or .gz)");
        }
        if (trainLabels == null && testLabels != null) {
            throw new DataFormatException(dir, "has " + TEST_LABELS + " but no " + TRAIN_LABELS + "[.gz]");
        }
        if (trainLabels != null && (testImages == null) != (testLabels == null)) {
            throw new DataFormatException(dir, "has " + (testImages != null ? TEST_IMAGES + " but no " + TEST_LABELS
                    : TEST_LABELS + " but no " + TEST_IMAGES) + "[.gz]");
        }
        ImageSet train = trainLabels == null ? IdxFiles.readImages(trainImages)
                : IdxFiles.read(trainImages, trainLabels, classes);
        if (testImages == null) {
            return split(name, train, options);
        }
        ImageSet test = trainLabels == null ? IdxFiles.readImages(testImages)
                : IdxFiles.read(testImages, testLabels, classes);
        if (trainLabels != null && classes == 0) {
            int k = Math.max(train.classes(), test.classes());
            train = withClasses(train, k);
            test = withClasses(test, k);
        }
        return finish(name, train, test, options);
    }

    private static ImageDataset loadFolder(String name, Path dir, ImageLoadOptions options) throws IOException {
        Path trainDir = dir.resolve("train");
        Path testDir = dir.resolve("test");
        boolean hasTrain = Files.isDirectory(trainDir);
        boolean hasTest = Files.isDirectory(testDir);
        if (hasTrain != hasTest) {
            throw new DataFormatException(dir, "has a " + (hasTrain ? "train/" : "test/") + " folder but no "
                    + (hasTrain ? "test/" : "train/") + " folder: give both (a split data set) or neither");
        }
        int ch = options.channels();
        int res = options.resolution();
        ImageSet train;
        ImageSet test;
        if (hasTrain) {
            ImageFolder.Listing trainList = ImageFolder.list(trainDir, null);
            ImageFolder.Listing testList = ImageFolder.list(testDir, trainList.classNames());
            int classes = trainList.classNames().size();
            train = ImageFolder.read(pick(trainList, SplitIndices.cap(SplitIndices.all(trainList.files().size()),
                    options.maxCount(), options.seed(), "train")), ch, res, classes);
            test = ImageFolder.read(pick(testList, SplitIndices.cap(SplitIndices.all(testList.files().size()),
                    options.maxCount(), options.seed(), "test")), ch, res, classes);
        } else {
            ImageFolder.Listing all = ImageFolder.list(dir, null);
            int classes = all.classNames().size();
            int[][] parts = SplitIndices.holdOut(all.files().size(), options.testFraction(), options.seed(),
                    "image folder " + dir);
            train = ImageFolder.read(pick(all, SplitIndices.cap(parts[0], options.maxCount(), options.seed(),
                    "train")), ch, res, classes);
            test = ImageFolder.read(pick(all, SplitIndices.cap(parts[1], options.maxCount(), options.seed(),
                    "test")), ch, res, classes);
        }
        if (ch == 0 && train.channels() != test.channels()) { // one split is all gray, the other is not
            train = ImageChannels.convert(train, 3);
            test = ImageChannels.convert(test, 3);
        }
        if (res == 0 && (train.height() != test.height() || train.width() != test.width())) {
            throw new DataFormatException(dir, "train images are " + train.width() + "x" + train.height()
                    + " (WxH) but test images are " + test.width() + "x" + test.height()
                    + "; with resolution 0 (native size) all images must have the same size: set a resolution");
        }
        return new ImageDataset(name, train, test);
    }

    private static ImageFolder.Listing pick(ImageFolder.Listing listing, int[] idx) {
        Path[] files = new Path[idx.length];
        int[] labels = listing.labels() == null ? null : new int[idx.length];
        for (int k = 0; k < idx.length; k++) {
            files[k] = listing.files().get(idx[k]);
            if (labels != null) {
                labels[k] = listing.labels()[idx[k]];
            }
        }
        return new ImageFolder.Listing(listing.classNames(), List.of(files), labels);
    }

    /** Holds out a test split from one set, then caps, converts and resizes. */
    private static ImageDataset split(String name, ImageSet all, ImageLoadOptions options) {
        int[][] parts = SplitIndices.holdOut(all.n(), options.testFraction(), options.seed(), "data set " + name);
        return finish(name, all.subset(parts[0]), all.subset(parts[1]), options);
    }

    /** Caps, converts and resizes both splits. */
    private static ImageDataset finish(String name, ImageSet train, ImageSet test, ImageLoadOptions options) {
        return new ImageDataset(name, prepare(train, options, "train"), prepare(test, options, "test"));
    }

    private static ImageSet prepare(ImageSet set, ImageLoadOptions options, String split) {
        int[] idx = SplitIndices.cap(SplitIndices.all(set.n()), options.maxCount(), options.seed(), split);
        ImageSet out = idx.length == set.n() ? set : set.subset(idx);
        if (options.channels() != 0) {
            out = ImageChannels.convert(out, options.channels());
        }
        if (options.resolution() > 0) {
            out = ImageResize.cropAndResize(out, options.resolution());
        }
        return out;
    }

    private static ImageSet withClasses(ImageSet s, int classes) {
        return new ImageSet(s.pixels(), s.channels(), s.height(), s.width(), s.labels(), classes);
    }

    private static String shape(ImageSet s) {
        return s.channels() + "x" + s.height() + "x" + s.width() + " (CxHxW)";
    }

    private static String classText(ImageSet s) {
        return s.isLabelled() ? s.classes() + " classes" : "no labels";
    }
}
