package dev.reflowkit.field;

import ai.djl.ndarray.NDArray;
import dev.reflowkit.path.LinearPath;

/**
 * An adapter that turns an EDM {@link Denoiser} into our velocity field.
 *
 * <p>Derivation. With {@code t = sigma / (1 + sigma)} (see {@link EdmConvention}) EDM's
 * {@code x_sigma = x0 + sigma n} and our {@code x_t = (1 - t) x0 + t n} are the same random
 * variable up to the factor {@code 1 - t}, so {@code E[x0 | x_t] = D(x_sigma, sigma)} with
 * {@code x_sigma = x_t / (1 - t)}. Our velocity is {@code v = E[n - x0 | x_t]}; from
 * {@code n = (x_t - (1 - t) x0) / t},
 *
 * <pre>
 *   v = (x_t - (1 - t) D) / t - D = (x_t - D(x_t / (1 - t), t / (1 - t))) / t
 * </pre>
 *
 * (the data prediction {@code x0_hat = x_t - t v} of {@link LinearPath#predictData} gives back
 * {@code D}).
 *
 * <p>Valid for {@code 0 < t < 1}: at {@code t = 1} sigma is infinite and at {@code t = 0} the
 * division by {@code t} is undefined. To generate over EDM's range, start at
 * {@code t = tFromSigma(sigmaMax)} (80/81) from {@code x_t = sigmaMax n / (1 + sigmaMax)}, and end
 * at 0 with a solver that never evaluates the field at its last grid point, e.g. Heun with its
 * plain-Euler last step. Uses tensor operands only.
 */
public final class EdmDenoiserField implements VelocityField {

    private final Denoiser denoiser;

    /**
     * Wraps a denoiser.
     *
     * @param denoiser the EDM denoiser {@code D(x_sigma, sigma)}
     */
    public EdmDenoiserField(Denoiser denoiser) {
        if (denoiser == null) {
            throw new IllegalArgumentException("EdmDenoiserField needs a denoiser, got null");
        }
        this.denoiser = denoiser;
    }

    /** {@inheritDoc} */
    @Override
    public NDArray velocity(NDArray x, NDArray t) {
        NDArray sigma = EdmConvention.sigmaFromT(t);
        NDArray xSigma = EdmConvention.xSigmaFromXt(x, t);
        NDArray d = denoiser.denoise(xSigma, sigma);
        return x.sub(d).div(LinearPath.broadcastTime(t, x));
    }

    /**
     * The wrapped denoiser.
     *
     * @return the denoiser
     */
    public Denoiser delegate() {
        return denoiser;
    }
}
