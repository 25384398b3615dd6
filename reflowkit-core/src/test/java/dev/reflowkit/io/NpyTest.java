package dev.reflowkit.io;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.reflowkit.data.PointSet;
import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.SplittableRandom;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class NpyTest {

    @TempDir
    Path dir;

    static Path resource(String name) {
        try {
            return Path.of(Objects.requireNonNull(NpyTest.class.getResource("/npy/" + name), name).toURI());
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    /** A .npy file with the given version, header dict (padded here) and raw data. */
    static byte[] craft(int major, String dict, byte[] data) {
        int prefix = major == 1 ? 10 : 12;
        int pad = (64 - (prefix + dict.length() + 1) % 64) % 64;
        byte[] text = (dict + " ".repeat(pad) + "\n")
                .getBytes(major == 3 ? StandardCharsets.UTF_8 : StandardCharsets.ISO_8859_1);
        ByteBuffer b = ByteBuffer.allocate(prefix + text.length + data.length).order(ByteOrder.LITTLE_ENDIAN);
        b.put(new byte[] {(byte) 0x93, 'N', 'U', 'M', 'P', 'Y', (byte) major, 0});
        if (major == 1) {
            b.putShort((short) text.length);
        } else {
            b.putInt(text.length);
        }
        return b.put(text).put(data).array();
    }

    static byte[] le32(float... v) {
        ByteBuffer b = ByteBuffer.allocate(4 * v.length).order(ByteOrder.LITTLE_ENDIAN);
        for (float x : v) {
            b.putFloat(x);
        }
        return b.array();
    }

    private Path file(String name, byte[] bytes) throws IOException {
        Path p = dir.resolve(name);
        Files.write(p, bytes);
        return p;
    }

    /** Asserts reading fails with a one-line message naming the file and containing each part. */
    private static DataFormatException assertBad(Path p, String... parts) {
        DataFormatException e = assertThrows(DataFormatException.class, () -> Npy.read(p));
        String m = e.getMessage();
        assertTrue(m.startsWith(p.toString() + ": "), m);
        assertEquals(p, e.file());
        assertTrue(!m.contains("\n"), "one line: " + m);
        for (String part : parts) {
            assertTrue(m.contains(part), "'" + part + "' missing in: " + m);
        }
        return e;
    }

    // ---- round trips -------------------------------------------------------------------------

    @Test
    void roundTripsManyShapes() throws IOException {
        SplittableRandom rng = new SplittableRandom(1);
        List<long[]> shapes = List.of(new long[] {}, new long[] {0}, new long[] {5}, new long[] {3, 2},
                new long[] {0, 3}, new long[] {2, 3, 4}, new long[] {1, 1, 1, 1}, new long[] {40000, 3});
        for (long[] shape : shapes) {
            int count = (int) Arrays.stream(shape).reduce(1, (a, b) -> a * b);
            float[] data = new float[count];
            for (int i = 0; i < count; i++) {
                data[i] = (float) (rng.nextGaussian() * 100);
            }
            if (count >= 6) {
                data[0] = Float.NaN;
                data[1] = -0.0f;
                data[2] = Float.MIN_VALUE;
                data[3] = Float.MAX_VALUE;
                data[4] = Float.NEGATIVE_INFINITY;
            }
            Path p = dir.resolve("a" + shape.length + "_" + count + ".npy");
            Npy.write(p, data, shape);
            NpyArray back = Npy.read(p);
            assertArrayEquals(shape, back.shape(), Arrays.toString(shape));
            assertArrayEquals(data, back.data(), Arrays.toString(shape));
            assertEquals(new NpyArray(shape, data), back);
            long headerBytes = Files.size(p) - 4L * count;
            assertEquals(0, headerBytes % 64, "data starts 64-byte aligned");
        }
    }

    @Test
    void writesPointSetAsTwoDimensionalArray() throws IOException {
        PointSet ps = new PointSet(3, 2, new float[] {1, 2, 3, 4, 5, 6});
        Path p = dir.resolve("sub/points.npy");
        Npy.write(p, ps);
        NpyArray back = Npy.read(p);
        assertArrayEquals(new long[] {3, 2}, back.shape());
        assertArrayEquals(ps.data(), back.data());
        try (Stream<Path> s = Files.list(p.getParent())) {
            assertEquals(List.of("points.npy"), s.map(x -> x.getFileName().toString()).collect(Collectors.toList()));
        }
    }

    @Test
    void rejectsShapeNotMatchingData() {
        Path p = dir.resolve("x.npy");
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> Npy.write(p, new float[5], new long[] {2, 3}));
        assertTrue(e.getMessage().contains("6") && e.getMessage().contains("5"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> Npy.write(p, new float[0], new long[] {-1}));
        assertTrue(Files.notExists(p));
    }

    // ---- exact bytes against the format spec and numpy -----------------------------------------

    @Test
    void headerBytesFollowTheFormatSpec() throws IOException {
        Path p = dir.resolve("h.npy");
        Npy.write(p, new float[] {1, 2, 3, 4, 5, 6}, new long[] {3, 2});
        byte[] b = Files.readAllBytes(p);
        String dict = "{'descr': '<f4', 'fortran_order': False, 'shape': (3, 2), }";
        // magic, version 1.0, header length 118 as uint16 LE, dict, space padding, newline: 128 bytes
        ByteBuffer expected = ByteBuffer.allocate(128 + 24).order(ByteOrder.LITTLE_ENDIAN);
        expected.put(new byte[] {(byte) 0x93, 'N', 'U', 'M', 'P', 'Y', 1, 0, 118, 0});
        expected.put((dict + " ".repeat(128 - 10 - dict.length() - 1) + "\n").getBytes(StandardCharsets.US_ASCII));
        expected.put(new byte[] {0, 0, (byte) 0x80, 0x3f}); // 1.0f little-endian
        expected.put(le32(2, 3, 4, 5, 6));
        assertArrayEquals(expected.array(), b);
    }

    @Test
    void headerForOneDimensionalAndScalarShapesUsesPythonTupleSyntax() {
        String h1 = new String(Npy.headerBytes(new long[] {5}), StandardCharsets.ISO_8859_1);
        assertTrue(h1.contains("'shape': (5,), }"), h1);
        String h0 = new String(Npy.headerBytes(new long[] {}), StandardCharsets.ISO_8859_1);
        assertTrue(h0.contains("'shape': (), }"), h0);
        assertEquals(0, Npy.headerBytes(new long[] {123456789, 7, 8}).length % 64);
        assertTrue(h1.endsWith("\n"));
    }

    @Test
    void writerOutputIsByteIdenticalToNumpySave() throws IOException {
        // f32_2x3_numpy.npy = np.save(np.arange(6, dtype=np.float32).reshape(2, 3) * 0.5 - 1)
        Path p = dir.resolve("mine.npy");
        Npy.write(p, new float[] {-1f, -0.5f, 0f, 0.5f, 1f, 1.5f}, new long[] {2, 3});
        assertArrayEquals(Files.readAllBytes(resource("f32_2x3_numpy.npy")), Files.readAllBytes(p));
    }

    // ---- numpy-written files ------------------------------------------------------------------

    private static final float[] F32_3X2 = {0.5f, -1.25f, 3.0e-8f, 1.0e20f, -0.1f, 7.0f};
    private static final float[] F64_4X3 = {
        (float) 0.1, -2.5f, (float) 1e-3, (float) 12345.678, -0.0f, 3.0f,
        (float) (1.0 / 3), (float) (2.0 / 3), (float) -1e10, 4.0f, 5.5f, -6.25f,
    };

    @Test
    void readsNumpyFloat32Exactly() throws IOException {
        NpyArray a = Npy.read(resource("f32_3x2.npy"));
        assertArrayEquals(new long[] {3, 2}, a.shape());
        assertArrayEquals(F32_3X2, a.data());
    }

    @Test
    void readsNumpyFloat64RoundedToFloat32() throws IOException {
        NpyArray a = Npy.read(resource("f64_4x3.npy"));
        assertArrayEquals(new long[] {4, 3}, a.shape());
        assertArrayEquals(F64_4X3, a.data());
        assertEquals(Float.floatToIntBits(-0.0f), Float.floatToIntBits(a.data()[4]));
    }

    @Test
    void readsFormatVersions2And3() throws IOException {
        NpyArray v2 = Npy.read(resource("f32_3x2_v2.npy"));
        assertArrayEquals(new long[] {3, 2}, v2.shape());
        assertArrayEquals(F32_3X2, v2.data());
        NpyArray v3 = Npy.read(resource("f64_4x3_v3.npy"));
        assertArrayEquals(new long[] {4, 3}, v3.shape());
        assertArrayEquals(F64_4X3, v3.data());
    }

    @Test
    void readsOldStyleHeaders() throws IOException {
        // Python 2 numpy wrote longs with an L suffix; double quotes and no trailing comma are valid too.
        Path p = file("old.npy", craft(1, "{\"descr\": \"<f4\", \"shape\": (2L, 1L), \"fortran_order\": False}",
                le32(1f, 2f)));
        NpyArray a = Npy.read(p);
        assertArrayEquals(new long[] {2, 1}, a.shape());
        assertArrayEquals(new float[] {1f, 2f}, a.data());
    }

    // ---- errors ------------------------------------------------------------------------------

    @Test
    void badMagic() throws IOException {
        assertBad(file("csv.npy", "x,y\n1,2\n".getBytes(StandardCharsets.US_ASCII)), "bad magic", "x,y");
        assertBad(file("empty.npy", new byte[0]), "bad magic", "empty file");
        assertBad(file("short.npy", new byte[] {(byte) 0x93, 'N', 'U'}), "bad magic");
    }

    @Test
    void unsupportedVersion() throws IOException {
        byte[] b = craft(1, "{'descr': '<f4', 'fortran_order': False, 'shape': (1,), }", le32(1));
        b[6] = 4;
        assertBad(file("v4.npy", b), "unsupported .npy format version 4.0", "1.0, 2.0, 3.0");
        b[6] = 1;
        b[7] = 1;
        assertBad(file("v11.npy", b), "unsupported .npy format version 1.1");
    }

    @Test
    void truncatedHeader() throws IOException {
        byte[] b = craft(1, "{'descr': '<f4', 'fortran_order': False, 'shape': (1,), }", le32(1));
        assertBad(file("cut9.npy", Arrays.copyOf(b, 9)), "truncated header");
        assertBad(file("cut30.npy", Arrays.copyOf(b, 30)), "truncated header", "expected 118 header bytes, found 20");
    }

    @Test
    void unparsableHeader() throws IOException {
        assertBad(file("syntax.npy", craft(1, "{'descr' '<f4', 'fortran_order': False, 'shape': (1,), }",
                le32(1))), "unparsable header", "expected ':'", "{'descr' '<f4'");
        assertBad(file("notdict.npy", craft(1, "['descr', '<f4']", le32(1))), "unparsable header");
        assertBad(file("missing.npy", craft(1, "{'descr': '<f4', 'shape': (1,), }", le32(1))),
                "unparsable header", "lacks the key 'fortran_order'");
        assertBad(file("extra.npy", craft(1, "{'descr': '<f4', 'fortran_order': False, 'shape': (1,), 'x': 1}",
                le32(1))), "unparsable header", "unexpected header key 'x'");
        assertBad(file("shape.npy", craft(1, "{'descr': '<f4', 'fortran_order': False, 'shape': (1, -2), }",
                le32(1))), "unparsable header", "non-negative");
        assertBad(file("order.npy", craft(1, "{'descr': '<f4', 'fortran_order': 0, 'shape': (1,), }",
                le32(1))), "unparsable header", "'fortran_order' must be True or False");
        assertBad(file("latin.npy", craft(1, "{'descr': '<f4', 'fortran_order': False, 'shape': (1,), } junk",
                le32(1))), "unparsable header", "unexpected text after");
    }

    @Test
    void unsupportedDtypeIsNamed() throws IOException {
        assertBad(resource("i8_2x2.npy"), "unsupported dtype '<i8'", "'<f4'", "'<f8'");
        assertBad(resource("f4_big_endian.npy"), "unsupported dtype '>f4'");
        assertBad(file("struct.npy", craft(1,
                "{'descr': [('a', '<f4'), ('b', '<f4')], 'fortran_order': False, 'shape': (1,), }", le32(1, 2))),
                "unsupported dtype [('a', '<f4'), ('b', '<f4')] (structured)");
    }

    @Test
    void fortranOrderIsRejected() {
        assertBad(resource("f32_fortran.npy"), "fortran_order is True", "column-major");
    }

    @Test
    void truncatedDataSaysExpectedAndActualBytes() throws IOException {
        byte[] b = Files.readAllBytes(resource("f32_3x2.npy"));
        assertBad(file("trunc.npy", Arrays.copyOf(b, b.length - 4)),
                "truncated data", "expected 24 bytes", "found 20", "(3, 2)");
        byte[] d = Files.readAllBytes(resource("f64_4x3.npy"));
        assertBad(file("trunc64.npy", Arrays.copyOf(d, d.length - 1)), "expected 96 bytes", "found 95", "'<f8'");
    }

    @Test
    void trailingGarbageIsRejected() throws IOException {
        byte[] b = Files.readAllBytes(resource("f32_3x2.npy"));
        assertBad(file("trail.npy", Arrays.copyOf(b, b.length + 3)), "trailing garbage", "3 bytes after the 24");
    }

    @Test
    void hugeShapeIsRejectedBeforeAllocating() throws IOException {
        assertBad(file("huge.npy", craft(2, "{'descr': '<f4', 'fortran_order': False, 'shape': (100000, 100000), }",
                le32(1))), "too large");
        assertBad(file("overflow.npy", craft(1,
                "{'descr': '<f4', 'fortran_order': False, 'shape': (9223372036854775807, 4), }", le32(1))),
                "too large");
    }
}
