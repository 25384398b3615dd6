package dev.reflowkit.train;

/**
 * Training stopped because the loss or the gradient norm became NaN or infinite. The last good
 * checkpoint is left intact.
 */
public final class NonFiniteLossException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    /**
     * Creates the exception.
     *
     * @param message what diverged, at which step, and where the last good checkpoint is
     */
    public NonFiniteLossException(String message) {
        super(message);
    }
}
