package dev.reflowkit.io;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Arrays;
import java.util.Map;
import java.util.TreeSet;

/**
 * A dense numeric array as stored in a {@code .npy} file, its values kept as raw little-endian
 * bytes in C (row-major) order, as read by {@link Npy#readRaw}.
 *
 * <p>The dtype is given canonically: {@code u1 i1 u2 i2 u4 i4 u8 i8 f4 f8} (kind letter and item
 * size in bytes, byte order dropped since it is always little-endian).
 *
 * @param dtype the canonical dtype, e.g. {@code "u1"} for uint8 or {@code "f4"} for float32
 * @param shape the dimensions (copied)
 * @param bytes the values, {@code itemSize} bytes each, little-endian; not copied
 */
public record NpyRawArray(String dtype, long[] shape, byte[] bytes) {

    /** The accepted dtypes in words, for error messages. */
    static final String SUPPORTED_TEXT = "uint8/int8 '|u1' '|i1', '<u2' '<i2' '<u4' '<i4' '<u8' '<i8',"
            + " '<f4' float32, '<f8' float64, little-endian";

    private static final Map<String, Integer> SIZES = Map.of(
            "u1", 1, "i1", 1, "u2", 2, "i2", 2, "u4", 4, "i4", 4, "u8", 8, "i8", 8, "f4", 4, "f8", 8);

    /**
     * Checks the dtype and that the bytes match the shape; copies the shape.
     *
     * @throws IllegalArgumentException if the dtype is unknown or the byte count is wrong
     */
    public NpyRawArray {
        if (dtype == null || shape == null || bytes == null) {
            throw new IllegalArgumentException("dtype, shape and bytes must not be null");
        }
        Integer size = SIZES.get(dtype);
        if (size == null) {
            throw new IllegalArgumentException("unknown canonical dtype '" + dtype + "' (expected one of "
                    + new TreeSet<>(SIZES.keySet()) + ")");
        }
        shape = shape.clone();
        long count = NpyArray.elementCount(shape);
        if (count * size != bytes.length) {
            throw new IllegalArgumentException("shape " + Arrays.toString(shape) + " of dtype " + dtype
                    + " needs " + count * size + " bytes but got " + bytes.length);
        }
    }

    /**
     * The item size of a {@code .npy} dtype string if it is one that {@link Npy#readRaw} accepts.
     *
     * @param descr a dtype string from a header, e.g. {@code "|u1"} or {@code "<i8"}
     * @return the item size in bytes, or null if the dtype is not accepted
     */
    static Integer itemSizeOf(String descr) {
        String c = canonicalOrNull(descr);
        return c == null ? null : SIZES.get(c);
    }

    /**
     * The canonical form of an accepted dtype string.
     *
     * @param descr e.g. {@code "<i8"}
     * @return e.g. {@code "i8"}
     * @throws IllegalArgumentException if the dtype is not accepted
     */
    static String canonical(String descr) {
        String c = canonicalOrNull(descr);
        if (c == null) {
            throw new IllegalArgumentException("unsupported dtype '" + descr + "'");
        }
        return c;
    }

    private static String canonicalOrNull(String descr) {
        if (descr.length() != 3) {
            return null;
        }
        char order = descr.charAt(0);
        String c = descr.substring(1);
        Integer size = SIZES.get(c);
        if (size == null) {
            return null;
        }
        boolean ok = order == '<' || order == '=' || (size == 1 && order == '|');
        return ok ? c : null;
    }

    /**
     * The shape (a copy).
     *
     * @return the dimensions
     */
    @Override
    public long[] shape() {
        return shape.clone();
    }

    /**
     * The number of dimensions.
     *
     * @return the rank
     */
    public int rank() {
        return shape.length;
    }

    /**
     * The number of values.
     *
     * @return the product of the dimensions
     */
    public int count() {
        return bytes.length / itemSize();
    }

    /**
     * The size of one value.
     *
     * @return bytes per value: 1, 2, 4 or 8
     */
    public int itemSize() {
        return SIZES.get(dtype);
    }

    /**
     * Whether the values are integers (signed or unsigned).
     *
     * @return true for {@code u*} and {@code i*} dtypes
     */
    public boolean isInteger() {
        return dtype.charAt(0) != 'f';
    }

    /**
     * Value {@code i} as a long; only for integer dtypes. Unsigned 64-bit values above
     * {@link Long#MAX_VALUE} come out negative.
     *
     * @param i the flat index
     * @return the value
     * @throws IllegalStateException for a float dtype
     */
    public long longAt(int i) {
        ByteBuffer b = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
        int at = i * itemSize();
        return switch (dtype) {
            case "u1" -> bytes[i] & 0xffL;
            case "i1" -> bytes[i];
            case "u2" -> b.getShort(at) & 0xffffL;
            case "i2" -> b.getShort(at);
            case "u4" -> b.getInt(at) & 0xffffffffL;
            case "i4" -> b.getInt(at);
            case "u8", "i8" -> b.getLong(at);
            default -> throw new IllegalStateException("dtype " + dtype + " is not an integer type");
        };
    }

    /**
     * Value {@code i} as a double (integers converted exactly up to 2^53).
     *
     * @param i the flat index
     * @return the value
     */
    public double doubleAt(int i) {
        return switch (dtype) {
            case "f4" -> ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN).getFloat(i * 4);
            case "f8" -> ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN).getDouble(i * 8);
            default -> longAt(i);
        };
    }

    /**
     * All values converted to float32 (rounded to nearest for {@code f8} and large integers).
     *
     * @return a new array of {@link #count()} values in C order
     */
    public float[] toFloat32() {
        int n = count();
        float[] out = new float[n];
        ByteBuffer b = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
        switch (dtype) {
            case "f4" -> b.asFloatBuffer().get(out);
            case "u1" -> {
                for (int i = 0; i < n; i++) {
                    out[i] = bytes[i] & 0xff;
                }
            }
            case "f8" -> {
                for (int i = 0; i < n; i++) {
                    out[i] = (float) b.getDouble(8 * i);
                }
            }
            default -> {
                for (int i = 0; i < n; i++) {
                    out[i] = (float) doubleAt(i);
                }
            }
        }
        return out;
    }

    /** Equal when dtypes, shapes and bytes are equal. */
    @Override
    public boolean equals(Object o) {
        return o instanceof NpyRawArray other && dtype.equals(other.dtype)
                && Arrays.equals(shape, other.shape) && Arrays.equals(bytes, other.bytes);
    }

    @Override
    public int hashCode() {
        return 31 * (31 * dtype.hashCode() + Arrays.hashCode(shape)) + Arrays.hashCode(bytes);
    }

    @Override
    public String toString() {
        return "NpyRawArray[dtype=" + dtype + ", shape=" + Arrays.toString(shape) + "]";
    }
}
