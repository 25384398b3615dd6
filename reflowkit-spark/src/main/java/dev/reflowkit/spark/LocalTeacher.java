package dev.reflowkit.spark;

import dev.reflowkit.io.Checksums;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * An executor's local copy of a broadcast checkpoint: written to a temporary file (checked against
 * the driver's SHA-256, so a damaged broadcast never trains or samples anything) and deleted on
 * close.
 */
final class LocalTeacher implements AutoCloseable {

    private final Path file;

    private LocalTeacher(Path file) {
        this.file = file;
    }

    /**
     * Writes the checkpoint's bytes to a fresh temporary file.
     *
     * @param bytes the checkpoint
     * @param sha256 the SHA-256 the driver computed
     * @return the copy
     * @throws IllegalStateException if the bytes do not match the checksum
     */
    static LocalTeacher of(byte[] bytes, String sha256) {
        String actual = Checksums.sha256(bytes);
        if (!actual.equals(sha256)) {
            throw new IllegalStateException("the broadcast checkpoint is damaged (SHA-256 " + actual + ", driver sent "
                    + sha256 + ")");
        }
        try {
            Path f = Files.createTempFile("reflowkit-", ".ckpt");
            Files.write(f, bytes);
            return new LocalTeacher(f);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the checkpoint's local copy: " + e.getMessage(), e);
        }
    }

    /**
     * The local file.
     *
     * @return the path
     */
    Path file() {
        return file;
    }

    @Override
    public void close() {
        try {
            Files.deleteIfExists(file);
        } catch (IOException e) {
            // a temporary file the system cleans up later; the task's result does not depend on it
        }
    }
}
