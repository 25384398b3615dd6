package dev.reflowkit.data.archive;

import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;

/**
 * A pass-through input stream that remembers the last exception its source threw, so that the
 * decoder or archive reader above it can tell its own complaints (corrupt or truncated data,
 * reported as format errors) from the source's (a failing disk, or a format error already named
 * by an enclosing reader), which are passed on unchanged.
 */
final class TrackedInput extends FilterInputStream {

    private IOException failure;

    TrackedInput(InputStream in) {
        super(in);
    }

    @Override
    public int read() throws IOException {
        try {
            return super.read();
        } catch (IOException e) {
            failure = e;
            throw e;
        }
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
        try {
            return in.read(b, off, len);
        } catch (IOException e) {
            failure = e;
            throw e;
        }
    }

    @Override
    public long skip(long n) throws IOException {
        try {
            return super.skip(n);
        } catch (IOException e) {
            failure = e;
            throw e;
        }
    }

    @Override
    public int available() throws IOException {
        try {
            return super.available();
        } catch (IOException e) {
            failure = e;
            throw e;
        }
    }

    /**
     * The source's exception that {@code thrown} is or wraps.
     *
     * @param thrown what a reader above this stream threw
     * @return the source's exception, or null if {@code thrown} did not come from the source
     */
    IOException sourceFailure(Throwable thrown) {
        for (Throwable t = thrown; t != null && failure != null; t = t.getCause()) {
            if (t == failure) {
                return failure;
            }
        }
        return null;
    }
}
