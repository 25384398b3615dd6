package dev.reflowkit.field;

import ai.djl.ndarray.NDArray;

/**
 * An EDM denoiser {@code D(x_sigma, sigma)}: the estimate of the clean data {@code E[x0 | x_sigma]}
 * from {@code x_sigma = x0 + sigma n}, {@code n ~ N(0, I)} (Karras et al. 2022).
 *
 * <p>Wrap one with {@link EdmDenoiserField} to use it as a velocity field.
 */
@FunctionalInterface
public interface Denoiser {

    /**
     * Denoises a batch.
     *
     * @param xSigma the noisy state in EDM's scale, shape {@code (N, ...)}
     * @param sigma the noise level of each sample, shape {@code (N)}, float32
     * @return the clean-data estimate, shape of {@code xSigma}, attached to its manager
     */
    NDArray denoise(NDArray xSigma, NDArray sigma);
}
