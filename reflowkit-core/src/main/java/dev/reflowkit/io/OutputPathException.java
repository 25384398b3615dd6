package dev.reflowkit.io;

import java.io.IOException;

/**
 * An output path that cannot be written because of what it names, not because the write failed:
 * a directory where a file is wanted, a file where a directory is wanted, or a directory without
 * write permission. It is the caller's input that is wrong (the CLI reports it with the
 * bad-input exit code 2); a full disk or a failing device remains a plain {@link IOException}.
 */
public class OutputPathException extends IOException {

    private static final long serialVersionUID = 1L;

    /**
     * Creates the exception.
     *
     * @param message what cannot be written and why, naming the path
     */
    public OutputPathException(String message) {
        super(message);
    }

    /**
     * Creates the exception with the file-system error that revealed it.
     *
     * @param message what cannot be written and why, naming the path
     * @param cause the underlying error
     */
    public OutputPathException(String message, Throwable cause) {
        super(message, cause);
    }
}
