package dev.reflowkit.io;

import dev.reflowkit.data.PointSet;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Arrays;
import java.util.Map;
import java.util.Objects;

/**
 * Reader and writer of NumPy {@code .npy} files (format versions 1.0, 2.0 and 3.0, see
 * <a href="https://numpy.org/doc/stable/reference/generated/numpy.lib.format.html">numpy.lib.format</a>).
 *
 * <p>Layout: the magic {@code \x93NUMPY}, a major and a minor version byte, the header length
 * (uint16 little-endian in version 1.0, uint32 in 2.0 and 3.0), the header (a Python dict literal
 * {@code {'descr': '<f4', 'fortran_order': False, 'shape': (3, 2), }}, Latin-1 in 1.0/2.0 and
 * UTF-8 in 3.0, space-padded and ended by {@code '\n'} so that the data starts at a multiple of 64
 * bytes), then the raw values.
 *
 * <p>{@link #read(Path)} accepts little-endian float32 ({@code '<f4'}) and float64 ({@code '<f8'},
 * rounded to float32) in C order, any shape (also 0-d and empty arrays); {@link #readRaw(Path)}
 * also accepts the integer dtypes and returns the bytes unconverted ({@link NpyRawArray}).
 * Anything else, and any structural defect (bad magic, unsupported version, unparsable header,
 * Fortran order, truncated data, trailing bytes), is a {@link DataFormatException} whose one-line
 * message names the file and the problem. NaN and infinities are returned as they are.
 *
 * <p>Writing produces version 1.0 (2.0 only if the header would exceed 65535 bytes) float32 files
 * byte-identical to {@code numpy.save} of a C-contiguous float32 array (numpy 1.x/2.x, including
 * its spare header space for growing the first axis), written atomically via {@link AtomicFiles}.
 *
 * <pre>{@code
 * Npy.write(path, new float[] {1, 2, 3, 4, 5, 6}, new long[] {3, 2});
 * NpyArray a = Npy.read(path);   // a.shape() = [3, 2]
 * }</pre>
 */
public final class Npy {

    private static final byte[] MAGIC = {(byte) 0x93, 'N', 'U', 'M', 'P', 'Y'};
    private static final int ALIGN = 64;
    /** numpy leaves room in the header for a first dimension of up to this many digits. */
    private static final int GROWTH_AXIS_MAX_DIGITS = 21;
    private static final int MAX_HEADER_BYTES = 1 << 20;
    private static final int MAX_ELEMENTS = Integer.MAX_VALUE - 8;
    private static final int CHUNK_BYTES = 1 << 16;
    private static final Map<String, Integer> FLOAT_DTYPES = java.util.Map.of("<f4", 4, "<f8", 8);

    private Npy() {}

    /**
     * Reads a {@code .npy} file as float32.
     *
     * @param file the file
     * @return the array
     * @throws DataFormatException if the file is not a supported {@code .npy} file
     * @throws IOException if it cannot be read
     */
    public static NpyArray read(Path file) throws IOException {
        Objects.requireNonNull(file, "file");
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
            Layout layout = readLayout(file, ch, FLOAT_DTYPES, "'<f4' float32, '<f8' float64, little-endian");
            float[] data = readData(ch, (int) layout.count(), layout.itemSize());
            return new NpyArray(layout.header().shape(), data);
        }
    }

    /**
     * Where the data of a float32 {@code .npy} file lie, for reading parts of it without loading
     * it: the header is read and checked as by {@link #read(Path)}, the data not.
     *
     * @param file the file
     * @return its shape and the byte offset of its first value
     * @throws DataFormatException if the file is not a float32 ({@code '<f4'}) {@code .npy} file
     *     whose size matches its shape
     * @throws IOException if it cannot be read
     */
    public static Float32Layout float32Layout(Path file) throws IOException {
        Objects.requireNonNull(file, "file");
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
            Layout layout = readLayout(file, ch, Map.of("<f4", 4), "'<f4' float32, little-endian");
            return new Float32Layout(layout.header().shape(), ch.position());
        }
    }

    /**
     * The layout of a float32 {@code .npy} file.
     *
     * @param shape its shape
     * @param dataOffset the byte offset of its first value (values follow, little-endian, C order)
     */
    public record Float32Layout(long[] shape, long dataOffset) {}

    /**
     * Reads a {@code .npy} file of a plain numeric dtype without converting its values.
     *
     * <p>Accepted dtypes (little-endian or byte-order free, C order): {@code |u1 |i1 <u2 <i2 <u4
     * <i4 <u8 <i8 <f4 <f8} (also written with {@code <} or {@code =} for the one-byte types, or
     * with {@code =} for any). Structural checks and messages are those of {@link #read(Path)}.
     *
     * @param file the file
     * @return the array with its dtype, shape and raw little-endian bytes
     * @throws DataFormatException if the file is not a supported {@code .npy} file
     * @throws IOException if it cannot be read
     */
    public static NpyRawArray readRaw(Path file) throws IOException {
        Objects.requireNonNull(file, "file");
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
            Layout layout = readLayout(file, ch, null, NpyRawArray.SUPPORTED_TEXT);
            long bytes = layout.count() * layout.itemSize();
            if (bytes > MAX_ELEMENTS) {
                throw new DataFormatException(file, "array of shape " + shapeText(layout.header().shape())
                        + " is too large (at most " + MAX_ELEMENTS + " bytes)");
            }
            ByteBuffer buf = ByteBuffer.allocate((int) bytes);
            if (readFully(ch, buf) < bytes) {
                throw new IOException("file shrank while reading");
            }
            return new NpyRawArray(NpyRawArray.canonical(layout.header().descr()), layout.header().shape(),
                    buf.array());
        }
    }

    /** The parsed header of an open file, positioned at the data, and the data's size. */
    private record Layout(NpyHeader header, int itemSize, long count) {}

    /**
     * Reads and checks everything before the data.
     *
     * @param accepted the accepted dtype strings with their item sizes, or null for the dtypes of
     *     {@link NpyRawArray}
     * @param supported the accepted dtypes in words, for the error message
     */
    private static Layout readLayout(Path file, FileChannel ch, Map<String, Integer> accepted,
            String supported) throws IOException {
        long size = ch.size();
        ByteBuffer start = ByteBuffer.allocate(8);
        int got = readFully(ch, start);
        checkMagic(file, start.array(), got);
        if (got < 8) {
            throw new DataFormatException(file, "truncated header (file is only " + size + " bytes)");
        }
        int major = start.get(6) & 0xff;
        int minor = start.get(7) & 0xff;
        if (minor != 0 || major < 1 || major > 3) {
            throw new DataFormatException(file, "unsupported .npy format version " + major + "." + minor
                    + " (supported: 1.0, 2.0, 3.0)");
        }
        int lengthBytes = major == 1 ? 2 : 4;
        ByteBuffer lenBuf = ByteBuffer.allocate(lengthBytes).order(ByteOrder.LITTLE_ENDIAN);
        if (readFully(ch, lenBuf) < lengthBytes) {
            throw new DataFormatException(file, "truncated header (file is only " + size + " bytes)");
        }
        long headerLength = major == 1 ? (lenBuf.getShort(0) & 0xffff) : (lenBuf.getInt(0) & 0xffffffffL);
        long prefix = 8L + lengthBytes;
        if (headerLength > MAX_HEADER_BYTES) {
            throw new DataFormatException(file, "header length " + headerLength + " is implausibly large");
        }
        if (prefix + headerLength > size) {
            throw new DataFormatException(file, "truncated header: expected " + headerLength
                    + " header bytes, found " + (size - prefix));
        }
        ByteBuffer headerBuf = ByteBuffer.allocate((int) headerLength);
        readFully(ch, headerBuf);
        String text = new String(headerBuf.array(),
                major == 3 ? StandardCharsets.UTF_8 : StandardCharsets.ISO_8859_1);
        NpyHeader header = parseHeader(file, text);
        int itemSize = itemSize(file, header, accepted, supported);
        if (header.fortranOrder()) {
            throw new DataFormatException(file, "fortran_order is True: column-major arrays are not"
                    + " supported (save a C-ordered array, e.g. numpy.ascontiguousarray(a))");
        }
        long count;
        try {
            count = NpyArray.elementCount(header.shape());
        } catch (IllegalArgumentException e) {
            count = Long.MAX_VALUE;
        }
        if (count > MAX_ELEMENTS) {
            throw new DataFormatException(file, "array of shape " + shapeText(header.shape())
                    + " is too large (at most " + MAX_ELEMENTS + " values)");
        }
        long expected = count * itemSize;
        long actual = size - prefix - headerLength;
        if (actual < expected) {
            throw new DataFormatException(file, "truncated data: expected " + expected + " bytes for shape "
                    + shapeText(header.shape()) + " of '" + header.descr() + "', found " + actual);
        }
        if (actual > expected) {
            throw new DataFormatException(file, "trailing garbage: " + (actual - expected)
                    + " bytes after the " + expected + " data bytes of shape " + shapeText(header.shape()));
        }
        return new Layout(header, itemSize, count);
    }

    /**
     * Writes a float32 array of any shape, atomically.
     *
     * @param file the target file (parent directories are created)
     * @param data the values in C (row-major) order
     * @param shape the dimensions; their product must equal {@code data.length}
     * @throws IOException if writing fails
     * @throws IllegalArgumentException if the shape does not match the data
     */
    public static void write(Path file, float[] data, long[] shape) throws IOException {
        Objects.requireNonNull(file, "file");
        NpyArray array = new NpyArray(shape, data); // validates
        byte[] header = headerBytes(array.shape());
        AtomicFiles.write(file, out -> {
            out.write(header);
            writeData(out, data);
        });
    }

    /**
     * Writes an array, atomically.
     *
     * @param file the target file
     * @param array the array
     * @throws IOException if writing fails
     */
    public static void write(Path file, NpyArray array) throws IOException {
        write(file, array.data(), array.shape());
    }

    /**
     * Writes a point set as a float32 array of shape {@code [n, d]}, atomically.
     *
     * @param file the target file
     * @param points the points
     * @throws IOException if writing fails
     */
    public static void write(Path file, PointSet points) throws IOException {
        write(file, points.data(), new long[] {points.n(), points.d()});
    }

    /**
     * The complete header (magic, version, length, padded dictionary) that {@code numpy.save}
     * writes for a C-ordered float32 array of this shape.
     *
     * @param shape the dimensions
     * @return the header bytes; their length is a multiple of 64
     */
    static byte[] headerBytes(long[] shape) {
        StringBuilder dict = new StringBuilder(NpyHeader.formatFloat32(shape));
        if (shape.length > 0) {
            dict.append(" ".repeat(Math.max(0, GROWTH_AXIS_MAX_DIGITS - Long.toString(shape[0]).length())));
        }
        int major = 1;
        int prefix = 10;
        int pad = ALIGN - (prefix + dict.length() + 1) % ALIGN;
        if (dict.length() + pad + 1 > 0xffff) { // header length must fit in a uint16 for 1.0
            major = 2;
            prefix = 12;
            pad = ALIGN - (prefix + dict.length() + 1) % ALIGN;
        }
        dict.append(" ".repeat(pad)).append('\n');
        byte[] text = dict.toString().getBytes(StandardCharsets.ISO_8859_1);
        ByteBuffer buf = ByteBuffer.allocate(prefix + text.length).order(ByteOrder.LITTLE_ENDIAN);
        buf.put(MAGIC).put((byte) major).put((byte) 0);
        if (major == 1) {
            buf.putShort((short) text.length);
        } else {
            buf.putInt(text.length);
        }
        return buf.put(text).array();
    }

    private static void checkMagic(Path file, byte[] start, int got) throws DataFormatException {
        int n = Math.min(got, MAGIC.length);
        if (n < MAGIC.length || !Arrays.equals(start, 0, MAGIC.length, MAGIC, 0, MAGIC.length)) {
            throw new DataFormatException(file, "not a .npy file: bad magic (expected \\x93NUMPY, found "
                    + (got == 0 ? "an empty file" : escape(start, Math.min(got, 8))) + ")");
        }
    }

    private static NpyHeader parseHeader(Path file, String text) throws DataFormatException {
        try {
            return NpyHeader.parse(text);
        } catch (IllegalArgumentException e) {
            String shown = text.strip();
            if (shown.length() > 100) {
                shown = shown.substring(0, 100) + "...";
            }
            throw new DataFormatException(file, "unparsable header: " + e.getMessage() + " in "
                    + shown.replace("\n", "\\n"));
        }
    }

    private static int itemSize(Path file, NpyHeader header, Map<String, Integer> accepted,
            String supported) throws DataFormatException {
        if (header.descrIsString()) {
            Integer size = accepted != null ? accepted.get(header.descr())
                    : NpyRawArray.itemSizeOf(header.descr());
            if (size != null) {
                return size;
            }
        }
        String kind = header.descrIsString() ? "'" + header.descr() + "'" : header.descr() + " (structured)";
        throw new DataFormatException(file, "unsupported dtype " + kind + " (supported: " + supported + ")");
    }

    private static float[] readData(FileChannel ch, int count, int itemSize) throws IOException {
        float[] data = new float[count];
        ByteBuffer buf = ByteBuffer.allocate(CHUNK_BYTES).order(ByteOrder.LITTLE_ENDIAN);
        int done = 0;
        while (done < count) {
            int n = Math.min(count - done, CHUNK_BYTES / itemSize);
            buf.clear().limit(n * itemSize);
            if (readFully(ch, buf) < n * itemSize) {
                throw new IOException("file shrank while reading");
            }
            buf.flip();
            if (itemSize == 4) {
                buf.asFloatBuffer().get(data, done, n);
            } else {
                for (int i = 0; i < n; i++) {
                    data[done + i] = (float) buf.getDouble(i * 8);
                }
            }
            done += n;
        }
        return data;
    }

    private static void writeData(OutputStream out, float[] data) throws IOException {
        ByteBuffer buf = ByteBuffer.allocate(CHUNK_BYTES).order(ByteOrder.LITTLE_ENDIAN);
        int done = 0;
        while (done < data.length) {
            int n = Math.min(data.length - done, CHUNK_BYTES / 4);
            buf.clear();
            buf.asFloatBuffer().put(data, done, n);
            out.write(buf.array(), 0, n * 4);
            done += n;
        }
    }

    /** Reads until the buffer is full or the channel ends; returns the bytes read. */
    private static int readFully(FileChannel ch, ByteBuffer buf) throws IOException {
        int total = 0;
        while (buf.hasRemaining()) {
            int n = ch.read(buf);
            if (n < 0) {
                break;
            }
            total += n;
        }
        return total;
    }

    private static String shapeText(long[] shape) {
        StringBuilder sb = new StringBuilder("(");
        for (int i = 0; i < shape.length; i++) {
            sb.append(i > 0 ? ", " : "").append(shape[i]);
        }
        return sb.append(shape.length == 1 ? ",)" : ")").toString();
    }

    private static String escape(byte[] bytes, int n) {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < n; i++) {
            int b = bytes[i] & 0xff;
            if (b >= 0x20 && b < 0x7f && b != '\\') {
                sb.append((char) b);
            } else {
                sb.append(String.format("\\x%02x", b));
            }
        }
        return sb.toString();
    }
}
