package dev.reflowkit.data.archive;

import dev.reflowkit.io.DataFormatException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Path;

/**
 * The content of one archive member: a view of the next {@code size} bytes of the archive stream
 * that never reads past them and does not close the archive. Running out of archive before the
 * member ends is a {@link DataFormatException} naming the archive and the member.
 */
final class EntryInput extends InputStream {

    private final InputStream in;
    private final Path source;
    private final String member;
    private long remaining;

    EntryInput(InputStream in, long size, Path source, String member) {
        this.in = in;
        this.remaining = size;
        this.source = source;
        this.member = member;
    }

    /** The bytes of the member not read yet. */
    long remaining() {
        return remaining;
    }

    @Override
    public int read() throws IOException {
        byte[] one = new byte[1];
        int n = read(one, 0, 1);
        return n < 0 ? -1 : one[0] & 0xff;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
        if (len == 0) {
            return 0;
        }
        if (remaining == 0) {
            return -1;
        }
        int n = in.read(b, off, (int) Math.min(len, remaining));
        if (n < 0) {
            throw truncated();
        }
        remaining -= n;
        return n;
    }

    /** Skips the rest of the member. */
    void skipRest() throws IOException {
        while (remaining > 0) {
            long n = in.skip(remaining);
            if (n <= 0) {
                if (in.read() < 0) {
                    throw truncated();
                }
                n = 1;
            }
            remaining -= n;
        }
    }

    @Override
    public void close() {
        // the archive stream stays open; the reader skips what is left
    }

    private IOException truncated() {
        return new DataFormatException(source, "truncated archive: member '" + member + "' ends " + remaining
                + " bytes early");
    }

    /**
     * Reads exactly {@code n} bytes or fails.
     *
     * @return the bytes, or null if the stream ended before the first byte
     */
    static byte[] readBlock(InputStream in, int n, Path source, String what) throws IOException {
        byte[] b = new byte[n];
        int got = in.readNBytes(b, 0, n);
        if (got == 0) {
            return null;
        }
        if (got < n) {
            throw new DataFormatException(source, "truncated archive: " + what + " has " + got + " of " + n
                    + " bytes");
        }
        return b;
    }
}
