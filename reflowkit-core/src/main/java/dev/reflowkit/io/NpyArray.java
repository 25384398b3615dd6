package dev.reflowkit.io;

import java.util.Arrays;

/**
 * A dense float32 array of any shape as read from or written to a {@code .npy} file, in C
 * (row-major) order.
 *
 * @param shape the dimensions (empty for a scalar); every entry is {@code >= 0}
 * @param data the values, row-major, length equal to the product of {@code shape}; not copied
 */
public record NpyArray(long[] shape, float[] data) {

    /** Checks that the shape is valid and matches the data length; copies the shape. */
    public NpyArray {
        if (shape == null || data == null) {
            throw new IllegalArgumentException("shape and data must not be null");
        }
        shape = shape.clone();
        long count = elementCount(shape);
        if (count != data.length) {
            throw new IllegalArgumentException("shape " + Arrays.toString(shape) + " holds " + count
                    + " values but data has " + data.length);
        }
    }

    /**
     * The number of dimensions.
     *
     * @return the rank, 0 for a scalar
     */
    public int rank() {
        return shape.length;
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
     * The product of the dimensions, validated.
     *
     * @param shape the dimensions
     * @return the number of elements
     * @throws IllegalArgumentException if a dimension is negative or the product overflows a long
     */
    static long elementCount(long[] shape) {
        long count = 1;
        for (long dim : shape) {
            if (dim < 0) {
                throw new IllegalArgumentException("negative dimension in shape " + Arrays.toString(shape));
            }
            try {
                count = Math.multiplyExact(count, dim);
            } catch (ArithmeticException e) {
                throw new IllegalArgumentException("shape " + Arrays.toString(shape) + " is too large", e);
            }
        }
        return count;
    }

    /** Equal when shapes and values are equal (bitwise for floats, as {@link Arrays#equals}). */
    @Override
    public boolean equals(Object o) {
        return o instanceof NpyArray other
                && Arrays.equals(shape, other.shape) && Arrays.equals(data, other.data);
    }

    @Override
    public int hashCode() {
        return 31 * Arrays.hashCode(shape) + Arrays.hashCode(data);
    }

    @Override
    public String toString() {
        return "NpyArray[shape=" + Arrays.toString(shape) + ", " + data.length + " values]";
    }
}
