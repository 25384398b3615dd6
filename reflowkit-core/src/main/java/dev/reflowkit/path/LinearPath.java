package dev.reflowkit.path;

import ai.djl.ndarray.NDArray;

/**
 * The linear interpolant path of rectified flow: {@code x_t = (1 - t) x0 + t x1} with velocity
 * target {@code x1 - x0}, where {@code x0} is data and {@code x1} is noise (spec section 1).
 *
 * <p>All operations use tensor operands only (no Java scalars), so the path is safe on the
 * gradient path (see DJL_NOTES: scalar operands corrupt gradients).
 */
public final class LinearPath {

    private LinearPath() {}

    /**
     * Samples the path at the given times.
     *
     * @param x0 data, shape {@code (N, ...)}
     * @param x1 noise, shape of {@code x0}
     * @param t times, shape {@code (N)}
     * @return the path sample
     */
    public static PathSample sample(NDArray x0, NDArray x1, NDArray t) {
        NDArray tb = broadcastTime(t, x0);
        NDArray xt = x0.add(x1.sub(x0).mul(tb));
        return new PathSample(x0, x1, t, xt, x1.sub(x0));
    }

    /**
     * Reshapes per-sample times {@code (N)} to {@code (N, 1, ..., 1)} so they broadcast against
     * {@code like}.
     *
     * @param t times, shape {@code (N)}
     * @param like an array of shape {@code (N, ...)}
     * @return a view of {@code t} that broadcasts against {@code like}
     */
    public static NDArray broadcastTime(NDArray t, NDArray like) {
        long[] shape = new long[like.getShape().dimension()];
        java.util.Arrays.fill(shape, 1L);
        shape[0] = like.getShape().get(0);
        return t.reshape(shape);
    }

    /**
     * The data prediction {@code x0_hat = x_t - t v}.
     *
     * @param xt the state
     * @param t times, shape {@code (N)}
     * @param v the velocity at {@code (x_t, t)}
     * @return the predicted data endpoint
     */
    public static NDArray predictData(NDArray xt, NDArray t, NDArray v) {
        return xt.sub(v.mul(broadcastTime(t, xt)));
    }

    /**
     * The noise prediction {@code x1_hat = x_t + (1 - t) v}.
     *
     * @param xt the state
     * @param t times, shape {@code (N)}
     * @param v the velocity at {@code (x_t, t)}
     * @return the predicted noise endpoint
     */
    public static NDArray predictNoise(NDArray xt, NDArray t, NDArray v) {
        NDArray tb = broadcastTime(t, xt);
        NDArray oneMinusT = tb.onesLike().sub(tb);
        return xt.add(v.mul(oneMinusT));
    }
}
