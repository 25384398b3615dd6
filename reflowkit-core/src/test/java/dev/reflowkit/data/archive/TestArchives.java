package dev.reflowkit.data.archive;

import io.airlift.compress.zstd.ZstdOutputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.zip.GZIPOutputStream;
import org.apache.commons.compress.compressors.xz.XZCompressorOutputStream;

/**
 * Builds small tar and ar archives in memory for tests, byte by byte (independently of the
 * library that reads them), and compresses bytes with gzip (the JDK), xz (Commons Compress) and
 * zstd (aircompressor), so no test needs an {@code xz} or {@code zstd} program.
 */
public final class TestArchives {

    private TestArchives() {}

    /** A tar archive under construction. */
    public static final class Tar {

        private final ByteArrayOutputStream out = new ByteArrayOutputStream();

        /** Adds a regular file (ustar; names over 100 bytes are split into prefix and name). */
        public Tar file(String name, byte[] content) {
            String prefix = "";
            if (name.length() > 100) {
                int slash = name.lastIndexOf('/', 155);
                prefix = name.substring(0, slash);
                name = name.substring(slash + 1);
            }
            header(name, prefix, content.length, '0', true);
            data(content);
            return this;
        }

        /** Adds a directory entry. */
        public Tar dir(String name) {
            header(name, "", 0, '5', true);
            return this;
        }

        /** Adds a symbolic link (no content). */
        public Tar symlink(String name) {
            header(name, "", 0, '2', true);
            return this;
        }

        /** Adds a file whose long name travels in a GNU 'L' entry. */
        public Tar gnuLongName(String name, byte[] content) {
            byte[] n = (name + "\0").getBytes(StandardCharsets.UTF_8);
            header("././@LongLink", "", n.length, 'L', false);
            data(n);
            header(name.substring(0, 99), "", content.length, '0', false);
            data(content);
            return this;
        }

        /** Adds a file whose path travels in a pax 'x' header. */
        public Tar paxPath(String name, byte[] content) {
            String rec = " path=" + name + "\n";
            int len = rec.length() + 1;
            while (String.valueOf(len).length() + rec.length() != len) {
                len = String.valueOf(len).length() + rec.length();
            }
            byte[] pax = (len + rec).getBytes(StandardCharsets.UTF_8);
            header("PaxHeaders/x", "", pax.length, 'x', true);
            data(pax);
            header("short-name", "", content.length, '0', true);
            data(content);
            return this;
        }

        /** Adds raw bytes (e.g. a corrupt header). */
        public Tar raw(byte[] bytes) {
            out.writeBytes(bytes);
            return this;
        }

        /** Ends the archive with two zero blocks and returns it. */
        public byte[] bytes() {
            out.writeBytes(new byte[1024]);
            return out.toByteArray();
        }

        /** The archive so far, without the end blocks. */
        public byte[] unterminated() {
            return out.toByteArray();
        }

        private void header(String name, String prefix, long size, char type, boolean ustar) {
            out.writeBytes(header512(name, prefix, size, type, ustar));
        }

        private void data(byte[] content) {
            out.writeBytes(content);
            out.writeBytes(new byte[(512 - content.length % 512) % 512]);
        }
    }

    /** One tar header block with a correct checksum. */
    public static byte[] header512(String name, String prefix, long size, char type, boolean ustar) {
        byte[] h = new byte[512];
        put(h, 0, name, 100);
        put(h, 100, "0000644", 8);
        put(h, 108, "0000000", 8);
        put(h, 116, "0000000", 8);
        put(h, 124, String.format("%011o", size), 12);
        put(h, 136, "00000000000", 12);
        h[156] = (byte) type;
        if (ustar) {
            put(h, 257, "ustar", 6);
            put(h, 263, "00", 2);
            put(h, 345, prefix, 155);
        }
        Arrays.fill(h, 148, 156, (byte) ' ');
        int sum = 0;
        for (byte b : h) {
            sum += b & 0xff;
        }
        put(h, 148, String.format("%06o", sum), 6); // six digits, NUL, space (as GNU tar)
        h[154] = 0;
        return h;
    }

    private static void put(byte[] h, int off, String s, int max) {
        byte[] b = s.getBytes(StandardCharsets.UTF_8);
        System.arraycopy(b, 0, h, off, Math.min(b.length, max));
    }

    /** An ar archive under construction. */
    public static final class Ar {

        private final ByteArrayOutputStream out = new ByteArrayOutputStream();

        public Ar() {
            out.writeBytes("!<arch>\n".getBytes(StandardCharsets.US_ASCII));
        }

        /** Adds a member with a plain (or GNU slash-terminated) name of at most 16 bytes. */
        public Ar member(String name, byte[] content) {
            header(name, content.length);
            body(content);
            return this;
        }

        /** Adds a member with a BSD long name ({@code #1/LEN}, name at the start of the content). */
        public Ar bsdMember(String name, byte[] content) {
            byte[] n = name.getBytes(StandardCharsets.UTF_8);
            header("#1/" + n.length, n.length + content.length);
            out.writeBytes(n);
            out.writeBytes(content);
            if ((n.length + content.length) % 2 == 1) {
                out.write('\n');
            }
            return this;
        }

        public byte[] bytes() {
            return out.toByteArray();
        }

        private void header(String name, long size) {
            String h = String.format("%-16s%-12s%-6s%-6s%-8s%-10d`\n", name, "0", "0", "0", "100644", size);
            out.writeBytes(h.getBytes(StandardCharsets.US_ASCII));
        }

        private void body(byte[] content) {
            out.writeBytes(content);
            if (content.length % 2 == 1) {
                out.write('\n');
            }
        }
    }

    /** A compressing output stream over a sink. */
    private interface Compressor {
        OutputStream wrap(OutputStream sink) throws IOException;
    }

    private static byte[] compress(byte[] bytes, Compressor c) {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        try (OutputStream out = c.wrap(b)) {
            out.write(bytes);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return b.toByteArray();
    }

    /** gzip-compresses bytes (one member). */
    public static byte[] gzip(byte[] bytes) {
        return compress(bytes, GZIPOutputStream::new);
    }

    /** xz-compresses bytes (one stream, CRC64 check). */
    public static byte[] xz(byte[] bytes) {
        return compress(bytes, XZCompressorOutputStream::new);
    }

    /** zstd-compresses bytes (one frame, with its content checksum). */
    public static byte[] zstd(byte[] bytes) {
        return compress(bytes, ZstdOutputStream::new);
    }

    /** The concatenation of byte arrays. */
    public static byte[] concat(byte[]... parts) {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        for (byte[] p : parts) {
            b.writeBytes(p);
        }
        return b.toByteArray();
    }

    /** Deterministic pseudo-random bytes. */
    public static byte[] bytes(int n, int seed) {
        byte[] b = new byte[n];
        int x = seed;
        for (int i = 0; i < n; i++) {
            x = x * 1103515245 + 12345;
            b[i] = (byte) (x >>> 16);
        }
        return b;
    }
}
