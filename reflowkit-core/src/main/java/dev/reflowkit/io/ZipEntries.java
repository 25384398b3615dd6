package dev.reflowkit.io;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.zip.ZipEntry;
import java.util.zip.ZipException;
import java.util.zip.ZipInputStream;

/** Reads every entry of a small zip file (a checkpoint, a cached network) into memory. */
public final class ZipEntries {

    private ZipEntries() {}

    /**
     * The entries of a zip file, by name, in file order.
     *
     * @param file the zip file
     * @return the entries' bytes; empty for a file with no entries (e.g. truncated to its start)
     * @throws ZipException if the file is not a valid zip
     * @throws IOException if it cannot be read or is truncated
     */
    public static Map<String, byte[]> read(Path file) throws IOException {
        try (InputStream in = Files.newInputStream(file)) {
            return read(in);
        }
    }

    /**
     * The entries of a zip file held in memory, by name, in file order.
     *
     * @param zipBytes the zip file's bytes
     * @return the entries' bytes; empty for bytes with no entries
     * @throws ZipException if the bytes are not a valid zip
     * @throws IOException if they are truncated
     */
    public static Map<String, byte[]> read(byte[] zipBytes) throws IOException {
        return read(new ByteArrayInputStream(zipBytes));
    }

    private static Map<String, byte[]> read(InputStream in) throws IOException {
        Map<String, byte[]> entries = new LinkedHashMap<>();
        try (ZipInputStream zip = new ZipInputStream(in)) {
            ZipEntry e;
            while ((e = zip.getNextEntry()) != null) {
                ByteArrayOutputStream buf = new ByteArrayOutputStream();
                zip.transferTo(buf);
                entries.put(e.getName(), buf.toByteArray());
            }
        }
        return entries;
    }
}
