package dev.reflowkit.data;

import dev.reflowkit.io.DataFormatException;
import dev.reflowkit.io.Npy;
import dev.reflowkit.io.NpyRawArray;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Objects;

/**
 * Reader of images stored as a NumPy {@code .npy} array, with optional labels in a second
 * {@code .npy} file.
 *
 * <p>Images: shape {@code (N, H, W)} (grayscale) or {@code (N, C, H, W)} with {@code C} 1 or 3,
 * C order, {@code N, H, W >= 1}. dtype {@code uint8} values {@code v} become {@code v / 127.5 - 1};
 * {@code float32} (or {@code float64}) values are taken as already in {@code [-1, 1]}: every value
 * must be finite and within {@code [-1.001, 1.001]}, and is then clamped to {@code [-1, 1]}. Other
 * dtypes are rejected.
 *
 * <p>Labels: if a file {@code STEM.labels.npy} exists next to {@code STEM.npy} (e.g.
 * {@code digits.labels.npy} for {@code digits.npy}), it must be a 1-D integer array ({@code int8}
 * to {@code int64}, signed or not) of length {@code N} with values {@code >= 0}; the class count
 * is {@code max(label) + 1}. Without it the images are unlabelled.
 *
 * <pre>{@code
 * // numpy: np.save("digits.npy", x.astype(np.uint8)); np.save("digits.labels.npy", y)
 * ImageSet set = ImageNpy.read(Path.of("digits.npy"));
 * }</pre>
 */
public final class ImageNpy {

    /** The largest accepted magnitude of a float pixel. */
    public static final double FLOAT_LIMIT = 1.001;

    private ImageNpy() {}

    /**
     * The labels file that belongs to an image file.
     *
     * @param images e.g. {@code data/digits.npy}
     * @return e.g. {@code data/digits.labels.npy}
     */
    public static Path labelsFile(Path images) {
        String name = images.getFileName().toString();
        String stem = name.toLowerCase(java.util.Locale.ROOT).endsWith(".npy")
                ? name.substring(0, name.length() - 4) : name;
        return images.resolveSibling(stem + ".labels.npy");
    }

    /**
     * Reads images and, if {@link #labelsFile} exists, their labels.
     *
     * @param file the image array
     * @return the images at native size and channels
     * @throws DataFormatException if a file has the wrong shape, dtype or values
     * @throws IOException if a file cannot be read
     */
    public static ImageSet read(Path file) throws IOException {
        Objects.requireNonNull(file, "file");
        ImageSet images = readImages(file);
        Path labelsFile = labelsFile(file);
        if (!Files.exists(labelsFile)) {
            return images;
        }
        int[] labels = readLabels(labelsFile, images.n());
        int classes = Arrays.stream(labels).max().orElse(0) + 1;
        return new ImageSet(images.pixels(), images.channels(), images.height(), images.width(), labels, classes);
    }

    /**
     * Reads an image array.
     *
     * @param file the {@code .npy} file
     * @return the unlabelled images at native size and channels
     * @throws DataFormatException if the shape, dtype or values are not acceptable
     * @throws IOException if the file cannot be read
     */
    public static ImageSet readImages(Path file) throws IOException {
        NpyRawArray a = Npy.readRaw(file);
        long[] s = a.shape();
        if (s.length != 3 && s.length != 4) {
            throw new DataFormatException(file, "image array has shape " + Arrays.toString(s)
                    + "; expected (N, H, W) or (N, C, H, W)");
        }
        int n = (int) s[0];
        int c = s.length == 4 ? (int) s[1] : 1;
        int h = (int) s[s.length - 2];
        int w = (int) s[s.length - 1];
        if (s.length == 4 && c != 1 && c != 3) {
            throw new DataFormatException(file, "image array has " + s[1] + " channels (shape " + Arrays.toString(s)
                    + "); expected 1 (grayscale) or 3 (RGB) in (N, C, H, W) order");
        }
        if (n < 1 || h < 1 || w < 1) {
            throw new DataFormatException(file, "image array of shape " + Arrays.toString(s) + " holds no pixels");
        }
        float[] px;
        switch (a.dtype()) {
            case "u1" -> {
                byte[] raw = a.bytes();
                px = new float[raw.length];
                for (int i = 0; i < raw.length; i++) {
                    px[i] = IdxFiles.scale8(raw[i]);
                }
            }
            case "f4", "f8" -> {
                px = a.toFloat32();
                checkRange(file, px, c * h * w);
            }
            default -> throw new DataFormatException(file, "image array has dtype " + a.dtype()
                    + "; expected uint8 (0..255) or float32 (already in [-1, 1])");
        }
        return new ImageSet(new PointSet(n, c * h * w, px), c, h, w, null, 0);
    }

    /**
     * Reads a label array.
     *
     * @param file the {@code .npy} file
     * @param count the expected number of labels
     * @return the labels
     * @throws DataFormatException if the array is not 1-D integers of length {@code count} with
     *     values in {@code [0, 2^31 - 1)}
     * @throws IOException if the file cannot be read
     */
    public static int[] readLabels(Path file, int count) throws IOException {
        NpyRawArray a = Npy.readRaw(file);
        if (a.rank() != 1) {
            throw new DataFormatException(file, "label array has shape " + Arrays.toString(a.shape())
                    + "; expected a 1-D array (N,)");
        }
        if (!a.isInteger()) {
            throw new DataFormatException(file, "label array has dtype " + a.dtype() + "; expected integers");
        }
        if (a.count() != count) {
            throw new DataFormatException(file, "has " + a.count() + " labels but the image array has " + count
                    + " images");
        }
        int[] labels = new int[count];
        boolean unsigned64 = a.dtype().equals("u8");
        for (int i = 0; i < count; i++) {
            long v = a.longAt(i);
            if (v < 0 || v >= Integer.MAX_VALUE || (unsigned64 && v < 0)) {
                throw new DataFormatException(file, "label " + (unsigned64 ? Long.toUnsignedString(v) : v)
                        + " of image " + i + " is not a class id (must be >= 0)");
            }
            labels[i] = (int) v;
        }
        return labels;
    }

    private static void checkRange(Path file, float[] px, int d) throws DataFormatException {
        for (int i = 0; i < px.length; i++) {
            float v = px[i];
            if (!Float.isFinite(v) || Math.abs(v) > FLOAT_LIMIT) {
                throw new DataFormatException(file, "float pixel " + v + " (image " + i / d + ", value " + i % d
                        + ") is " + (Float.isFinite(v) ? "outside [-1, 1]" : "not finite")
                        + "; float images must already be scaled to [-1, 1] (save uint8 to have them scaled)");
            }
            px[i] = Math.max(-1f, Math.min(1f, v));
        }
    }
}
