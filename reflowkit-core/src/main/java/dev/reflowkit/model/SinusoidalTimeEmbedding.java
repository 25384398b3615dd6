package dev.reflowkit.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;

/**
 * The sinusoidal time embedding of transformers and DDPM, applied to a scaled time.
 *
 * <p>For {@code half = dim / 2} frequencies {@code f_k = exp(-ln(10000) k / half)},
 * {@code k = 0..half-1}, the embedding of time {@code t} is
 * {@code [sin(s t f_0), ..., sin(s t f_{half-1}), cos(s t f_0), ..., cos(s t f_{half-1})]},
 * where {@code s} is the time scale (1000 maps t in [0, 1] to the usual diffusion step range).
 */
public final class SinusoidalTimeEmbedding {

    private final int dim;
    private final float[] scaledFrequencies;

    /**
     * Creates an embedding.
     *
     * @param dim the embedding width, even and positive
     * @param timeScale the factor applied to t before the sinusoids
     */
    public SinusoidalTimeEmbedding(int dim, float timeScale) {
        if (dim <= 0 || dim % 2 != 0) {
            throw new IllegalArgumentException("time embedding width must be even and > 0, got " + dim);
        }
        this.dim = dim;
        int half = dim / 2;
        scaledFrequencies = new float[half];
        for (int k = 0; k < half; k++) {
            scaledFrequencies[k] = (float) (timeScale * Math.exp(-Math.log(10000.0) * k / half));
        }
    }

    /**
     * The embedding width.
     *
     * @return the width
     */
    public int dim() {
        return dim;
    }

    /**
     * The scaled frequencies as an array, shape {@code (1, dim / 2)}: {@code embed(t)} is
     * {@code [sin(t f), cos(t f)]} with {@code t f} the product of {@code t} as a column and these.
     *
     * @param manager the manager of the array
     * @return the frequencies
     */
    public NDArray frequencies(NDManager manager) {
        return manager.create(scaledFrequencies, new Shape(1, scaledFrequencies.length));
    }

    /**
     * Embeds times.
     *
     * @param t times, shape {@code (N)}
     * @return the embedding, shape {@code (N, dim)}, attached to the manager of {@code t}
     */
    public NDArray embed(NDArray t) {
        long n = t.getShape().get(0);
        NDArray freqs = frequencies(t.getManager());
        NDArray args = t.reshape(n, 1).matMul(freqs);
        return NDArrays.concat(new NDList(args.sin(), args.cos()), 1);
    }
}
