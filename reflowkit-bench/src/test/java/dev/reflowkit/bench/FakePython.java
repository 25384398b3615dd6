package dev.reflowkit.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;

/** A stand-in for Python in the reference runner's tests: a bash script with the given body. */
final class FakePython {

    private FakePython() {}

    /**
     * Writes an executable {@code fake-python} script.
     *
     * @param dir where to write it
     * @param body the script's body (bash; {@code $1} is the script path or {@code -c})
     * @return its path
     * @throws IOException if it cannot be written
     */
    static Path write(Path dir, String body) throws IOException {
        Path exe = dir.resolve("fake-python");
        Files.writeString(exe, "#!/usr/bin/env bash\n" + body + "\n");
        Files.setPosixFilePermissions(exe, PosixFilePermissions.fromString("rwxr-xr-x"));
        return exe;
    }
}
