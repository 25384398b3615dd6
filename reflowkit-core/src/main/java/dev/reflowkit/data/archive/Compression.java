package dev.reflowkit.data.archive;

import dev.reflowkit.io.DataFormatException;
import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.zip.GZIPInputStream;

/**
 * A compression format recognised by its magic bytes (not by the file name), and how to read it.
 *
 * <p>gzip ({@code 1f 8b}) is decompressed in Java; xz ({@code fd 37 7a 58 5a 00}) and zstd
 * ({@code 28 b5 2f fd}), which the JDK cannot read, are decompressed by the {@code xz} or
 * {@code zstd} command (Debian packages {@code xz-utils}, {@code zstd}); a missing command is a
 * clear error telling what to install. Anything else is taken as uncompressed.
 */
public enum Compression {
    /** No compression. */
    NONE(new byte[0], null),
    /** gzip (RFC 1952), also several concatenated members. */
    GZIP(new byte[] {0x1f, (byte) 0x8b}, null),
    /** xz (LZMA2), via the {@code xz} command. */
    XZ(new byte[] {(byte) 0xfd, '7', 'z', 'X', 'Z', 0}, "xz"),
    /** Zstandard, via the {@code zstd} command. */
    ZSTD(new byte[] {0x28, (byte) 0xb5, 0x2f, (byte) 0xfd}, "zstd");

    private static final int BUFFER = 1 << 16;

    private final byte[] magic;
    private final String command;

    Compression(byte[] magic, String command) {
        this.magic = magic;
        this.command = command;
    }

    /**
     * The format whose magic starts these bytes.
     *
     * @param head the first bytes of a file or stream (6 are enough)
     * @return the format, {@link #NONE} if none matches
     */
    public static Compression detect(byte[] head) {
        for (Compression c : values()) {
            if (c.magic.length > 0 && head.length >= c.magic.length
                    && Arrays.equals(head, 0, c.magic.length, c.magic, 0, c.magic.length)) {
                return c;
            }
        }
        return NONE;
    }

    /**
     * The format of a file, by its first bytes.
     *
     * @param file the file
     * @return the format
     * @throws IOException if the file cannot be read
     */
    public static Compression detect(Path file) throws IOException {
        try (InputStream in = Files.newInputStream(file)) {
            return detect(in.readNBytes(6));
        }
    }

    /**
     * Opens a file for reading its decompressed content, choosing the format by magic.
     *
     * @param file the file
     * @return the decompressed bytes; closing it closes the file (and stops a decompressor command)
     * @throws IOException if the file cannot be read, or the decompressor command is missing
     */
    public static InputStream open(Path file) throws IOException {
        Compression c = detect(file);
        if (c.command != null) {
            return c.runCommand(file);
        }
        InputStream raw = new BufferedInputStream(Files.newInputStream(file), BUFFER);
        if (c == GZIP) {
            try {
                return new GZIPInputStream(raw, BUFFER);
            } catch (IOException e) {
                raw.close();
                throw new DataFormatException(file, "corrupt gzip data: " + e.getMessage());
            }
        }
        return raw;
    }

    private InputStream runCommand(Path file) throws IOException {
        Process p;
        try {
            p = new ProcessBuilder(List.of(command, "-dc", "--", file.toAbsolutePath().toString()))
                    .start();
            p.getOutputStream().close();
        } catch (IOException e) {
            throw new IOException(file + ": is " + name().toLowerCase(Locale.ROOT) + "-compressed and the '"
                    + command + "' command is needed to unpack it, but it cannot be run (" + e.getMessage()
                    + "); install it (Debian/Ubuntu: apt-get install " + (this == XZ ? "xz-utils" : "zstd") + ")", e);
        }
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        Thread drain = new Thread(() -> {
            try (InputStream e = p.getErrorStream()) {
                e.transferTo(err);
            } catch (IOException ignored) {
                // the exit code reports the failure
            }
        }, command + "-stderr");
        drain.setDaemon(true);
        drain.start();
        return new CommandOutput(p, drain, err, file, command);
    }

    /** The standard output of a decompressor; its end checks the exit code. */
    private static final class CommandOutput extends BufferedInputStream {

        private final Process process;
        private final Thread drain;
        private final ByteArrayOutputStream err;
        private final Path file;
        private final String command;
        private boolean checked;

        CommandOutput(Process process, Thread drain, ByteArrayOutputStream err, Path file, String command) {
            super(process.getInputStream(), BUFFER);
            this.process = process;
            this.drain = drain;
            this.err = err;
            this.file = file;
            this.command = command;
        }

        @Override
        public synchronized int read() throws IOException {
            int b = super.read();
            if (b < 0) {
                check();
            }
            return b;
        }

        @Override
        public synchronized int read(byte[] b, int off, int len) throws IOException {
            int n = super.read(b, off, len);
            if (n < 0) {
                check();
            }
            return n;
        }

        private void check() throws IOException {
            if (checked) {
                return;
            }
            checked = true;
            try {
                int code = process.waitFor();
                drain.join(5_000);
                if (code != 0) {
                    String msg = err.toString(StandardCharsets.UTF_8).strip().replace('\n', ' ');
                    throw new DataFormatException(file, "'" + command + " -dc' failed with exit code "
                            + code + (msg.isEmpty() ? "" : ": " + msg));
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IOException("interrupted while waiting for " + command, e);
            }
        }

        @Override
        public void close() throws IOException {
            try {
                super.close();
            } finally {
                if (process.isAlive()) {
                    process.destroy();
                }
            }
        }
    }
}
