package dev.reflowkit.loss;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;

/** Small tensor helpers that keep constants as arrays (gradient-safe, see DJL_NOTES). */
final class Tensors {

    private Tensors() {}

    /**
     * A scalar constant as a 0-d array in the manager, data type and device of {@code like}, so that
     * {@code like.mul(constant(like, c))} never needs a Java-scalar operand.
     *
     * @param like the array the constant will be combined with
     * @param value the value
     * @return a 0-d array holding {@code value}
     */
    static NDArray constant(NDArray like, double value) {
        NDManager manager = like.getManager();
        DataType type = like.getDataType();
        NDArray c = type == DataType.FLOAT64 ? manager.create(value) : manager.create((float) value);
        if (!c.getDevice().equals(like.getDevice())) {
            c = c.toDevice(like.getDevice(), false);
        }
        return c.getDataType() == type ? c : c.toType(type, false);
    }

    /**
     * Flattens every non-batch dimension: {@code (N, d1, d2, ...) -> (N, d1 d2 ...)}.
     *
     * @param x an array with at least one dimension
     * @param what the array's role, for messages
     * @return a view of shape {@code (N, d)}
     */
    static NDArray flattenSamples(NDArray x, String what) {
        Shape shape = x.getShape();
        if (shape.dimension() < 1) {
            throw new IllegalArgumentException(
                    what + " must have a batch dimension, got scalar shape " + shape);
        }
        long n = shape.get(0);
        long d = shape.dimension() == 1 ? 1 : shape.size() / Math.max(n, 1);
        if (n == 0) {
            throw new IllegalArgumentException(what + " has an empty batch, shape " + shape);
        }
        return x.reshape(n, d);
    }

    /**
     * Checks that an array holds one value per sample and returns it with shape {@code (N)}.
     *
     * @param x the array, shape {@code (N)} or any shape with {@code N} elements
     * @param n the batch size
     * @param what the array's role, for messages
     * @return a view of shape {@code (N)}
     */
    static NDArray perSampleVector(NDArray x, long n, String what) {
        if (x.size() != n) {
            throw new IllegalArgumentException(
                    what + " must hold one value per sample (" + n + "), got shape " + x.getShape());
        }
        return x.getShape().dimension() == 1 ? x : x.reshape(n);
    }
}
