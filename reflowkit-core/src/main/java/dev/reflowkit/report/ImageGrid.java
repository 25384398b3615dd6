package dev.reflowkit.report;

import dev.reflowkit.data.PointSet;
import dev.reflowkit.io.AtomicFiles;
import java.awt.Color;
import java.awt.image.BufferedImage;
import java.awt.image.DataBufferInt;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Objects;
import javax.imageio.ImageIO;

/**
 * Draws {@code n} images, the rows of a {@link PointSet} of shape {@code (n, C*H*W)}, side by side
 * in a grid: row-major, {@code columns} per row, each pixel upscaled to a {@code scale x scale}
 * block (nearest neighbour, so small digits stay sharp), with {@code padding} pixels of the
 * padding colour between images and around the border. The picture is
 *
 * <pre>
 *   width  = cols * W * scale + (cols + 1) * padding,   cols = min(columns, n)
 *   height = rows * H * scale + (rows + 1) * padding,   rows = ceil(n / cols)
 * </pre>
 *
 * <p>pixels wide and high. A value {@code v} becomes the 8-bit level
 * {@code round(255 * (clamp(v, -1, 1) + 1) / 2)} ({@link #level}): -1 is black, 1 is white.
 * One channel gives grey, three give RGB. A pixel with a NaN or infinite value in any channel
 * gets the non-finite colour (default pure red) instead, so a diverged sample shows up rather
 * than breaking the report.
 *
 * <pre>{@code
 * ImageGrid grid = ImageGrid.builder().optColumns(8).optScale(3).build();
 * grid.write(dir.resolve("samples.png"), samples.head(64), new long[] {1, 16, 16});
 * }</pre>
 */
public final class ImageGrid {

    /** Largest width or height of a rendered picture, in pixels. */
    public static final int MAX_PIXELS_PER_SIDE = 32768;

    /** The default colour between images: white. */
    public static final Color DEFAULT_PADDING_COLOR = Color.WHITE;

    /** The default colour of pixels with a NaN or infinite value: pure red. */
    public static final Color DEFAULT_NON_FINITE_COLOR = new Color(255, 0, 0);

    private final int columns;
    private final int scale;
    private final int padding;
    private final int paddingRgb;
    private final int nonFiniteRgb;

    private ImageGrid(Builder b) {
        columns = b.columns;
        scale = b.scale;
        padding = b.padding;
        paddingRgb = b.paddingColor.getRGB() & 0xffffff;
        nonFiniteRgb = b.nonFiniteColor.getRGB() & 0xffffff;
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
     * The 8-bit level of a value: {@code round(255 * (clamp(v, -1, 1) + 1) / 2)}.
     *
     * @param v a pixel value, nominally in [-1, 1]
     * @return the level in [0, 255], or -1 if {@code v} is NaN or infinite
     */
    public static int level(float v) {
        if (!Float.isFinite(v)) {
            return -1;
        }
        double c = Math.max(-1.0, Math.min(1.0, v));
        return (int) Math.round((c + 1.0) * 127.5);
    }

    /**
     * The smallest upscaling factor, at most 4, that makes an image at least {@code minPixels}
     * high and wide: 3 for 16 x 16 digits and {@code minPixels = 48}, 2 for 28 x 28, 1 from 48 up.
     *
     * @param sampleShape the image shape {@code {C, H, W}}
     * @param minPixels the wanted smallest side in pixels
     * @return the factor in [1, 4]
     */
    public static int scaleFor(long[] sampleShape, int minPixels) {
        ImageShape s = ImageShape.of(sampleShape);
        int side = Math.min(s.height(), s.width());
        return Math.max(1, Math.min(4, (minPixels + side - 1) / side));
    }

    /**
     * Draws the grid.
     *
     * @param images the images, one per row, {@code d = C*H*W}; at least one
     * @param sampleShape the shape of one image, {@code {C, H, W}}
     * @return an RGB picture of {@link #width} x {@link #height} pixels
     * @throws IllegalArgumentException if there are no images, {@code d} does not match the shape,
     *     or the picture would be larger than {@link #MAX_PIXELS_PER_SIDE} on a side
     */
    public BufferedImage render(PointSet images, long[] sampleShape) {
        ImageShape shape = ImageShape.of(sampleShape);
        check(images, shape);
        int cols = cols(images.n());
        int w = (int) side(cols, shape.width(), "width", images.n());
        int h = (int) side(rows(images.n()), shape.height(), "height", images.n());
        BufferedImage img = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
        int[] out = ((DataBufferInt) img.getRaster().getDataBuffer()).getData();
        Arrays.fill(out, paddingRgb);
        int tileW = shape.width() * scale + padding;
        int tileH = shape.height() * scale + padding;
        for (int i = 0; i < images.n(); i++) {
            paint(out, w, images.data(), i * images.d(), shape,
                    padding + (i % cols) * tileW, padding + (i / cols) * tileH);
        }
        return img;
    }

    /**
     * Draws the grid as a PNG.
     *
     * @param images the images
     * @param sampleShape the shape of one image, {@code {C, H, W}}
     * @return the PNG bytes
     * @throws IllegalArgumentException as for {@link #render}
     */
    public byte[] png(PointSet images, long[] sampleShape) {
        return encode(render(images, sampleShape));
    }

    /**
     * Draws the grid and writes it as a PNG file atomically ({@link AtomicFiles}), creating
     * missing parent directories.
     *
     * @param file the target, e.g. {@code DIR/samples.png}
     * @param images the images
     * @param sampleShape the shape of one image, {@code {C, H, W}}
     * @throws IOException if the file cannot be written
     * @throws IllegalArgumentException as for {@link #render}
     */
    public void write(Path file, PointSet images, long[] sampleShape) throws IOException {
        AtomicFiles.writeBytes(file, png(images, sampleShape));
    }

    /**
     * The width of the picture of {@code n} images.
     *
     * @param n the number of images, at least 1
     * @param sampleShape the shape of one image
     * @return the width in pixels
     */
    public int width(int n, long[] sampleShape) {
        return (int) side(cols(positive(n)), ImageShape.of(sampleShape).width(), "width", n);
    }

    /**
     * The height of the picture of {@code n} images.
     *
     * @param n the number of images, at least 1
     * @param sampleShape the shape of one image
     * @return the height in pixels
     */
    public int height(int n, long[] sampleShape) {
        return (int) side(rows(positive(n)), ImageShape.of(sampleShape).height(), "height", n);
    }

    /**
     * The columns of the grid of {@code n} images: {@code min(columns, n)}.
     *
     * @param n the number of images
     * @return the columns
     */
    public int cols(int n) {
        return Math.max(1, Math.min(columns, n));
    }

    /**
     * The rows of the grid of {@code n} images: {@code ceil(n / cols)}.
     *
     * @param n the number of images
     * @return the rows
     */
    public int rows(int n) {
        int c = cols(n);
        return (n + c - 1) / c;
    }

    /**
     * Encodes a picture as PNG.
     *
     * @param img the picture
     * @return the PNG bytes
     */
    static byte[] encode(BufferedImage img) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try {
            if (!ImageIO.write(img, "png", out)) {
                throw new IllegalStateException("no PNG writer for image type " + img.getType());
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot encode a " + img.getWidth() + "x" + img.getHeight() + " PNG", e);
        }
        return out.toByteArray();
    }

    private void paint(int[] out, int stride, float[] data, int offset, ImageShape shape, int x0, int y0) {
        int plane = shape.height() * shape.width();
        boolean rgb = shape.channels() == 3;
        for (int y = 0; y < shape.height(); y++) {
            for (int x = 0; x < shape.width(); x++) {
                int p = offset + y * shape.width() + x;
                int color;
                if (rgb) {
                    int r = level(data[p]);
                    int g = level(data[p + plane]);
                    int b = level(data[p + 2 * plane]);
                    color = r < 0 || g < 0 || b < 0 ? nonFiniteRgb : (r << 16) | (g << 8) | b;
                } else {
                    int v = level(data[p]);
                    color = v < 0 ? nonFiniteRgb : (v << 16) | (v << 8) | v;
                }
                int top = (y0 + y * scale) * stride + x0 + x * scale;
                for (int dy = 0; dy < scale; dy++) {
                    Arrays.fill(out, top + dy * stride, top + dy * stride + scale, color);
                }
            }
        }
    }

    private long side(int count, int pixels, String what, int n) {
        long s = (long) count * pixels * scale + (long) (count + 1) * padding;
        if (s > MAX_PIXELS_PER_SIDE) {
            throw new IllegalArgumentException("a grid of " + n + " images would be " + s + " pixels in " + what
                    + ", more than " + MAX_PIXELS_PER_SIDE + ": draw fewer images or a smaller scale");
        }
        return s;
    }

    private static void check(PointSet images, ImageShape shape) {
        Objects.requireNonNull(images, "images");
        if (images.n() < 1) {
            throw new IllegalArgumentException("an image grid needs at least one image, got 0");
        }
        if (images.d() != shape.size()) {
            throw new IllegalArgumentException("images have " + images.d() + " values each, but sample shape "
                    + shape + " needs " + shape.size());
        }
    }

    private static int positive(int n) {
        if (n < 1) {
            throw new IllegalArgumentException("an image grid needs at least one image, got " + n);
        }
        return n;
    }

    /** Builds an {@link ImageGrid}; every setting is optional. */
    public static final class Builder {

        private int columns = 8;
        private int scale = 2;
        private int padding = 2;
        private Color paddingColor = DEFAULT_PADDING_COLOR;
        private Color nonFiniteColor = DEFAULT_NON_FINITE_COLOR;

        private Builder() {}

        /**
         * Sets the images per grid row (default 8); fewer images give a single shorter row.
         *
         * @param columns at least 1
         * @return this builder
         */
        public Builder optColumns(int columns) {
            this.columns = inRange(columns, 1, 4096, "grid columns");
            return this;
        }

        /**
         * Sets the upscaling factor (default 2): each pixel becomes a {@code scale x scale} block.
         *
         * @param scale in [1, 64]
         * @return this builder
         */
        public Builder optScale(int scale) {
            this.scale = inRange(scale, 1, 64, "grid scale");
            return this;
        }

        /**
         * Sets the pixels between images and around the border (default 2).
         *
         * @param padding in [0, 64]
         * @return this builder
         */
        public Builder optPadding(int padding) {
            this.padding = inRange(padding, 0, 64, "grid padding");
            return this;
        }

        /**
         * Sets the colour between images (default {@link #DEFAULT_PADDING_COLOR}); alpha is ignored.
         *
         * @param color the colour
         * @return this builder
         */
        public Builder optPaddingColor(Color color) {
            this.paddingColor = Objects.requireNonNull(color, "padding color");
            return this;
        }

        /**
         * Sets the colour of pixels with a NaN or infinite value (default
         * {@link #DEFAULT_NON_FINITE_COLOR}); alpha is ignored.
         *
         * @param color the colour
         * @return this builder
         */
        public Builder optNonFiniteColor(Color color) {
            this.nonFiniteColor = Objects.requireNonNull(color, "non-finite color");
            return this;
        }

        /**
         * Builds the grid.
         *
         * @return the grid
         */
        public ImageGrid build() {
            return new ImageGrid(this);
        }

        private static int inRange(int v, int min, int max, String what) {
            if (v < min || v > max) {
                throw new IllegalArgumentException(what + " must be in [" + min + ", " + max + "], got " + v);
            }
            return v;
        }
    }
}
