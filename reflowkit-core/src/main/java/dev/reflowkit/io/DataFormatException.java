package dev.reflowkit.io;

import java.io.IOException;
import java.nio.file.Path;

/**
 * A data file whose content is malformed or unsupported; the message is one line of the form
 * {@code "<file>: <problem>"}.
 *
 * <p>It extends {@link IOException} so that callers reading files handle "cannot read" and
 * "cannot understand" in one place, while still being able to tell them apart.
 */
public class DataFormatException extends IOException {

    private static final long serialVersionUID = 1L;

    private final transient Path file;
    private final String problem;

    /**
     * Creates the exception.
     *
     * @param file the offending file
     * @param problem what is wrong, one line, e.g. {@code "line 3: field 2 ('abc') is not a number"}
     */
    public DataFormatException(Path file, String problem) {
        super(file + ": " + problem);
        this.file = file;
        this.problem = problem;
    }

    /**
     * The offending file.
     *
     * @return the file as given by the reader
     */
    public Path file() {
        return file;
    }

    /**
     * What is wrong, without the file name.
     *
     * @return the problem description
     */
    public String problem() {
        return problem;
    }
}
