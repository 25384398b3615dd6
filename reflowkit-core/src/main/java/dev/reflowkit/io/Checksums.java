package dev.reflowkit.io;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/** SHA-256 checksums of files, as lower-case hex. */
public final class Checksums {

    private Checksums() {}

    /**
     * The SHA-256 of a file's bytes.
     *
     * @param file the file
     * @return 64 hex digits
     * @throws IOException if the file cannot be read
     */
    public static String sha256(Path file) throws IOException {
        MessageDigest md = digest();
        byte[] buf = new byte[1 << 16];
        try (InputStream in = Files.newInputStream(file)) {
            for (int n = in.read(buf); n >= 0; n = in.read(buf)) {
                md.update(buf, 0, n);
            }
        }
        return HexFormat.of().formatHex(md.digest());
    }

    /**
     * The SHA-256 of bytes in memory.
     *
     * @param bytes the bytes
     * @return 64 hex digits
     */
    public static String sha256(byte[] bytes) {
        return HexFormat.of().formatHex(digest().digest(bytes));
    }

    /**
     * The SHA-256 of the first bytes of an array.
     *
     * @param bytes the bytes
     * @param length how many of them, from the start
     * @return 64 hex digits
     */
    public static String sha256(byte[] bytes, int length) {
        MessageDigest md = digest();
        md.update(bytes, 0, length);
        return HexFormat.of().formatHex(md.digest());
    }

    private static MessageDigest digest() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is not available in this JVM", e);
        }
    }
}
