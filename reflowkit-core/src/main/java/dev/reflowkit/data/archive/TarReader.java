package dev.reflowkit.data.archive;

import dev.reflowkit.io.DataFormatException;
import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Objects;

/**
 * A minimal streaming reader of tar archives (POSIX ustar, with the GNU long-name and the POSIX
 * pax {@code path}/{@code size} extensions), enough to unpack npm tarballs and Debian data
 * archives.
 *
 * <p>A tar archive is a sequence of 512-byte blocks: per member a header block (name at byte 0,
 * 100 bytes; size at byte 124, 12 bytes of octal or GNU base-256; checksum at byte 148, the sum
 * of the header's bytes with the checksum field counted as spaces; type flag at byte 156; ustar
 * magic at byte 257; name prefix at byte 345, 155 bytes) followed by its content padded to a
 * multiple of 512 bytes; a zero block (or the end of the stream) ends the archive. Type
 * {@code 'L'} (GNU) carries the next member's long name as content; type {@code 'x'} (pax) carries
 * {@code "LEN key=value\n"} records whose {@code path} and {@code size} override the next header;
 * type {@code 'g'} (pax global) is skipped. Both are consumed here and never returned.
 *
 * <p>Malformed input (a bad checksum, an unparsable size, a truncated header or member) is a
 * {@link DataFormatException} naming the archive. Names are returned as stored: callers that
 * write files must not use them as paths unchecked.
 *
 * <pre>{@code
 * try (TarReader tar = new TarReader(new GZIPInputStream(in), file)) {
 *     for (ArchiveEntry e = tar.next(); e != null; e = tar.next()) {
 *         if (e.isFile() && e.baseName().equals("x.bin")) {
 *             byte[] bytes = tar.content().readAllBytes();
 *         }
 *     }
 * }
 * }</pre>
 */
public final class TarReader implements Closeable {

    private static final int BLOCK = 512;
    private static final int MAX_META_BYTES = 1 << 20;

    private final InputStream in;
    private final Path source;
    private EntryInput current;
    private String currentName;
    private long padding;
    private boolean ended;

    /**
     * Starts reading an archive.
     *
     * @param in the uncompressed archive bytes; closed by {@link #close()}
     * @param source the archive's name for error messages
     */
    public TarReader(InputStream in, Path source) {
        this.in = Objects.requireNonNull(in, "in");
        this.source = Objects.requireNonNull(source, "source");
    }

    /**
     * Moves to the next member, skipping whatever is left of the current one.
     *
     * @return the member, or null at the end of the archive
     * @throws DataFormatException if the archive is malformed or truncated
     * @throws IOException if reading fails
     */
    public ArchiveEntry next() throws IOException {
        if (ended) {
            return null;
        }
        finishCurrent();
        String longName = null;
        Long paxSize = null;
        while (true) {
            byte[] h = EntryInput.readBlock(in, BLOCK, source, "a tar header");
            if (h == null || isZero(h)) {
                ended = true;
                return null;
            }
            checkChecksum(h);
            char type = (char) (h[156] & 0xff);
            long size = parseSize(h);
            String name = longName != null ? longName : headerName(h);
            if (type == 'L' || type == 'x' || type == 'g') {
                if (size > MAX_META_BYTES) {
                    throw new DataFormatException(source, "tar extension header of " + size + " bytes is too large");
                }
                byte[] meta = readPadded((int) size, "the extension header before '" + name + "'");
                if (type == 'L') {
                    longName = cString(meta, 0, meta.length);
                } else if (type == 'x') {
                    PaxRecords pax = PaxRecords.parse(meta, source);
                    if (pax.path() != null) {
                        longName = pax.path();
                    }
                    if (pax.size() != null) {
                        paxSize = pax.size();
                    }
                }
                continue;
            }
            if (paxSize != null) {
                size = paxSize;
            }
            boolean hasData = type != '5' && type != '2' && type != '1' && type != '3' && type != '4' && type != '6';
            long dataSize = hasData ? size : 0;
            current = new EntryInput(in, dataSize, source, name);
            currentName = name;
            padding = (BLOCK - dataSize % BLOCK) % BLOCK;
            return new ArchiveEntry(name, dataSize, type);
        }
    }

    /**
     * The content of the member returned by the last {@link #next()}; reading it does not move
     * past the member, closing it does nothing.
     *
     * @return the member's bytes
     * @throws IllegalStateException before the first {@link #next()}
     */
    public InputStream content() {
        if (current == null) {
            throw new IllegalStateException("call next() first");
        }
        return current;
    }

    /** Closes the underlying stream. */
    @Override
    public void close() throws IOException {
        in.close();
    }

    private void finishCurrent() throws IOException {
        if (current != null) {
            current.skipRest();
            skipExactly(padding, "the padding of '" + currentName + "'");
            current = null;
        }
    }

    private byte[] readPadded(int size, String what) throws IOException {
        byte[] data = new byte[size];
        int got = in.readNBytes(data, 0, size);
        if (got < size) {
            throw new DataFormatException(source, "truncated archive: " + what + " has " + got + " of " + size + " bytes");
        }
        skipExactly((BLOCK - size % BLOCK) % BLOCK, what);
        return data;
    }

    private void skipExactly(long n, String what) throws IOException {
        byte[] sink = new byte[BLOCK];
        while (n > 0) {
            int got = in.readNBytes(sink, 0, (int) Math.min(n, BLOCK));
            if (got == 0) {
                // a missing final padding is tolerated: the archive simply ends here
                ended = true;
                return;
            }
            n -= got;
        }
    }

    private void checkChecksum(byte[] h) throws DataFormatException {
        long stored;
        try {
            stored = parseOctal(h, 148, 8);
        } catch (NumberFormatException e) {
            throw new DataFormatException(source, "not a tar archive: the header checksum field is not a number"
                    + " (header of '" + headerName(h) + "')");
        }
        long unsigned = 0;
        long signed = 0;
        for (int i = 0; i < BLOCK; i++) {
            int b = (i >= 148 && i < 156) ? ' ' : h[i];
            unsigned += b & 0xff;
            signed += (i >= 148 && i < 156) ? ' ' : h[i];
        }
        if (stored != unsigned && stored != signed) {
            throw new DataFormatException(source, "corrupt tar header for '" + headerName(h) + "': checksum "
                    + stored + " does not match the computed " + unsigned);
        }
    }

    private long parseSize(byte[] h) throws DataFormatException {
        if ((h[124] & 0x80) != 0) { // GNU base-256: big-endian two's complement in the remaining bits
            long v = h[124] & 0x3f;
            for (int i = 125; i < 136; i++) {
                if ((v >>> 55) != 0) {
                    throw new DataFormatException(source, "tar member '" + headerName(h) + "' is too large");
                }
                v = (v << 8) | (h[i] & 0xff);
            }
            if ((h[124] & 0x40) != 0) {
                throw new DataFormatException(source, "tar member '" + headerName(h) + "' has a negative size");
            }
            return v;
        }
        try {
            return parseOctal(h, 124, 12);
        } catch (NumberFormatException e) {
            throw new DataFormatException(source, "tar member '" + headerName(h) + "' has an unparsable size field");
        }
    }

    /** Parses an octal field: optional leading spaces, digits, then NUL or space terminators. */
    static long parseOctal(byte[] h, int off, int len) {
        int i = off;
        int end = off + len;
        while (i < end && h[i] == ' ') {
            i++;
        }
        long v = 0;
        int digits = 0;
        while (i < end && h[i] >= '0' && h[i] <= '7') {
            v = (v << 3) + (h[i] - '0');
            i++;
            digits++;
        }
        for (; i < end; i++) {
            if (h[i] != 0 && h[i] != ' ') {
                throw new NumberFormatException("bad octal field");
            }
        }
        if (digits == 0) {
            throw new NumberFormatException("empty octal field");
        }
        return v;
    }

    private static String headerName(byte[] h) {
        String name = cString(h, 0, 100);
        boolean ustar = h[257] == 'u' && h[258] == 's' && h[259] == 't' && h[260] == 'a' && h[261] == 'r';
        if (ustar) {
            String prefix = cString(h, 345, 155);
            if (!prefix.isEmpty()) {
                return prefix + "/" + name;
            }
        }
        return name;
    }

    private static String cString(byte[] b, int off, int len) {
        int end = off;
        while (end < off + len && b[end] != 0) {
            end++;
        }
        return new String(b, off, end - off, StandardCharsets.UTF_8);
    }

    private static boolean isZero(byte[] b) {
        for (byte x : b) {
            if (x != 0) {
                return false;
            }
        }
        return true;
    }
}
