package dev.reflowkit.data;

import java.util.Objects;

/**
 * Conversion between grayscale (1 channel) and RGB (3 channels) images.
 *
 * <p>Gray to RGB copies the gray plane into R, G and B. RGB to gray takes the ITU-R BT.601 luma
 * {@code Y = 0.299 R + 0.587 G + 0.114 B} (as PIL's {@code convert("L")}, without its rounding);
 * the weights sum to 1, so the result is the same whether computed on 8-bit values or on values
 * scaled to {@code [-1, 1]}, and stays in range.
 */
public final class ImageChannels {

    /** The BT.601 luma weight of red. */
    public static final double RED = 0.299;
    /** The BT.601 luma weight of green. */
    public static final double GREEN = 0.587;
    /** The BT.601 luma weight of blue. */
    public static final double BLUE = 0.114;

    private ImageChannels() {}

    /**
     * Converts every image of a set to the given number of channels.
     *
     * @param images the images, with 1 or 3 channels
     * @param channels the wanted count, 1 or 3
     * @return the converted set with the same labels, or {@code images} itself if it already has
     *     {@code channels} channels
     * @throws IllegalArgumentException if {@code channels} is not 1 or 3, or the set has another
     *     channel count and needs converting
     */
    public static ImageSet convert(ImageSet images, int channels) {
        Objects.requireNonNull(images, "images");
        checkTarget(channels);
        if (images.channels() == channels) {
            return images;
        }
        int hw = images.height() * images.width();
        int inD = images.pixels().d();
        int outD = channels * hw;
        float[] out = new float[Math.multiplyExact(images.n(), outD)];
        float[] one = new float[inD];
        for (int i = 0; i < images.n(); i++) {
            System.arraycopy(images.pixels().data(), i * inD, one, 0, inD);
            System.arraycopy(convert(one, images.channels(), hw, channels), 0, out, i * outD, outD);
        }
        return new ImageSet(new PointSet(images.n(), outD, out), channels, images.height(), images.width(),
                images.labels(), images.classes());
    }

    /**
     * Converts one image.
     *
     * @param image the pixels, row-major {@code (C, H, W)}
     * @param from {@code C}, 1 or 3
     * @param pixelsPerChannel {@code H * W}
     * @param to the wanted channel count, 1 or 3
     * @return a new array of {@code to * H * W} values (a copy even if {@code from == to})
     * @throws IllegalArgumentException for channel counts other than 1 and 3 or a wrong length
     */
    public static float[] convert(float[] image, int from, int pixelsPerChannel, int to) {
        Objects.requireNonNull(image, "image");
        checkTarget(to);
        if (from != 1 && from != 3) {
            throw new IllegalArgumentException("can only convert images with 1 or 3 channels, got " + from);
        }
        if ((long) from * pixelsPerChannel != image.length) {
            throw new IllegalArgumentException("image array of length " + image.length + " does not hold "
                    + from + " channels of " + pixelsPerChannel + " pixels");
        }
        int hw = pixelsPerChannel;
        if (from == to) {
            return image.clone();
        }
        if (from == 1) {
            float[] out = new float[3 * hw];
            for (int c = 0; c < 3; c++) {
                System.arraycopy(image, 0, out, c * hw, hw);
            }
            return out;
        }
        float[] out = new float[hw];
        for (int p = 0; p < hw; p++) {
            out[p] = luma(image[p], image[hw + p], image[2 * hw + p]);
        }
        return out;
    }

    /**
     * The BT.601 luma of one RGB pixel.
     *
     * @param r red
     * @param g green
     * @param b blue
     * @return {@code 0.299 r + 0.587 g + 0.114 b}
     */
    public static float luma(float r, float g, float b) {
        return (float) (RED * r + GREEN * g + BLUE * b);
    }

    private static void checkTarget(int channels) {
        if (channels != 1 && channels != 3) {
            throw new IllegalArgumentException("channels must be 1 (grayscale) or 3 (RGB), got " + channels);
        }
    }
}
