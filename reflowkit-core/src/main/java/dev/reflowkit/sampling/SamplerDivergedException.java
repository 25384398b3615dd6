package dev.reflowkit.sampling;

/** A sampler produced NaN or infinite samples; they are reported, never written as data. */
public final class SamplerDivergedException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    /**
     * Creates the exception.
     *
     * @param message which sample diverged, with which solver
     */
    public SamplerDivergedException(String message) {
        super(message);
    }
}
