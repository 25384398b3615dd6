package dev.reflowkit.report;

import java.util.Arrays;

/**
 * The shape of one image sample, {@code (C, H, W)}: {@code C = 1} (grey) or {@code C = 3} (RGB)
 * channels of {@code H x W} pixels, stored flat and row-major as in a {@link
 * dev.reflowkit.data.PointSet} row: value {@code (c, y, x)} of an image is at offset
 * {@code c * H * W + y * W + x}.
 *
 * @param channels {@code C}, 1 or 3
 * @param height {@code H}, at least 1
 * @param width {@code W}, at least 1
 */
public record ImageShape(int channels, int height, int width) {

    /** Largest height or width accepted, in pixels. */
    public static final int MAX_SIDE = 4096;

    /** Checks the fields. */
    public ImageShape {
        if (channels != 1 && channels != 3) {
            throw new IllegalArgumentException("images need 1 (grey) or 3 (RGB) channels, got " + channels
                    + " in shape [" + channels + ", " + height + ", " + width + "]");
        }
        if (height < 1 || width < 1 || height > MAX_SIDE || width > MAX_SIDE) {
            throw new IllegalArgumentException("image height and width must be in [1, " + MAX_SIDE + "], got shape ["
                    + channels + ", " + height + ", " + width + "]");
        }
    }

    /**
     * The image shape of a sample shape {@code {C, H, W}}.
     *
     * @param sampleShape the shape of one sample, e.g. {@code {1, 28, 28}}
     * @return the image shape
     * @throws IllegalArgumentException if the shape is not three values with {@code C} in {1, 3}
     */
    public static ImageShape of(long[] sampleShape) {
        if (!isImage(sampleShape)) {
            throw new IllegalArgumentException("an image sample shape is {C, H, W}, got "
                    + (sampleShape == null ? "null" : Arrays.toString(sampleShape)));
        }
        for (long s : sampleShape) {
            if (s < 1 || s > MAX_SIDE) {
                throw new IllegalArgumentException("image sample shape " + Arrays.toString(sampleShape)
                        + " has a value outside [1, " + MAX_SIDE + "]");
            }
        }
        return new ImageShape((int) sampleShape[0], (int) sampleShape[1], (int) sampleShape[2]);
    }

    /**
     * Whether a sample shape describes images: it has three dimensions {@code (C, H, W)}. Point
     * data has one ({@code {d}}).
     *
     * @param sampleShape the shape of one sample, or null
     * @return true for three dimensions
     */
    public static boolean isImage(long[] sampleShape) {
        return sampleShape != null && sampleShape.length == 3;
    }

    /**
     * Values per image, {@code C * H * W}: the {@code d} of a point set of such images.
     *
     * @return the number of values
     */
    public int size() {
        return channels * height * width;
    }

    /**
     * The shape as a sample shape.
     *
     * @return {@code {C, H, W}}
     */
    public long[] toArray() {
        return new long[] {channels, height, width};
    }

    /**
     * The shape as text.
     *
     * @return e.g. {@code "[1, 28, 28]"}
     */
    @Override
    public String toString() {
        return "[" + channels + ", " + height + ", " + width + "]";
    }
}
