package dev.reflowkit.train;

import java.nio.file.Path;

/** A checkpoint file that cannot be used: missing, truncated, corrupted or of another format. */
public final class CheckpointException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    private final transient Path file;
    private final String problem;

    /**
     * Creates the exception.
     *
     * @param file the offending file
     * @param problem what is wrong with it
     */
    public CheckpointException(Path file, String problem) {
        super(file + ": " + problem);
        this.file = file;
        this.problem = problem;
    }

    /**
     * The offending file.
     *
     * @return the file as given
     */
    public Path file() {
        return file;
    }

    /**
     * What is wrong with it, without the file name.
     *
     * @return the problem
     */
    public String problem() {
        return problem;
    }
}
