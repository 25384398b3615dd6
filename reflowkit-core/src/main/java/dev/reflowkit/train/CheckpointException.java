package dev.reflowkit.train;

import java.nio.file.Path;

/** A checkpoint file that cannot be used: missing, truncated, corrupted or of another format. */
public final class CheckpointException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    /**
     * Creates the exception.
     *
     * @param file the offending file
     * @param problem what is wrong with it
     */
    public CheckpointException(Path file, String problem) {
        super(file + ": " + problem);
    }
}
