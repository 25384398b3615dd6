package dev.reflowkit.data;

import dev.reflowkit.io.DataFormatException;
import dev.reflowkit.io.Npy;
import dev.reflowkit.io.NpyArray;
import java.io.BufferedReader;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Locale;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * Reader of user point files: CSV with a header row, or NumPy {@code .npy} of shape {@code [n, d]}.
 *
 * <p>CSV (UTF-8, optional byte-order mark, {@code \n} or {@code \r\n} line ends): line 1 is always
 * the header and names the {@code d} columns (comma-separated, optionally double-quoted, none
 * empty); every following line holds exactly {@code d} decimal numbers (e.g. {@code -1.5},
 * {@code 2e-3}; surrounding spaces allowed). Blank lines are allowed only at the end of the file.
 *
 * <p>{@code .npy}: a 2-D float32 ({@code '<f4'}) or float64 ({@code '<f8'}, rounded to float32)
 * C-ordered array of shape {@code [n, d]} with {@code n >= 1} and {@code d >= 1}.
 *
 * <p>NaN, infinities and values out of float32 range are errors. Every problem is a
 * {@link DataFormatException} whose one-line message names the file and, for CSV, the line number
 * (1-based) and field number (1-based); for {@code .npy}, the row index (0-based) and column.
 */
public final class PointFiles {

    private static final Pattern DECIMAL = Pattern.compile("[+-]?(\\d+\\.?\\d*|\\.\\d+)([eE][+-]?\\d+)?");
    private static final Pattern NON_FINITE = Pattern.compile("[+-]?(nan|inf|infinity)", Pattern.CASE_INSENSITIVE);

    private PointFiles() {}

    /**
     * Whether a path has a supported point-file extension ({@code .csv} or {@code .npy}, any case).
     *
     * @param path the path
     * @return true if {@link #read(Path)} can read it
     */
    public static boolean isSupported(Path path) {
        String name = String.valueOf(path.getFileName()).toLowerCase(Locale.ROOT);
        return name.endsWith(".csv") || name.endsWith(".npy");
    }

    /**
     * Reads a point file, choosing the format by extension.
     *
     * @param file a {@code .csv} or {@code .npy} file
     * @return the points
     * @throws DataFormatException if the content is malformed or the extension unsupported
     * @throws IOException if the file cannot be read
     */
    public static PointSet read(Path file) throws IOException {
        Objects.requireNonNull(file, "file");
        String name = String.valueOf(file.getFileName()).toLowerCase(Locale.ROOT);
        if (name.endsWith(".csv")) {
            return readCsv(file);
        }
        if (name.endsWith(".npy")) {
            return readNpy(file);
        }
        throw new DataFormatException(file, "unsupported point-file type (expected a .csv or .npy file)");
    }

    /**
     * Reads a CSV point file with a header row.
     *
     * @param file the file
     * @return the points, {@code d} = number of header columns
     * @throws DataFormatException if the content is malformed
     * @throws IOException if the file cannot be read
     */
    public static PointSet readCsv(Path file) throws IOException {
        try (BufferedReader reader = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            String header = reader.readLine();
            if (header != null && header.startsWith("\uFEFF")) {
                header = header.substring(1);
            }
            if (header == null || (header.isBlank() && allBlank(reader))) {
                throw new DataFormatException(file, "empty file (expected a header row naming the columns)");
            }
            if (header.isBlank()) {
                throw new DataFormatException(file, "line 1: blank (expected a header row naming the columns)");
            }
            String[] columns = header.split(",", -1);
            for (int j = 0; j < columns.length; j++) {
                String col = unquote(columns[j].strip());
                if (col.isEmpty()) {
                    throw new DataFormatException(file, "line 1: header column " + (j + 1)
                            + " has an empty name (the header must name every column)");
                }
            }
            int d = columns.length;
            float[] data = new float[Math.max(16, 64 * d)];
            int n = 0;
            int lineNo = 1;
            int blankLine = 0;
            String line;
            while ((line = reader.readLine()) != null) {
                lineNo++;
                if (line.isBlank()) {
                    if (blankLine == 0) {
                        blankLine = lineNo;
                    }
                    continue;
                }
                if (blankLine != 0) {
                    throw new DataFormatException(file, "line " + blankLine
                            + ": blank line inside the data (blank lines are allowed only at the end)");
                }
                String[] fields = line.split(",", -1);
                if (fields.length != d) {
                    throw new DataFormatException(file, "line " + lineNo + ": expected " + d
                            + " fields (as in the header), found " + fields.length);
                }
                if ((long) (n + 1) * d > Integer.MAX_VALUE - 8) {
                    throw new DataFormatException(file, "line " + lineNo + ": too many values for one point set");
                }
                if ((n + 1) * d > data.length) {
                    data = Arrays.copyOf(data, (int) Math.min(Integer.MAX_VALUE - 8, 2L * data.length));
                }
                for (int j = 0; j < d; j++) {
                    data[n * d + j] = parseField(file, lineNo, j, fields[j].strip());
                }
                n++;
            }
            if (n == 0) {
                throw new DataFormatException(file, "header only, no data rows");
            }
            return new PointSet(n, d, Arrays.copyOf(data, n * d));
        }
    }

    /**
     * Reads a {@code .npy} point file of shape {@code [n, d]}.
     *
     * @param file the file
     * @return the points
     * @throws DataFormatException if the file is malformed, not 2-D, empty, or has non-finite values
     * @throws IOException if the file cannot be read
     */
    public static PointSet readNpy(Path file) throws IOException {
        NpyArray array = Npy.read(file);
        long[] shape = array.shape();
        if (shape.length != 2) {
            throw new DataFormatException(file, "expected a 2-D array of shape [n, d], found shape "
                    + Arrays.toString(shape) + " (" + shape.length + "-D)");
        }
        if (shape[0] == 0 || shape[1] == 0) {
            throw new DataFormatException(file, "no points: shape " + Arrays.toString(shape)
                    + " (need n >= 1 rows and d >= 1 columns)");
        }
        int n = (int) shape[0];
        int d = (int) shape[1];
        float[] data = array.data();
        for (int k = 0; k < data.length; k++) {
            if (!Float.isFinite(data[k])) {
                throw new DataFormatException(file, "row " + (k / d) + " (0-based), column " + (k % d)
                        + ": non-finite value " + data[k] + " (NaN, infinity, or out of float32 range)");
            }
        }
        return new PointSet(n, d, data);
    }

    private static float parseField(Path file, int lineNo, int j, String text) throws DataFormatException {
        String where = "line " + lineNo + ", field " + (j + 1) + ": ";
        if (DECIMAL.matcher(text).matches()) {
            float v = (float) Double.parseDouble(text);
            if (!Float.isFinite(v)) {
                throw new DataFormatException(file, where + "value " + text + " is out of float32 range");
            }
            return v;
        }
        if (NON_FINITE.matcher(text).matches()) {
            throw new DataFormatException(file, where + "non-finite value '" + text
                    + "' (NaN and infinities are not allowed)");
        }
        if (text.isEmpty()) {
            throw new DataFormatException(file, where + "empty field (expected a number)");
        }
        throw new DataFormatException(file, where + "'" + text + "' is not a number");
    }

    private static String unquote(String s) {
        return s.length() >= 2 && s.startsWith("\"") && s.endsWith("\"") ? s.substring(1, s.length() - 1).strip() : s;
    }

    private static boolean allBlank(BufferedReader reader) throws IOException {
        String line;
        while ((line = reader.readLine()) != null) {
            if (!line.isBlank()) {
                return false;
            }
        }
        return true;
    }
}
