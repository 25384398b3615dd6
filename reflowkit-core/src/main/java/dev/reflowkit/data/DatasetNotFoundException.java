package dev.reflowkit.data;

import java.io.IOException;
import java.nio.file.Path;

/**
 * A named data set that is not in the data cache; the message says how to fetch it, e.g.
 * {@code "MNIST is not in the data cache (/home/u/.cache/reflowkit/data/mnist): run 'reflow data
 * fetch mnist'"}.
 */
public class DatasetNotFoundException extends IOException {

    private static final long serialVersionUID = 1L;

    private final transient Path dir;

    /**
     * Creates the exception.
     *
     * @param dir where the data set was looked for
     * @param message the whole message, including how to fetch it
     */
    public DatasetNotFoundException(Path dir, String message) {
        super(message);
        this.dir = dir;
    }

    /**
     * Where the data set was looked for.
     *
     * @return the directory
     */
    public Path dir() {
        return dir;
    }
}
