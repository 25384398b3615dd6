package dev.reflowkit.field;

import ai.djl.ndarray.NDArray;
import dev.reflowkit.path.LinearPath;

/**
 * Exact fields for Gaussian data {@code x0 ~ N(0, s^2 I)} and noise {@code x1 ~ N(0, I)}.
 *
 * <p>Ours ({@code x_t = (1-t) x0 + t x1}): {@code v = E[x1 - x0 | x_t] = Cov(x1 - x0, x_t) /
 * Var(x_t) x_t = (t - (1-t) s^2) / ((1-t)^2 s^2 + t^2) x_t}. The exact flow is
 * {@code x_t = std(t) / std(1) x_1} with {@code std(t) = sqrt((1-t)^2 s^2 + t^2)}, so 1 -> 0 maps
 * {@code x1} to {@code s x1}.
 */
final class GaussianFields {

    private GaussianFields() {}

    /** Our exact velocity, coefficient computed per sample in double precision. */
    static VelocityField ours(double s) {
        double s2 = s * s;
        return (x, t) -> scale(x, t, tt -> (tt - (1 - tt) * s2) / ((1 - tt) * (1 - tt) * s2
                + tt * tt));
    }

    /**
     * The flow_matching/torchcfm convention: {@code x_r = r x_data + (1 - r) x_noise}, {@code u =
     * E[x_data - x_noise | x_r] = (r s^2 - (1 - r)) / (r^2 s^2 + (1 - r)^2) x_r}.
     */
    static VelocityField flipped(double s) {
        double s2 = s * s;
        return (x, r) -> scale(x, r, rr -> (rr * s2 - (1 - rr)) / (rr * rr * s2
                + (1 - rr) * (1 - rr)));
    }

    /** EDM's exact denoiser: {@code D(x, sigma) = s^2 / (s^2 + sigma^2) x}. */
    static Denoiser denoiser(double s) {
        double s2 = s * s;
        return (x, sigma) -> scale(x, sigma, sg -> s2 / (s2 + sg * sg));
    }

    private static NDArray scale(
            NDArray x, NDArray time, java.util.function.DoubleUnaryOperator coef) {
        float[] t = time.toFloatArray();
        float[] c = new float[t.length];
        for (int i = 0; i < t.length; i++) {
            c[i] = (float) coef.applyAsDouble(t[i]);
        }
        NDArray ca = x.getManager().create(c);
        return x.mul(LinearPath.broadcastTime(ca, x));
    }
}
