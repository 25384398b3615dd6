package dev.reflowkit.features;

import java.nio.file.Path;

/**
 * A feature-network cache file that cannot be used: truncated, corrupted (checksum mismatch),
 * of another format, or written for another recipe or data set. The message names the file.
 */
public final class FeatureCacheException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    /**
     * Creates the exception.
     *
     * @param file the offending file
     * @param problem what is wrong with it
     */
    public FeatureCacheException(Path file, String problem) {
        super(file + ": " + problem);
    }
}
