package dev.reflowkit.data.archive;

import java.io.IOException;
import java.io.InputStream;
import java.util.Objects;

/**
 * An input stream defined by its bulk read: {@link #read()} and the argument checks of
 * {@link #read(byte[], int, int)} are here, the reading of at least one byte in
 * {@link #readChunk}.
 */
abstract class ChunkInputStream extends InputStream {

    @Override
    public final int read() throws IOException {
        byte[] one = new byte[1];
        int n = read(one, 0, 1);
        return n < 0 ? -1 : one[0] & 0xff;
    }

    @Override
    public final int read(byte[] b, int off, int len) throws IOException {
        Objects.checkFromIndexSize(off, len, b.length);
        return len == 0 ? 0 : readChunk(b, off, len);
    }

    /**
     * Reads up to {@code len} bytes, {@code len >= 1} and the range checked.
     *
     * @param b the buffer
     * @param off where to start in it
     * @param len how many bytes at most
     * @return the bytes read, or -1 at the end
     * @throws IOException if reading fails
     */
    protected abstract int readChunk(byte[] b, int off, int len) throws IOException;
}
