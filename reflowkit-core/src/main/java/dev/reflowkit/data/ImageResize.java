package dev.reflowkit.data;

import java.util.Objects;

/**
 * Image geometry: center-cropping to a square and resizing by exact area averaging.
 *
 * <p>Area averaging (a box filter, as PIL's {@code Image.BOX} or OpenCV's {@code INTER_AREA} when
 * shrinking): output pixel {@code o} along an axis of input length {@code n} and output length
 * {@code m} covers the input interval {@code [o*s, (o+1)*s)} with {@code s = n/m}, and its value is
 * the mean of the input over that interval, input pixel {@code i} weighted by the length of
 * {@code [i, i+1)} inside it, divided by {@code s}:
 * <pre>
 *   out[o] = (1/s) * sum_i |[i, i+1) ∩ [o s, (o+1) s)| * in[i]
 * </pre>
 * It is applied to rows, then to columns. Shrinking by an integer factor {@code k} gives the mean
 * of each {@code k x k} block; the total mass is preserved ({@code sum(out) * s_h * s_w =
 * sum(in)}), constants stay constant and values stay within the input's range. Enlarging gives a
 * piecewise-constant (nearest-neighbour-like) image whose pixels straddling an input edge are
 * blended. The result is deterministic (a fixed order of float operations).
 *
 * <pre>{@code
 * ImageSet small = ImageResize.resize(mnist, 16, 16);   // 28x28 -> 16x16
 * }</pre>
 */
public final class ImageResize {

    private ImageResize() {}

    /**
     * Resizes every image of a set by area averaging (no cropping: the aspect ratio may change).
     *
     * @param images the images
     * @param height the output height, {@code >= 1}
     * @param width the output width, {@code >= 1}
     * @return the resized set with the same labels, or {@code images} itself if the size is unchanged
     * @throws IllegalArgumentException if a size is not positive
     */
    public static ImageSet resize(ImageSet images, int height, int width) {
        Objects.requireNonNull(images, "images");
        checkSize(height, width);
        if (height == images.height() && width == images.width()) {
            return images;
        }
        int c = images.channels();
        int inD = images.pixels().d();
        int outD = c * height * width;
        float[] out = new float[Math.multiplyExact(images.n(), outD)];
        Weights rows = Weights.of(images.height(), height);
        Weights cols = Weights.of(images.width(), width);
        float[] one = new float[inD];
        for (int i = 0; i < images.n(); i++) {
            System.arraycopy(images.pixels().data(), i * inD, one, 0, inD);
            float[] r = resize(one, c, images.height(), images.width(), rows, cols);
            System.arraycopy(r, 0, out, i * outD, outD);
        }
        return new ImageSet(new PointSet(images.n(), outD, out), c, height, width, images.labels(),
                images.classes());
    }

    /**
     * Center-crops every image of a set to a square and resizes it to {@code size x size}.
     *
     * @param images the images
     * @param size the output side, {@code >= 1}
     * @return the new set with the same labels, or {@code images} itself if already {@code size x size}
     * @throws IllegalArgumentException if {@code size < 1}
     */
    public static ImageSet cropAndResize(ImageSet images, int size) {
        Objects.requireNonNull(images, "images");
        checkSize(size, size);
        if (images.height() == images.width()) {
            return resize(images, size, size);
        }
        int c = images.channels();
        int inD = images.pixels().d();
        int outD = c * size * size;
        float[] out = new float[Math.multiplyExact(images.n(), outD)];
        float[] one = new float[inD];
        for (int i = 0; i < images.n(); i++) {
            System.arraycopy(images.pixels().data(), i * inD, one, 0, inD);
            float[] r = cropAndResize(one, c, images.height(), images.width(), size);
            System.arraycopy(r, 0, out, i * outD, outD);
        }
        return new ImageSet(new PointSet(images.n(), outD, out), c, size, size, images.labels(), images.classes());
    }

    /**
     * Resizes one image by area averaging.
     *
     * @param image the pixels, row-major {@code (C, H, W)}
     * @param channels {@code C}
     * @param height {@code H}
     * @param width {@code W}
     * @param outHeight the output height, {@code >= 1}
     * @param outWidth the output width, {@code >= 1}
     * @return a new row-major {@code (C, outHeight, outWidth)} array
     * @throws IllegalArgumentException if a size is not positive or the array length is not {@code C*H*W}
     */
    public static float[] resize(float[] image, int channels, int height, int width, int outHeight, int outWidth) {
        checkImage(image, channels, height, width);
        checkSize(outHeight, outWidth);
        return resize(image, channels, height, width, Weights.of(height, outHeight), Weights.of(width, outWidth));
    }

    /**
     * Crops the largest centered square out of one image. The square's side is {@code min(H, W)};
     * it starts at row {@code (H - side) / 2} and column {@code (W - side) / 2} (rounded down).
     *
     * @param image the pixels, row-major {@code (C, H, W)}
     * @param channels {@code C}
     * @param height {@code H}
     * @param width {@code W}
     * @return a new row-major {@code (C, side, side)} array (a copy even if already square)
     * @throws IllegalArgumentException if the array length is not {@code C*H*W}
     */
    public static float[] centerCrop(float[] image, int channels, int height, int width) {
        checkImage(image, channels, height, width);
        int side = Math.min(height, width);
        int y0 = (height - side) / 2;
        int x0 = (width - side) / 2;
        float[] out = new float[channels * side * side];
        for (int c = 0; c < channels; c++) {
            for (int y = 0; y < side; y++) {
                System.arraycopy(image, (c * height + y0 + y) * width + x0, out, (c * side + y) * side, side);
            }
        }
        return out;
    }

    /**
     * Center-crops one image to a square and resizes it to {@code size x size}.
     *
     * @param image the pixels, row-major {@code (C, H, W)}
     * @param channels {@code C}
     * @param height {@code H}
     * @param width {@code W}
     * @param size the output side, {@code >= 1}
     * @return a new row-major {@code (C, size, size)} array
     */
    public static float[] cropAndResize(float[] image, int channels, int height, int width, int size) {
        int side = Math.min(height, width);
        float[] square = height == width ? image : centerCrop(image, channels, height, width);
        if (side == size) {
            return square == image ? image.clone() : square;
        }
        return resize(square, channels, side, side, size, size);
    }

    private static float[] resize(float[] image, int c, int h, int w, Weights rows, Weights cols) {
        int oh = rows.out();
        int ow = cols.out();
        float[] tmp = new float[c * h * ow]; // columns resized first: (C, H, oW)
        for (int ch = 0; ch < c; ch++) {
            for (int y = 0; y < h; y++) {
                cols.apply(image, (ch * h + y) * w, 1, tmp, (ch * h + y) * ow, 1);
            }
        }
        float[] out = new float[c * oh * ow];
        for (int ch = 0; ch < c; ch++) {
            for (int x = 0; x < ow; x++) {
                rows.apply(tmp, ch * h * ow + x, ow, out, ch * oh * ow + x, ow);
            }
        }
        return out;
    }

    private static void checkSize(int height, int width) {
        if (height < 1 || width < 1) {
            throw new IllegalArgumentException("output size must be positive, got " + height + "x" + width);
        }
    }

    private static void checkImage(float[] image, int channels, int height, int width) {
        Objects.requireNonNull(image, "image");
        if (channels < 1 || height < 1 || width < 1 || (long) channels * height * width != image.length) {
            throw new IllegalArgumentException("image array of length " + image.length + " does not match shape "
                    + channels + "x" + height + "x" + width);
        }
    }

    /**
     * Sparse area-averaging weights along one axis: output {@code o} reads inputs
     * {@code first[o] .. first[o] + weights[o].length - 1}.
     */
    private record Weights(int in, int out, int[] first, double[][] weights) {

        static Weights of(int in, int out) {
            int[] first = new int[out];
            double[][] weights = new double[out][];
            for (int o = 0; o < out; o++) {
                // exact rational bounds o*in/out, computed without accumulating rounding error
                double lo = (double) o * in / out;
                double hi = (double) (o + 1) * in / out;
                int i0 = (int) Math.floor(lo);
                int i1 = Math.min(in, (int) Math.ceil(hi));
                first[o] = i0;
                weights[o] = new double[i1 - i0];
                double total = 0;
                for (int i = i0; i < i1; i++) {
                    double overlap = Math.max(0, Math.min(i + 1, hi) - Math.max(i, lo));
                    weights[o][i - i0] = overlap;
                    total += overlap;
                }
                for (int k = 0; k < weights[o].length; k++) {
                    weights[o][k] /= total; // = overlap / s, summing to 1 up to rounding
                }
            }
            return new Weights(in, out, first, weights);
        }

        /** Resamples {@code in} values of {@code src} (stride {@code ss}) to {@code out} values of {@code dst}. */
        void apply(float[] src, int srcStart, int ss, float[] dst, int dstStart, int ds) {
            for (int o = 0; o < out; o++) {
                double acc = 0;
                double[] w = weights[o];
                int base = srcStart + first[o] * ss;
                for (int k = 0; k < w.length; k++) {
                    acc += w[k] * src[base + k * ss];
                }
                dst[dstStart + o * ds] = (float) acc;
            }
        }
    }
}
