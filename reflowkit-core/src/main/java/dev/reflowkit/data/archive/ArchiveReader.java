package dev.reflowkit.data.archive;

import dev.reflowkit.io.DataFormatException;
import java.io.BufferedInputStream;
import java.io.Closeable;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Locale;
import java.util.Objects;
import org.apache.commons.compress.archivers.ArchiveInputStream;
import org.apache.commons.compress.archivers.ar.ArArchiveInputStream;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;

/**
 * A streaming walk over the members of a tar archive (POSIX ustar with the GNU long-name and pax
 * extensions, as npm tarballs and Debian data archives are) or a Unix ar archive (the outer format
 * of a Debian {@code .deb}, with BSD and GNU long names), parsed by Apache Commons Compress.
 *
 * <p>On top of the library it checks what a fetch relies on, each failure a
 * {@link DataFormatException} naming the archive (and the member of an enclosing archive it sits
 * in, if any) and the member: a member that ends early (the library itself does not notice a
 * truncated ar member), a cut-off tar header (which the library takes for the end), an ar archive
 * without its {@code "!<arch>\n"} magic, and a header the library cannot parse. Names are
 * returned as stored; callers that write files must not use them as paths unchecked (see
 * {@link ArchiveEntry#normalizedName()}).
 *
 * <pre>{@code
 * try (InputStream in = Compression.open(tgz); ArchiveReader tar = ArchiveReader.tar(in, tgz, null)) {
 *     for (ArchiveEntry e = tar.next(); e != null; e = tar.next()) {
 *         if (e.regularFile() && e.normalizedName().equals("package/data/x.bin")) {
 *             byte[] bytes = tar.content().readAllBytes();
 *         }
 *     }
 * }
 * }</pre>
 */
public final class ArchiveReader implements Closeable {

    private static final byte[] AR_MAGIC = "!<arch>\n".getBytes(StandardCharsets.US_ASCII);
    private static final int TAR_RECORD = 512;

    private final String format;
    private final ArchiveInputStream<?> archive;
    private final TrackedInput raw;
    private final Path source;
    private final String where;
    private ArchiveEntry current;
    private Content content;

    private ArchiveReader(String format, ArchiveInputStream<?> archive, TrackedInput raw, Path source, String member) {
        this.format = format;
        this.archive = archive;
        this.raw = raw;
        this.source = Objects.requireNonNull(source, "source");
        this.where = member == null ? "" : " in '" + member + "'";
    }

    /**
     * Starts reading a tar archive.
     *
     * @param in the uncompressed archive bytes (see {@link Compression#decompress}); closed by
     *     {@link #close()}
     * @param source the file the archive is or sits in, for error messages
     * @param member the member of {@code source} the archive is (e.g. {@code "data.tar.xz"}), or
     *     null if it is the whole file
     * @return the reader
     */
    public static ArchiveReader tar(InputStream in, Path source, String member) {
        TrackedInput raw = new TrackedInput(Objects.requireNonNull(in, "in"));
        return new ArchiveReader("tar", new Tar(raw), raw, source, member);
    }

    /**
     * Starts reading an ar archive.
     *
     * @param in the archive bytes; closed by {@link #close()}, or at once if this fails
     * @param source the archive's file, for error messages
     * @return the reader
     * @throws DataFormatException if the stream does not start with the ar magic
     * @throws IOException if reading fails
     */
    public static ArchiveReader ar(InputStream in, Path source) throws IOException {
        TrackedInput raw = new TrackedInput(Objects.requireNonNull(in, "in"));
        BufferedInputStream buffered = new BufferedInputStream(raw, 1 << 16);
        try {
            buffered.mark(AR_MAGIC.length);
            boolean magic = Arrays.equals(buffered.readNBytes(AR_MAGIC.length), AR_MAGIC);
            buffered.reset();
            if (!magic) {
                throw new DataFormatException(source, "not an ar archive (a .deb file starts with '!<arch>\\n')");
            }
        } catch (IOException e) {
            buffered.close();
            throw e;
        }
        return new ArchiveReader("ar", new ArArchiveInputStream(buffered), raw, source, null);
    }

    /**
     * Moves to the next member, skipping whatever is left of the current one.
     *
     * @return the member, or null at the end of the archive
     * @throws DataFormatException if the archive is malformed or truncated
     * @throws IOException if reading fails
     */
    public ArchiveEntry next() throws IOException {
        String previous = current == null ? null : current.name();
        if (content != null) {
            content.skipRest();
        }
        current = null;
        content = null;
        while (true) {
            org.apache.commons.compress.archivers.ArchiveEntry e;
            try {
                e = archive.getNextEntry();
            } catch (IOException | RuntimeException ex) {
                String at = previous == null ? "the first member header" : "the member header after '" + previous + "'";
                throw failure(ex, at + " is cut off", at + " is unreadable");
            }
            if (e == null) {
                return null;
            }
            String name = e.getName();
            if (e instanceof TarArchiveEntry t) {
                current = new ArchiveEntry(name, t.getSize(), isRegular(t));
            } else if (name.isEmpty() || name.startsWith("/")) {
                continue; // an ar symbol table ("/" or "/SYM64/"); long-name tables are consumed by the library
            } else {
                current = new ArchiveEntry(name, e.getSize(), true);
            }
            content = new Content(current);
            return current;
        }
    }

    /**
     * The content of the member returned by the last {@link #next()}; reading it does not move
     * past the member, closing it does nothing.
     *
     * @return the member's bytes; reading past a cut-off end is a {@link DataFormatException}
     * @throws IllegalStateException before the first {@link #next()} or after the end
     */
    public InputStream content() {
        if (content == null) {
            throw new IllegalStateException("no current member: call next() first");
        }
        return content;
    }

    /** Closes the underlying stream. */
    @Override
    public void close() throws IOException {
        archive.close();
    }

    private static boolean isRegular(TarArchiveEntry t) {
        byte flag = t.getLinkFlag();
        return flag == 0 || flag == '0' || flag == '7' || t.isSparse();
    }

    /**
     * The exception for a failure of the library: the source's own, or a format error saying
     * {@code cut} if the library saw the input end early, else {@code bad}.
     */
    private IOException failure(Exception e, String cut, String bad) {
        IOException fromSource = raw.sourceFailure(e);
        if (fromSource != null) {
            return fromSource;
        }
        if (e instanceof DataFormatException d) {
            return d;
        }
        String message = e.getMessage() == null ? "" : e.getMessage().strip().replace('\n', ' ');
        boolean ended = e instanceof EOFException || message.toLowerCase(Locale.ROOT).contains("truncated");
        DataFormatException f = new DataFormatException(source, (ended ? "truncated " : "corrupt ") + format
                + " archive" + where + ": " + (ended ? cut : bad) + (message.isEmpty() ? "" : " (" + message + ")"));
        f.initCause(e);
        return f;
    }

    /** A member's bytes, counted against its declared size. */
    private final class Content extends ChunkInputStream {

        private final ArchiveEntry entry;
        private long remaining;

        Content(ArchiveEntry entry) {
            this.entry = entry;
            this.remaining = entry.size();
        }

        @Override
        protected int readChunk(byte[] b, int off, int len) throws IOException {
            if (remaining == 0) {
                return -1;
            }
            int n;
            try {
                n = archive.read(b, off, (int) Math.min(len, remaining));
            } catch (IOException | RuntimeException e) {
                throw failure(e, early(), "member '" + entry.name() + "' is unreadable");
            }
            if (n < 0) {
                throw new DataFormatException(source, "truncated " + format + " archive" + where + ": " + early());
            }
            remaining -= n;
            return n;
        }

        void skipRest() throws IOException {
            byte[] sink = new byte[1 << 16];
            while (read(sink, 0, sink.length) >= 0) {
                // reading, not skipping: a cut-off member is noticed either way
            }
        }

        @Override
        public void close() {
            // the archive stays open; next() skips what is left
        }

        private String early() {
            return "member '" + entry.name() + "' ends " + remaining + " bytes early";
        }
    }

    /** Commons Compress's tar reader, which here also reports a cut-off header block. */
    private static final class Tar extends TarArchiveInputStream {

        Tar(InputStream in) {
            super(in);
        }

        @Override
        protected byte[] readRecord() throws IOException {
            long before = getBytesRead();
            byte[] record = super.readRecord();
            long got = getBytesRead() - before;
            if (record == null && got > 0) {
                throw new EOFException("a " + TAR_RECORD + "-byte header block has only " + got + " bytes");
            }
            return record;
        }
    }
}
