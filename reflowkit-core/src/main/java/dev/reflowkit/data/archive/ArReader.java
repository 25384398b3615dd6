package dev.reflowkit.data.archive;

import dev.reflowkit.io.DataFormatException;
import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Objects;

/**
 * A minimal streaming reader of Unix {@code ar} archives, the outer format of Debian packages
 * ({@code .deb}: members {@code debian-binary}, {@code control.tar.*}, {@code data.tar.*}).
 *
 * <p>Format: the global header {@code "!<arch>\n"}, then per member a 60-byte ASCII header (name
 * 16 bytes, modification time 12, owner 6, group 6, mode 8, size 10 in decimal, then the two bytes
 * {@code "`\n"}), the content, and one {@code '\n'} of padding after an odd-sized content. Names
 * are space-padded; a trailing {@code '/'} (GNU) is dropped; a BSD name {@code "#1/LEN"} is
 * followed by LEN bytes of real name at the start of the content (not part of the returned
 * content); the GNU symbol table {@code "/"} and long-name table {@code "//"} are read, and a name
 * {@code "/OFFSET"} is looked up in the latter.
 *
 * <p>Malformed input is a {@link DataFormatException} naming the archive.
 */
public final class ArReader implements Closeable {

    private static final byte[] MAGIC = "!<arch>\n".getBytes(StandardCharsets.US_ASCII);
    private static final int HEADER = 60;
    private static final int MAX_TABLE_BYTES = 1 << 20;

    private final InputStream in;
    private final Path source;
    private EntryInput current;
    private boolean oddPadding;
    private String longNames = "";
    private boolean started;

    /**
     * Starts reading an archive.
     *
     * @param in the archive bytes; closed by {@link #close()}
     * @param source the archive's name for error messages
     */
    public ArReader(InputStream in, Path source) {
        this.in = Objects.requireNonNull(in, "in");
        this.source = Objects.requireNonNull(source, "source");
    }

    /**
     * Moves to the next member, skipping whatever is left of the current one.
     *
     * @return the member (type {@code '0'}), or null at the end of the archive
     * @throws DataFormatException if the archive is malformed or truncated
     * @throws IOException if reading fails
     */
    public ArchiveEntry next() throws IOException {
        if (!started) {
            started = true;
            byte[] magic = in.readNBytes(MAGIC.length);
            if (!Arrays.equals(magic, MAGIC)) {
                throw new DataFormatException(source, "not an ar archive (a .deb file starts with '!<arch>\\n')");
            }
        }
        while (true) {
            finishCurrent();
            byte[] h = EntryInput.readBlock(in, HEADER, source, "an ar member header");
            if (h == null) {
                return null;
            }
            if (h[58] != '`' || h[59] != '\n') {
                throw new DataFormatException(source, "corrupt ar member header (missing the \"`\\n\" end marker)");
            }
            String name = new String(h, 0, 16, StandardCharsets.US_ASCII).stripTrailing();
            long size = parseSize(h, name);
            current = new EntryInput(in, size, source, name);
            oddPadding = size % 2 == 1;
            if (name.equals("/") || name.equals("/SYM64/")) {
                continue; // symbol table
            }
            if (name.equals("//")) {
                if (size > MAX_TABLE_BYTES) {
                    throw new DataFormatException(source, "ar long-name table of " + size + " bytes is too large");
                }
                longNames = new String(current.readAllBytes(), StandardCharsets.UTF_8);
                continue;
            }
            if (name.startsWith("#1/")) {
                int len = parseInt(name.substring(3), "BSD name length in '" + name + "'");
                if (len > size) {
                    throw new DataFormatException(source, "ar member name of " + len + " bytes is longer than the member");
                }
                byte[] real = current.readNBytes(len);
                name = new String(real, StandardCharsets.UTF_8).replace("\0", "");
                return new ArchiveEntry(name, size - len, '0');
            }
            if (name.startsWith("/") && name.length() > 1) {
                name = longName(parseInt(name.substring(1), "long-name offset in '" + name + "'"));
            } else if (name.endsWith("/")) {
                name = name.substring(0, name.length() - 1);
            }
            return new ArchiveEntry(name, size, '0');
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
            if (oddPadding) {
                in.read(); // a missing final padding byte is tolerated
            }
            current = null;
        }
    }

    private long parseSize(byte[] h, String name) throws DataFormatException {
        String text = new String(h, 48, 10, StandardCharsets.US_ASCII).strip();
        try {
            long size = Long.parseLong(text);
            if (size < 0) {
                throw new NumberFormatException();
            }
            return size;
        } catch (NumberFormatException e) {
            throw new DataFormatException(source, "ar member '" + name + "' has an unparsable size '" + text + "'");
        }
    }

    private int parseInt(String text, String what) throws DataFormatException {
        try {
            int v = Integer.parseInt(text.strip());
            if (v < 0) {
                throw new NumberFormatException();
            }
            return v;
        } catch (NumberFormatException e) {
            throw new DataFormatException(source, "corrupt ar archive: bad " + what);
        }
    }

    private String longName(int offset) throws DataFormatException {
        if (offset >= longNames.length()) {
            throw new DataFormatException(source, "corrupt ar archive: long-name offset " + offset
                    + " is outside the name table (" + longNames.length() + " bytes)");
        }
        int end = longNames.indexOf('\n', offset);
        String n = longNames.substring(offset, end < 0 ? longNames.length() : end);
        return n.endsWith("/") ? n.substring(0, n.length() - 1) : n;
    }
}
