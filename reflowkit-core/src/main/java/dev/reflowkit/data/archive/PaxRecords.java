package dev.reflowkit.data.archive;

import dev.reflowkit.io.DataFormatException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;

/**
 * The {@code path} and {@code size} of a POSIX pax extended header: records {@code "LEN
 * key=value\n"}, where LEN is the decimal length of the whole record including itself.
 *
 * @param path the member's path, or null if not given
 * @param size the member's size, or null if not given
 */
record PaxRecords(String path, Long size) {

    static PaxRecords parse(byte[] data, Path source) throws DataFormatException {
        String path = null;
        Long size = null;
        int pos = 0;
        while (pos < data.length && data[pos] != 0) {
            int space = pos;
            while (space < data.length && data[space] != ' ') {
                space++;
            }
            int len;
            try {
                len = Integer.parseInt(new String(data, pos, space - pos, StandardCharsets.US_ASCII));
            } catch (NumberFormatException e) {
                throw new DataFormatException(source, "malformed pax header: bad record length at byte " + pos);
            }
            if (len <= space - pos + 1 || pos + len > data.length || data[pos + len - 1] != '\n') {
                throw new DataFormatException(source, "malformed pax header: bad record at byte " + pos);
            }
            String record = new String(data, space + 1, pos + len - 1 - (space + 1), StandardCharsets.UTF_8);
            int eq = record.indexOf('=');
            if (eq < 0) {
                throw new DataFormatException(source, "malformed pax header: record without '=' at byte " + pos);
            }
            String key = record.substring(0, eq);
            String value = record.substring(eq + 1);
            if (key.equals("path")) {
                path = value;
            } else if (key.equals("size")) {
                try {
                    size = Long.parseLong(value);
                } catch (NumberFormatException e) {
                    throw new DataFormatException(source, "malformed pax header: size '" + value + "'");
                }
                if (size < 0) {
                    throw new DataFormatException(source, "malformed pax header: negative size " + size);
                }
            }
            pos += len;
        }
        return new PaxRecords(path, size);
    }
}
