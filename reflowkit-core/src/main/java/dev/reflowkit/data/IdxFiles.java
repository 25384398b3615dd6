package dev.reflowkit.data;

import dev.reflowkit.data.archive.Compression;
import dev.reflowkit.io.DataFormatException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Objects;

/**
 * Reader of IDX files, the format of MNIST and Fashion-MNIST: images ({@code u8}, shape
 * {@code (N, H, W)}) and labels ({@code u8}, shape {@code (N)}), raw or compressed (gzip, xz
 * or zstd).
 *
 * <p>Layout (big-endian): a 4-byte magic {@code 0x00 0x00 TYPE RANK} with type {@code 0x08}
 * (unsigned byte), then {@code RANK} int32 dimensions, then the values in row-major order. Image
 * files have magic {@code 0x00000803} ({@code N, H, W}), label files {@code 0x00000801}
 * ({@code N}). Compression is recognised by its magic bytes, whatever the file name (see
 * {@link Compression}). Pixels {@code v} become {@code v / 127.5 - 1}.
 *
 * <p>Every problem is a {@link DataFormatException} naming the file: a bad magic (with a hint if
 * it is the other kind of IDX file), zero or oversized dimensions, truncated data, trailing bytes,
 * corrupt compressed data, and (for {@link #read}) a label count differing from the image count.
 *
 * <pre>{@code
 * ImageSet train = IdxFiles.read(dir.resolve("train-images-idx3-ubyte.gz"),
 *         dir.resolve("train-labels-idx1-ubyte.gz"), 10);
 * }</pre>
 */
public final class IdxFiles {

    /** The magic of an IDX image file: unsigned bytes, 3 dimensions. */
    public static final int IMAGES_MAGIC = 0x00000803;
    /** The magic of an IDX label file: unsigned bytes, 1 dimension. */
    public static final int LABELS_MAGIC = 0x00000801;

    private static final float[] SCALE = new float[256];

    static {
        for (int v = 0; v < 256; v++) {
            SCALE[v] = (float) (v / 127.5 - 1.0);
        }
    }

    private IdxFiles() {}

    /**
     * The value an 8-bit pixel becomes.
     *
     * @param v the 8-bit value, 0..255
     * @return {@code v / 127.5 - 1}, in {@code [-1, 1]}
     */
    public static float scale8(int v) {
        return SCALE[v & 0xff];
    }

    /**
     * Reads an image file and a label file of the same length.
     *
     * @param images the image file (magic {@code 0x00000803})
     * @param labels the label file (magic {@code 0x00000801})
     * @param classes the number of classes, or 0 to take {@code max(label) + 1}
     * @return the labelled images, 1 channel, native size
     * @throws DataFormatException if a file is malformed, the counts differ or a label is
     *     {@code >= classes}
     * @throws IOException if a file cannot be read
     */
    public static ImageSet read(Path images, Path labels, int classes) throws IOException {
        ImageSet img = readImages(images);
        int[] lab = readLabels(labels);
        if (lab.length != img.n()) {
            throw new DataFormatException(labels, "has " + lab.length + " labels but the image file " + images
                    + " has " + img.n() + " images");
        }
        int max = 0;
        for (int i = 0; i < lab.length; i++) {
            if (classes > 0 && lab[i] >= classes) {
                throw new DataFormatException(labels, "label " + lab[i] + " of image " + i + " is not below the "
                        + classes + " classes of this data set");
            }
            max = Math.max(max, lab[i]);
        }
        return new ImageSet(img.pixels(), 1, img.height(), img.width(), lab, classes > 0 ? classes : max + 1);
    }

    /**
     * Reads an IDX image file.
     *
     * @param file raw or compressed (gzip, xz, zstd), magic {@code 0x00000803}
     * @return the unlabelled images, 1 channel, native size, values in {@code [-1, 1]}
     * @throws DataFormatException if the file is malformed
     * @throws IOException if it cannot be read
     */
    public static ImageSet readImages(Path file) throws IOException {
        Objects.requireNonNull(file, "file");
        try (InputStream in = Compression.open(file)) {
            int[] dims = header(file, in, IMAGES_MAGIC, "image", "(N, H, W)");
            int n = dims[0];
            int h = dims[1];
            int w = dims[2];
            long d = (long) h * w;
            if (n * d > Integer.MAX_VALUE - 8) {
                throw new DataFormatException(file, n + " images of " + h + "x" + w + " are too many to hold in memory");
            }
            byte[] raw = body(file, in, n * d, n + " images of " + h + "x" + w);
            float[] px = new float[raw.length];
            for (int i = 0; i < raw.length; i++) {
                px[i] = SCALE[raw[i] & 0xff];
            }
            return new ImageSet(new PointSet(n, (int) d, px), 1, h, w, null, 0);
        }
    }

    /**
     * Reads an IDX label file.
     *
     * @param file raw or compressed (gzip, xz, zstd), magic {@code 0x00000801}
     * @return the labels, 0..255 each
     * @throws DataFormatException if the file is malformed
     * @throws IOException if it cannot be read
     */
    public static int[] readLabels(Path file) throws IOException {
        Objects.requireNonNull(file, "file");
        try (InputStream in = Compression.open(file)) {
            int n = header(file, in, LABELS_MAGIC, "label", "(N)")[0];
            byte[] raw = body(file, in, n, n + " labels");
            int[] labels = new int[n];
            for (int i = 0; i < n; i++) {
                labels[i] = raw[i] & 0xff;
            }
            return labels;
        }
    }

    /**
     * Finds an IDX file in a directory, raw or with a {@code .gz} suffix.
     *
     * @param dir the directory
     * @param name the base name, e.g. {@code "train-images-idx3-ubyte"}
     * @return {@code dir/name} if it exists, else {@code dir/name.gz} if that exists, else null
     */
    public static Path find(Path dir, String name) {
        Path raw = dir.resolve(name);
        if (Files.isRegularFile(raw)) {
            return raw;
        }
        Path gz = dir.resolve(name + ".gz");
        return Files.isRegularFile(gz) ? gz : null;
    }

    private static int[] header(Path file, InputStream in, int magic, String kind, String shape) throws IOException {
        byte[] m = readHead(file, in, 4, "the 4-byte magic");
        int found = be32(m, 0);
        if (found != magic) {
            String hint = "";
            if (found == IMAGES_MAGIC) {
                hint = " (this is an IDX image file)";
            } else if (found == LABELS_MAGIC) {
                hint = " (this is an IDX label file)";
            } else if ((found >>> 16) == 0 && (found & 0xff00) != 0x0800) {
                hint = " (an IDX file of another value type; only unsigned bytes are supported)";
            }
            throw new DataFormatException(file, String.format(
                    "not an IDX %s file: magic 0x%08x, expected 0x%08x (unsigned bytes, shape %s)%s",
                    kind, found, magic, shape, hint));
        }
        int rank = magic & 0xff;
        byte[] dimBytes = readHead(file, in, 4 * rank, "the " + rank + " dimensions");
        int[] dims = new int[rank];
        for (int i = 0; i < rank; i++) {
            dims[i] = be32(dimBytes, 4 * i);
            if (dims[i] <= 0) {
                throw new DataFormatException(file, "dimension " + i + " of the IDX " + kind + " file is "
                        + Integer.toUnsignedString(dims[i]) + " (must be between 1 and " + Integer.MAX_VALUE + ")");
            }
        }
        return dims;
    }

    private static byte[] readHead(Path file, InputStream in, int n, String what) throws IOException {
        byte[] b = in.readNBytes(n);
        if (b.length < n) {
            throw new DataFormatException(file, "truncated IDX header: the file ends inside " + what
                    + (b.length == 0 && what.contains("magic") ? " (empty file)" : ""));
        }
        return b;
    }

    private static byte[] body(Path file, InputStream in, long expected, String what) throws IOException {
        byte[] data = in.readNBytes((int) expected);
        if (data.length < expected) {
            throw new DataFormatException(file, "truncated IDX data: " + what + " need " + expected
                    + " bytes, found " + data.length);
        }
        byte[] extra = in.readNBytes(1 << 12);
        if (extra.length > 0) {
            long more = extra.length;
            byte[] sink = new byte[1 << 16];
            for (int k = in.readNBytes(sink, 0, sink.length); k > 0; k = in.readNBytes(sink, 0, sink.length)) {
                more += k;
            }
            throw new DataFormatException(file, "trailing bytes: " + more + " bytes after the " + expected
                    + " data bytes of " + what);
        }
        return data;
    }

    private static int be32(byte[] b, int off) {
        return ((b[off] & 0xff) << 24) | ((b[off + 1] & 0xff) << 16) | ((b[off + 2] & 0xff) << 8) | (b[off + 3] & 0xff);
    }
}
