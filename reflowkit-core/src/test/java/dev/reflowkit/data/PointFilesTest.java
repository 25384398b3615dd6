package dev.reflowkit.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.reflowkit.io.DataFormatException;
import dev.reflowkit.io.Npy;
import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Objects;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PointFilesTest {

    @TempDir
    Path dir;

    private Path csv(String name, String content) throws IOException {
        Path p = dir.resolve(name);
        Files.writeString(p, content, StandardCharsets.UTF_8);
        return p;
    }

    static Path resource(String name) {
        try {
            return Path.of(Objects.requireNonNull(PointFilesTest.class.getResource("/npy/" + name), name).toURI());
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Asserts reading fails with a one-line message that starts with the file and has each part. */
    private static void assertBad(Path p, String... parts) {
        DataFormatException e = assertThrows(DataFormatException.class, () -> PointFiles.read(p));
        String m = e.getMessage();
        assertTrue(m.startsWith(p + ": "), m);
        assertTrue(!m.contains("\n"), "one line: " + m);
        for (String part : parts) {
            assertTrue(m.contains(part), "'" + part + "' missing in: " + m);
        }
    }

    @Test
    void readsCsvWithHeader() throws IOException {
        Path p = csv("pts.csv", "x,y\n1,2\n-3.5, 4e-2\n+.5,6.\n\n\n");
        PointSet ps = PointFiles.read(p);
        assertEquals(3, ps.n());
        assertEquals(2, ps.d());
        assertArrayEquals(new float[] {1f, 2f, -3.5f, 0.04f, 0.5f, 6f}, ps.data());
    }

    @Test
    void readsCsvWithBomCrlfQuotedHeaderAndThreeColumns() throws IOException {
        Path p = csv("WIN.CSV", "\uFEFF\"a\", \"b\" ,c\r\n1,2,3\r\n4,5,6\r\n");
        PointSet ps = PointFiles.read(p);
        assertEquals(2, ps.n());
        assertEquals(3, ps.d());
        assertArrayEquals(new float[] {1, 2, 3, 4, 5, 6}, ps.data());
    }

    @Test
    void csvEmptyFileAndHeaderOnly() throws IOException {
        assertBad(csv("empty.csv", ""), "empty file");
        assertBad(csv("blank.csv", "\n \n\n"), "empty file");
        assertBad(csv("header.csv", "x,y\n"), "header only, no data rows");
        assertBad(csv("header2.csv", "x,y\n\n  \n"), "header only");
    }

    @Test
    void csvErrorsNameLineAndField() throws IOException {
        assertBad(csv("word.csv", "x,y\n1,2\n3,abc\n"), "line 3, field 2", "'abc' is not a number");
        assertBad(csv("count.csv", "x,y\n1,2\n3,4\n5,6,7\n"), "line 4", "expected 2 fields", "found 3");
        assertBad(csv("short.csv", "x,y,z\n1,2\n"), "line 2", "expected 3 fields", "found 2");
        assertBad(csv("emptyfield.csv", "x,y\n1,\n"), "line 2, field 2", "empty field");
        assertBad(csv("hole.csv", "x,y\n1,2\n\n3,4\n"), "line 3", "blank line inside the data");
        assertBad(csv("noname.csv", ",x,y\n0,1,2\n"), "line 1", "column 1 has an empty name");
        assertBad(csv("hex.csv", "x\n0x10\n"), "line 2, field 1", "'0x10' is not a number");
        assertBad(csv("suffix.csv", "x\n1f\n"), "'1f' is not a number");
    }

    @Test
    void csvNonFiniteValuesAreErrors() throws IOException {
        assertBad(csv("nan.csv", "x,y\n1,2\nNaN,3\n"), "line 3, field 1", "non-finite value 'NaN'");
        assertBad(csv("inf.csv", "x,y\n1,-inf\n"), "line 2, field 2", "non-finite value '-inf'");
        assertBad(csv("big.csv", "x,y\n1,2\n1e39,0\n"), "line 3, field 1", "out of float32 range");
    }

    @Test
    void unsupportedExtension() throws IOException {
        assertBad(csv("points.txt", "x\n1\n"), "unsupported point-file type");
    }

    @Test
    void readsNpyFloat32AndFloat64() throws IOException {
        PointSet f32 = PointFiles.read(resource("f32_3x2.npy"));
        assertEquals(3, f32.n());
        assertEquals(2, f32.d());
        assertArrayEquals(new float[] {0.5f, -1.25f, 3.0e-8f, 1.0e20f, -0.1f, 7.0f}, f32.data());
        PointSet f64 = PointFiles.read(resource("f64_4x3.npy"));
        assertEquals(4, f64.n());
        assertEquals(3, f64.d());
        assertEquals((float) (1.0 / 3), f64.get(2, 0));
    }

    @Test
    void npyMustBeTwoDimensionalAndNonEmpty() throws IOException {
        assertBad(resource("f32_rank3.npy"), "expected a 2-D array", "[2, 2, 2]", "3-D");
        Path oneD = dir.resolve("v.npy");
        Npy.write(oneD, new float[] {1, 2, 3}, new long[] {3});
        assertBad(oneD, "expected a 2-D array", "[3]");
        Path noRows = dir.resolve("e.npy");
        Npy.write(noRows, new float[0], new long[] {0, 2});
        assertBad(noRows, "no points", "[0, 2]");
    }

    @Test
    void npyNonFiniteValuesNameTheRow() throws IOException {
        assertBad(resource("f64_nan.npy"), "row 1 (0-based), column 0", "NaN");
        Path inf = dir.resolve("inf.npy");
        Npy.write(inf, new float[] {0, 0, 0, 0, 0, Float.POSITIVE_INFINITY}, new long[] {3, 2});
        assertBad(inf, "row 2 (0-based), column 1", "Infinity");
    }

    @Test
    void npyFormatErrorsPropagateWithTheFileName() {
        assertBad(resource("f32_fortran.npy"), "fortran_order is True");
        assertBad(resource("i8_2x2.npy"), "unsupported dtype '<i8'");
    }

    @Test
    void roundTripsThroughNpy() throws IOException {
        PointSet ps = Toy2d.generate("moons", 257, 9);
        Path p = dir.resolve("moons.npy");
        Npy.write(p, ps);
        PointSet back = PointFiles.read(p);
        assertEquals(ps.n(), back.n());
        assertArrayEquals(ps.data(), back.data());
    }
}
