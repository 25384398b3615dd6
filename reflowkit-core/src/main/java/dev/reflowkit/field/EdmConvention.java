package dev.reflowkit.field;

import ai.djl.ndarray.NDArray;
import dev.reflowkit.path.LinearPath;

/**
 * Conversions between EDM's variance-exploding convention and ours.
 *
 * <p>EDM (Karras et al. 2022) writes a noisy sample as {@code x_sigma = x0 + sigma n}; we write
 * {@code x_t = (1 - t) x0 + t n}. Dividing EDM's by {@code 1 + sigma} gives ours with
 *
 * <pre>
 *   t     = sigma / (1 + sigma),        sigma   = t / (1 - t),
 *   x_t   = x_sigma / (1 + sigma),      x_sigma = x_t / (1 - t)  (= (1 + sigma) x_t)
 * </pre>
 *
 * since {@code 1 - t = 1 / (1 + sigma)}. EDM's range {@code sigma in [0.002, 80]} is
 * {@code t in [0.002/1.002, 80/81]}. The array versions use tensor operands only, so they are safe
 * on the gradient path.
 */
public final class EdmConvention {

    private EdmConvention() {}

    /**
     * Our time for an EDM noise level: {@code t = sigma / (1 + sigma)}.
     *
     * @param sigma a noise level {@code >= 0}; {@code +inf} gives 1
     * @return the time in {@code [0, 1]}
     */
    public static double tFromSigma(double sigma) {
        if (!(sigma >= 0)) {
            throw new IllegalArgumentException("sigma must be >= 0, got " + sigma);
        }
        return Double.isInfinite(sigma) ? 1.0 : sigma / (1 + sigma);
    }

    /**
     * The EDM noise level for our time: {@code sigma = t / (1 - t)}.
     *
     * @param t a time in {@code [0, 1]}; 1 gives {@code +inf}
     * @return the noise level
     */
    public static double sigmaFromT(double t) {
        if (!(t >= 0 && t <= 1)) {
            throw new IllegalArgumentException("t must be in [0, 1], got " + t);
        }
        return t == 1 ? Double.POSITIVE_INFINITY : t / (1 - t);
    }

    /**
     * Element-wise {@code t = sigma / (1 + sigma)}.
     *
     * @param sigma noise levels, any shape
     * @return times, same shape, attached to the manager of {@code sigma}
     */
    public static NDArray tFromSigma(NDArray sigma) {
        return sigma.div(sigma.onesLike().add(sigma));
    }

    /**
     * Element-wise {@code sigma = t / (1 - t)}.
     *
     * @param t times, any shape
     * @return noise levels, same shape, attached to the manager of {@code t}
     */
    public static NDArray sigmaFromT(NDArray t) {
        return t.div(t.onesLike().sub(t));
    }

    /**
     * Our state from EDM's: {@code x_t = x_sigma / (1 + sigma)}, per sample.
     *
     * @param xSigma EDM states, shape {@code (N, ...)}
     * @param sigma noise levels, shape {@code (N)}
     * @return our states, shape of {@code xSigma}
     */
    public static NDArray xtFromXSigma(NDArray xSigma, NDArray sigma) {
        NDArray sb = LinearPath.broadcastTime(sigma, xSigma);
        return xSigma.div(sb.onesLike().add(sb));
    }

    /**
     * EDM's state from ours: {@code x_sigma = x_t / (1 - t)}, per sample.
     *
     * @param xt our states, shape {@code (N, ...)}
     * @param t times, shape {@code (N)}, below 1
     * @return EDM states, shape of {@code xt}
     */
    public static NDArray xSigmaFromXt(NDArray xt, NDArray t) {
        NDArray tb = LinearPath.broadcastTime(t, xt);
        return xt.div(tb.onesLike().sub(tb));
    }
}
