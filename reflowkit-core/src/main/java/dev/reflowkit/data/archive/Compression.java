package dev.reflowkit.data.archive;

import dev.reflowkit.io.DataFormatException;
import io.airlift.compress.zstd.ZstdInputStream;
import java.io.BufferedInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Objects;
import org.apache.commons.compress.compressors.gzip.GzipCompressorInputStream;
import org.apache.commons.compress.compressors.xz.XZCompressorInputStream;

/**
 * A compression format recognised by its magic bytes (not by the file name), and how to read it;
 * every format is decoded in Java, so no system program is needed.
 *
 * <p>gzip ({@code 1f 8b}, several concatenated members read as one stream) and xz
 * ({@code fd 37 7a 58 5a 00}, LZMA2, also concatenated streams) are read with Apache Commons
 * Compress (xz through the tukaani xz library), Zstandard ({@code 28 b5 2f fd}, one or more
 * frames; skippable frames are not supported) with aircompressor's pure-Java decoder. Anything
 * else is taken as uncompressed.
 *
 * <p>Corrupt or truncated compressed data is a {@link DataFormatException} naming the file (and
 * the archive member it came from, if any); a failure of the underlying stream is passed on as
 * it was thrown.
 *
 * <pre>{@code
 * try (InputStream in = Compression.open(Path.of("train-images-idx3-ubyte.gz"))) {
 *     byte[] raw = in.readAllBytes();
 * }
 * }</pre>
 */
public enum Compression {
    /** No compression. */
    NONE("uncompressed", new byte[0]),
    /** gzip (RFC 1952), also several concatenated members. */
    GZIP("gzip", new byte[] {0x1f, (byte) 0x8b}),
    /** xz (LZMA2). */
    XZ("xz", new byte[] {(byte) 0xfd, '7', 'z', 'X', 'Z', 0}),
    /** Zstandard (RFC 8878). */
    ZSTD("zstd", new byte[] {0x28, (byte) 0xb5, 0x2f, (byte) 0xfd});

    private static final int BUFFER = 1 << 16;
    private static final int HEAD = 6;

    private final String label;
    private final byte[] magic;

    Compression(String label, byte[] magic) {
        this.label = label;
        this.magic = magic;
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
            return detect(in.readNBytes(HEAD));
        }
    }

    /**
     * Opens a file for reading its decompressed content, choosing the format by magic.
     *
     * @param file the file
     * @return the decompressed bytes; closing it closes the file
     * @throws DataFormatException if the compressed data's header is corrupt (later corruption
     *     is reported by the reads)
     * @throws IOException if the file cannot be read
     */
    public static InputStream open(Path file) throws IOException {
        InputStream raw = Files.newInputStream(file);
        try {
            return decompress(raw, file, null);
        } catch (IOException | RuntimeException e) {
            raw.close();
            throw e;
        }
    }

    /**
     * Decompresses a stream, choosing the format by its first bytes.
     *
     * @param in the possibly compressed bytes, e.g. an archive member's content; closed with the
     *     returned stream
     * @param source the file the bytes come from, for error messages
     * @param member the archive member the bytes are, for error messages, or null for the whole file
     * @return the decompressed bytes
     * @throws DataFormatException if the compressed data's header is corrupt
     * @throws IOException if reading {@code in} fails
     */
    public static InputStream decompress(InputStream in, Path source, String member) throws IOException {
        Objects.requireNonNull(source, "source");
        TrackedInput raw = new TrackedInput(Objects.requireNonNull(in, "in"));
        BufferedInputStream buffered = new BufferedInputStream(raw, BUFFER);
        buffered.mark(HEAD);
        Compression c = detect(buffered.readNBytes(HEAD));
        buffered.reset();
        if (c == NONE) {
            return buffered;
        }
        try {
            return new Decoded(c, c.decoder(buffered), raw, source, member);
        } catch (IOException | RuntimeException e) {
            throw c.failure(e, raw, source, member);
        }
    }

    private InputStream decoder(InputStream in) throws IOException {
        switch (this) {
            // The constructors, not the builders of Commons Compress 1.26+: Spark 3.5's distribution puts
            // commons-compress 1.23 first on a driver's and executor's class path, which has no builders.
            case GZIP:
                return new GzipCompressorInputStream(in, true);
            case XZ:
                return new XZCompressorInputStream(in, true);
            case ZSTD:
                return new ZstdInputStream(in);
            default:
                return in;
        }
    }

    /** What to throw for an exception of a decoder: the source's own, or a format error. */
    private IOException failure(Exception e, TrackedInput raw, Path source, String member) {
        IOException fromSource = raw.sourceFailure(e);
        if (fromSource != null) {
            return fromSource;
        }
        String where = member == null ? "" : " in '" + member + "'";
        String problem = e instanceof EOFException
                ? "truncated " + label + " data" + where + ": the compressed stream ends early"
                : "corrupt " + label + " data" + where + ": " + detail(e);
        DataFormatException f = new DataFormatException(source, problem);
        f.initCause(e);
        return f;
    }

    private static String detail(Exception e) {
        String m = e.getMessage();
        return m == null || m.isBlank() ? "undecodable (" + e.getClass().getSimpleName() + ")"
                : m.strip().replace('\n', ' ');
    }

    /** A decoder's output, its errors turned into format errors naming the file. */
    private static final class Decoded extends ChunkInputStream {

        private final Compression format;
        private final InputStream decoder;
        private final TrackedInput raw;
        private final Path source;
        private final String member;

        Decoded(Compression format, InputStream decoder, TrackedInput raw, Path source, String member) {
            this.format = format;
            this.decoder = decoder;
            this.raw = raw;
            this.source = source;
            this.member = member;
        }

        @Override
        protected int readChunk(byte[] b, int off, int len) throws IOException {
            try {
                return decoder.read(b, off, len);
            } catch (IOException | RuntimeException e) {
                throw format.failure(e, raw, source, member);
            }
        }

        @Override
        public void close() throws IOException {
            decoder.close();
        }
    }
}
