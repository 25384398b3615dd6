package dev.reflowkit.data;

import java.nio.file.Path;

/**
 * How an image data set is loaded: output resolution and channels, a cap on each split's size,
 * the hold-out fraction for sources without a test split, the seed, and the data cache.
 *
 * <pre>{@code
 * ImageLoadOptions o = ImageLoadOptions.builder().optResolution(16).optChannels(1).optMaxCount(10_000).build();
 * }</pre>
 *
 * @param resolution the output side length ({@code >= 1}: images are center-cropped to a square if
 *     needed and resized by area averaging), or 0 to keep the native size (then all images must
 *     agree in size)
 * @param channels 1 (grayscale), 3 (RGB), or 0 to keep the source's channels (1 for IDX and
 *     synthetic data; a {@code .npy} file's C; for a folder, 1 if every image is grayscale, else 3)
 * @param maxCount the most images per split, {@code >= 1}: a larger split is cut to a uniformly
 *     random subset of this size chosen by {@code seed}, kept in source order
 * @param testFraction for sources without a test split, the fraction held out as test split
 *     (rounded, at least 1 image, at most {@code n - 1}), in {@code (0, 1)}
 * @param seed the seed for hold-out splits, caps and synthetic generation
 * @param cacheDir the data cache holding fetched data sets, or null for {@link DataCache#resolve}'s
 *     default ({@code $REFLOWKIT_DATA} or {@code ~/.cache/reflowkit/data})
 */
public record ImageLoadOptions(int resolution, int channels, int maxCount, double testFraction, long seed,
        Path cacheDir) {

    /** The default hold-out fraction. */
    public static final double DEFAULT_TEST_FRACTION = 0.1;

    /**
     * Checks the ranges.
     *
     * @throws IllegalArgumentException naming the offending value
     */
    public ImageLoadOptions {
        if (resolution < 0) {
            throw new IllegalArgumentException("resolution must be >= 0 (0 = native size), got " + resolution);
        }
        if (channels != 0 && channels != 1 && channels != 3) {
            throw new IllegalArgumentException("channels must be 1 (grayscale), 3 (RGB) or 0 (as stored), got "
                    + channels);
        }
        if (maxCount < 1) {
            throw new IllegalArgumentException("max count per split must be >= 1, got " + maxCount);
        }
        if (!(testFraction > 0 && testFraction < 1)) {
            throw new IllegalArgumentException("test fraction must be in (0, 1), got " + testFraction);
        }
    }

    /**
     * The defaults: native resolution and channels, no cap, 10% held out, seed 0, default cache.
     *
     * @return the options
     */
    public static ImageLoadOptions defaults() {
        return builder().build();
    }

    /**
     * A builder starting from the defaults.
     *
     * @return the builder
     */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * The cache directory to use.
     *
     * @return {@link #cacheDir()} or the default cache
     */
    public Path resolvedCacheDir() {
        return DataCache.resolve(cacheDir);
    }

    /** Builder of {@link ImageLoadOptions}; every setting is optional. */
    public static final class Builder {

        private int resolution;
        private int channels;
        private int maxCount = Integer.MAX_VALUE;
        private double testFraction = DEFAULT_TEST_FRACTION;
        private long seed;
        private Path cacheDir;

        private Builder() {}

        /**
         * Sets the output side length.
         *
         * @param resolution {@code >= 1}, or 0 for the native size (default)
         * @return this
         */
        public Builder optResolution(int resolution) {
            this.resolution = resolution;
            return this;
        }

        /**
         * Sets the channel count.
         *
         * @param channels 1, 3, or 0 for the source's (default)
         * @return this
         */
        public Builder optChannels(int channels) {
            this.channels = channels;
            return this;
        }

        /**
         * Caps each split's size.
         *
         * @param maxCount {@code >= 1} (default: no cap)
         * @return this
         */
        public Builder optMaxCount(int maxCount) {
            this.maxCount = maxCount;
            return this;
        }

        /**
         * Sets the hold-out fraction for sources without a test split.
         *
         * @param testFraction in {@code (0, 1)} (default 0.1)
         * @return this
         */
        public Builder optTestFraction(double testFraction) {
            this.testFraction = testFraction;
            return this;
        }

        /**
         * Sets the seed.
         *
         * @param seed the seed (default 0)
         * @return this
         */
        public Builder optSeed(long seed) {
            this.seed = seed;
            return this;
        }

        /**
         * Sets the data cache.
         *
         * @param cacheDir the directory, or null for the default
         * @return this
         */
        public Builder optCacheDir(Path cacheDir) {
            this.cacheDir = cacheDir;
            return this;
        }

        /**
         * Builds the options.
         *
         * @return the options
         * @throws IllegalArgumentException if a value is out of range
         */
        public ImageLoadOptions build() {
            return new ImageLoadOptions(resolution, channels, maxCount, testFraction, seed, cacheDir);
        }
    }
}
