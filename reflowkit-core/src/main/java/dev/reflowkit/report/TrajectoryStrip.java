package dev.reflowkit.report;

import dev.reflowkit.data.PointSet;
import dev.reflowkit.io.AtomicFiles;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;

/**
 * Draws solver trajectories of image samples as a strip: one row per sample, one column per solver
 * state, from the noise ({@code t = 1}, left) to the generated image ({@code t = 0}, right). The
 * states are those of {@link ReportSampler#toPointSets} (one point set per grid point, the same
 * {@code n} samples in each); the first {@code samples} rows are drawn. When there are more states
 * than {@code maxSteps}, evenly spaced ones are shown, always with the first and the last
 * ({@link #stepColumns}). Pixels map to colours as in {@link ImageGrid}; noise outside [-1, 1] is
 * clamped.
 *
 * <pre>{@code
 * TrajectoryStrip strip = TrajectoryStrip.builder().optSamples(8).optScale(2).build();
 * byte[] png = strip.png(ReportSampler.toPointSets(result.trajectory()), new long[] {1, 28, 28});
 * }</pre>
 */
public final class TrajectoryStrip {

    private final int samples;
    private final int maxSteps;
    private final int scale;
    private final int padding;

    private TrajectoryStrip(Builder b) {
        samples = b.samples;
        maxSteps = b.maxSteps;
        scale = b.scale;
        padding = b.padding;
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
     * Draws the strip.
     *
     * @param states the solver states, one point set per grid point, noise first; all of shape
     *     {@code (n, C*H*W)} with {@code n >= 1}
     * @param sampleShape the shape of one image, {@code {C, H, W}}
     * @return a picture of {@code min(n, samples)} rows and {@code stepColumns(states.size()).length}
     *     columns of images
     * @throws IllegalArgumentException if there are no states, they differ in shape, or they do not
     *     match the sample shape
     */
    public BufferedImage render(List<PointSet> states, long[] sampleShape) {
        ImageShape shape = ImageShape.of(sampleShape);
        check(states, shape);
        int[] columns = stepColumns(states.size());
        int rows = Math.min(samples, states.get(0).n());
        int d = shape.size();
        float[] cells = new float[Math.multiplyExact(Math.multiplyExact(rows, columns.length), d)];
        for (int i = 0; i < rows; i++) {
            for (int k = 0; k < columns.length; k++) {
                System.arraycopy(states.get(columns[k]).data(), i * d, cells, (i * columns.length + k) * d, d);
            }
        }
        return ImageGrid.builder().optColumns(columns.length).optScale(scale).optPadding(padding).build()
                .render(new PointSet(rows * columns.length, d, cells), sampleShape);
    }

    /**
     * Draws the strip as a PNG.
     *
     * @param states the solver states, noise first
     * @param sampleShape the shape of one image, {@code {C, H, W}}
     * @return the PNG bytes
     * @throws IllegalArgumentException as for {@link #render}
     */
    public byte[] png(List<PointSet> states, long[] sampleShape) {
        return ImageGrid.encode(render(states, sampleShape));
    }

    /**
     * Draws the strip and writes it as a PNG file atomically ({@link AtomicFiles}).
     *
     * @param file the target
     * @param states the solver states, noise first
     * @param sampleShape the shape of one image, {@code {C, H, W}}
     * @throws IOException if the file cannot be written
     * @throws IllegalArgumentException as for {@link #render}
     */
    public void write(Path file, List<PointSet> states, long[] sampleShape) throws IOException {
        AtomicFiles.writeBytes(file, png(states, sampleShape));
    }

    /**
     * The indices of the states shown, one per column: all of them when there are at most
     * {@code maxSteps}, else {@code round(k * (S - 1) / (maxSteps - 1))} for
     * {@code k = 0 .. maxSteps - 1} (first and last always included, no repeats).
     *
     * @param stateCount {@code S}, the number of states, at least 1
     * @return the state indices, increasing
     */
    public int[] stepColumns(int stateCount) {
        if (stateCount < 1) {
            throw new IllegalArgumentException("a trajectory strip needs at least one state, got " + stateCount);
        }
        int m = Math.min(stateCount, maxSteps);
        int[] idx = new int[m];
        for (int k = 0; k < m; k++) {
            idx[k] = m == 1 ? 0 : (int) Math.round(k * (stateCount - 1) / (double) (m - 1));
        }
        return idx;
    }

    private static void check(List<PointSet> states, ImageShape shape) {
        if (states == null || states.isEmpty()) {
            throw new IllegalArgumentException("a trajectory strip needs at least one state, got "
                    + (states == null ? "null" : "none"));
        }
        PointSet first = states.get(0);
        if (first.n() < 1) {
            throw new IllegalArgumentException("a trajectory strip needs at least one sample, state 0 has none");
        }
        for (int k = 0; k < states.size(); k++) {
            PointSet s = states.get(k);
            if (s.n() != first.n() || s.d() != shape.size()) {
                throw new IllegalArgumentException("trajectory state " + k + " has shape [" + s.n() + ", " + s.d()
                        + "], expected [" + first.n() + ", " + shape.size() + "] for images of shape " + shape);
            }
        }
    }

    /** Builds a {@link TrajectoryStrip}; every setting is optional. */
    public static final class Builder {

        private int samples = 8;
        private int maxSteps = 12;
        private int scale = 2;
        private int padding = 2;

        private Builder() {}

        /**
         * Sets how many samples (rows) are drawn at most (default 8).
         *
         * @param samples at least 1
         * @return this builder
         */
        public Builder optSamples(int samples) {
            if (samples < 1) {
                throw new IllegalArgumentException("strip samples must be >= 1, got " + samples);
            }
            this.samples = samples;
            return this;
        }

        /**
         * Sets how many states (columns) are drawn at most (default 12).
         *
         * @param maxSteps in [2, 4096]; at least 2 so that the noise and the image are both shown
         * @return this builder
         */
        public Builder optMaxSteps(int maxSteps) {
            if (maxSteps < 2 || maxSteps > 4096) {
                throw new IllegalArgumentException("strip max steps must be in [2, 4096], got " + maxSteps);
            }
            this.maxSteps = maxSteps;
            return this;
        }

        /**
         * Sets the upscaling factor (default 2), as {@link ImageGrid.Builder#optScale}.
         *
         * @param scale in [1, 64]
         * @return this builder
         */
        public Builder optScale(int scale) {
            ImageGrid.builder().optScale(scale); // the same range check
            this.scale = scale;
            return this;
        }

        /**
         * Sets the pixels between images (default 2), as {@link ImageGrid.Builder#optPadding}.
         *
         * @param padding in [0, 64]
         * @return this builder
         */
        public Builder optPadding(int padding) {
            ImageGrid.builder().optPadding(padding); // the same range check
            this.padding = padding;
            return this;
        }

        /**
         * Builds the strip.
         *
         * @return the strip
         */
        public TrajectoryStrip build() {
            return new TrajectoryStrip(this);
        }
    }
}
