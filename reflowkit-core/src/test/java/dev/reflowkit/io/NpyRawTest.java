package dev.reflowkit.io;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class NpyRawTest {

    @TempDir
    Path dir;

    private Path file(String name, String descr, String shape, byte[] data) throws IOException {
        String dict = "{'descr': '" + descr + "', 'fortran_order': False, 'shape': " + shape + ", }";
        return Files.write(dir.resolve(name), NpyTest.craft(1, dict, data));
    }

    private static byte[] le(int itemSize, long... v) {
        ByteBuffer b = ByteBuffer.allocate(itemSize * v.length).order(ByteOrder.LITTLE_ENDIAN);
        for (long x : v) {
            switch (itemSize) {
                case 1 -> b.put((byte) x);
                case 2 -> b.putShort((short) x);
                case 4 -> b.putInt((int) x);
                default -> b.putLong(x);
            }
        }
        return b.array();
    }

    @Test
    void readsUint8WithoutConversion() throws IOException {
        NpyRawArray a = Npy.readRaw(file("u8.npy", "|u1", "(2, 2)", new byte[] {0, 1, (byte) 200, (byte) 255}));
        assertEquals("u1", a.dtype());
        assertArrayEquals(new long[] {2, 2}, a.shape());
        assertEquals(200, a.longAt(2));
        assertEquals(255.0, a.doubleAt(3));
        assertArrayEquals(new float[] {0, 1, 200, 255}, a.toFloat32());
        assertTrue(a.isInteger());
    }

    @Test
    void readsSignedAndUnsignedIntegersOfEverySize() throws IOException {
        long[] v = {-3, 0, 7};
        for (String t : new String[] {"<i1", "|i1", "<i2", "<i4", "<i8", "=i8"}) {
            int size = Integer.parseInt(t.substring(2));
            NpyRawArray a = Npy.readRaw(file("x.npy", t, "(3,)", le(size, v)));
            assertEquals(-3, a.longAt(0), t);
            assertEquals(7, a.longAt(2), t);
            assertEquals(size, a.itemSize());
        }
        NpyRawArray u2 = Npy.readRaw(file("u2.npy", "<u2", "(1,)", le(2, 65535)));
        assertEquals(65535, u2.longAt(0));
        NpyRawArray u4 = Npy.readRaw(file("u4.npy", "<u4", "(1,)", le(4, 0xffffffffL)));
        assertEquals(0xffffffffL, u4.longAt(0));
    }

    @Test
    void readsFloatsRaw() throws IOException {
        byte[] f4 = NpyTest.le32(0.5f, -1f);
        NpyRawArray a = Npy.readRaw(file("f4.npy", "<f4", "(2,)", f4));
        assertEquals("f4", a.dtype());
        assertFalse(a.isInteger());
        assertArrayEquals(new float[] {0.5f, -1f}, a.toFloat32());
        assertThrows(IllegalStateException.class, () -> a.longAt(0));
        ByteBuffer d = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putDouble(0.25);
        assertEquals(0.25, Npy.readRaw(file("f8.npy", "<f8", "(1,)", d.array())).doubleAt(0));
    }

    @Test
    void rejectsBigEndianAndOtherKinds() throws IOException {
        Map<String, Integer> bytes = Map.of(">i4", 4, "|b1", 1, "<c8", 8, "<U3", 12, "|u2", 2);
        for (Map.Entry<String, Integer> entry : bytes.entrySet()) {
            String t = entry.getKey();
            Path p = file("bad.npy", t, "(1,)", new byte[entry.getValue()]);
            DataFormatException e = assertThrows(DataFormatException.class, () -> Npy.readRaw(p), t);
            assertTrue(e.getMessage().contains("unsupported dtype '" + t + "'"), e.getMessage());
            assertTrue(e.getMessage().contains("'<i8'"), "lists the accepted dtypes: " + e.getMessage());
        }
    }

    @Test
    void structuralChecksStillApply() throws IOException {
        Path cut = file("cut.npy", "<i8", "(3,)", le(8, 1, 2));
        DataFormatException e = assertThrows(DataFormatException.class, () -> Npy.readRaw(cut));
        assertTrue(e.getMessage().contains("truncated data: expected 24 bytes"), e.getMessage());
        Path ints = file("i8.npy", "<i8", "(1,)", le(8, 1));
        assertThrows(DataFormatException.class, () -> Npy.read(ints), "the float reader still rejects integers");
    }

    @Test
    void recordValidatesItsParts() {
        assertThrows(IllegalArgumentException.class, () -> new NpyRawArray("u1", new long[] {3}, new byte[2]));
        assertThrows(IllegalArgumentException.class, () -> new NpyRawArray("x9", new long[] {1}, new byte[1]));
        assertEquals(new NpyRawArray("i2", new long[] {1}, new byte[2]),
                new NpyRawArray("i2", new long[] {1}, new byte[2]));
    }
}
