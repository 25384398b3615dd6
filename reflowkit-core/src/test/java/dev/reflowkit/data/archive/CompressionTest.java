package dev.reflowkit.data.archive;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.reflowkit.io.DataFormatException;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.SequenceInputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

class CompressionTest {

    @TempDir
    Path dir;

    private final byte[] data = TestArchives.bytes(200_000, 2);

    private static UnaryOperator<byte[]> compressor(Compression c) {
        return switch (c) {
            case NONE -> b -> b;
            case GZIP -> TestArchives::gzip;
            case XZ -> TestArchives::xz;
            case ZSTD -> TestArchives::zstd;
        };
    }

    private static byte[] readAll(Path file) throws IOException {
        try (InputStream in = Compression.open(file)) {
            return in.readAllBytes();
        }
    }

    private static String problem(Path file) {
        DataFormatException e = assertThrows(DataFormatException.class, () -> readAll(file));
        assertEquals(file, e.file(), e.getMessage());
        return e.getMessage();
    }

    @Test
    void detectsByMagicNotByName() throws IOException {
        Path gzNoSuffix = Files.write(dir.resolve("plain-name"), TestArchives.gzip(data));
        Path rawWithGzSuffix = Files.write(dir.resolve("raw.gz"), data);
        assertEquals(Compression.GZIP, Compression.detect(gzNoSuffix));
        assertEquals(Compression.NONE, Compression.detect(rawWithGzSuffix));
        assertArrayEquals(data, readAll(gzNoSuffix));
        assertArrayEquals(data, readAll(rawWithGzSuffix));
        assertEquals(Compression.XZ, Compression.detect(new byte[] {(byte) 0xfd, '7', 'z', 'X', 'Z', 0, 1}));
        assertEquals(Compression.ZSTD, Compression.detect(new byte[] {0x28, (byte) 0xb5, 0x2f, (byte) 0xfd}));
        assertEquals(Compression.NONE, Compression.detect(new byte[] {0x1f}));
    }

    @Test
    void emptyAndTinyFilesAreUncompressed() throws IOException {
        Path empty = Files.write(dir.resolve("empty"), new byte[0]);
        assertEquals(Compression.NONE, Compression.detect(empty));
        assertArrayEquals(new byte[0], readAll(empty));
        Path one = Files.write(dir.resolve("one"), new byte[] {0x1f});
        assertArrayEquals(new byte[] {0x1f}, readAll(one));
    }

    @ParameterizedTest
    @EnumSource(Compression.class)
    void everyFormatIsReadInJavaWhateverTheName(Compression c) throws IOException {
        Path f = Files.write(dir.resolve("data.bin"), compressor(c).apply(data));
        assertEquals(c, Compression.detect(f));
        assertArrayEquals(data, readAll(f));
    }

    @ParameterizedTest
    @EnumSource(value = Compression.class, names = {"GZIP", "XZ", "ZSTD"})
    void concatenatedMembersStreamsAndFramesAreOneStream(Compression c) throws IOException {
        byte[] first = Arrays.copyOf(data, 70_001);
        byte[] second = Arrays.copyOfRange(data, 70_001, data.length);
        Path f = Files.write(dir.resolve("two"), TestArchives.concat(compressor(c).apply(first),
                compressor(c).apply(second)));
        assertArrayEquals(data, readAll(f));
    }

    @ParameterizedTest
    @EnumSource(value = Compression.class, names = {"GZIP", "XZ", "ZSTD"})
    void truncatedDataIsAFormatErrorNamingTheFile(Compression c) throws IOException {
        byte[] full = compressor(c).apply(data);
        Path f = Files.write(dir.resolve("cut"), Arrays.copyOf(full, full.length / 2));
        String msg = problem(f);
        String label = c.name().toLowerCase(java.util.Locale.ROOT);
        assertTrue(msg.startsWith(f + ": truncated " + label + " data: ") || msg.startsWith(f + ": corrupt " + label
                + " data: "), msg);
    }

    @ParameterizedTest
    @EnumSource(value = Compression.class, names = {"GZIP", "XZ", "ZSTD"})
    void corruptDataIsAFormatErrorNamingTheFile(Compression c) throws IOException {
        byte[] bad = compressor(c).apply(data);
        bad[bad.length / 2] ^= 0x55;
        Path f = Files.write(dir.resolve("flipped"), bad);
        String msg = problem(f);
        assertTrue(msg.startsWith(f + ": corrupt " + c.name().toLowerCase(java.util.Locale.ROOT) + " data: "), msg);
    }

    @Test
    void aCorruptHeaderFailsAtOpen() throws IOException {
        Path xz = Files.write(dir.resolve("bad.xz"), Arrays.copyOf(new byte[] {(byte) 0xfd, '7', 'z', 'X', 'Z', 0}, 64));
        DataFormatException e = assertThrows(DataFormatException.class, () -> Compression.open(xz).close());
        assertTrue(e.getMessage().startsWith(xz + ": corrupt xz data: "), e.getMessage());
    }

    @Test
    void errorsInAMemberNameTheMember() {
        byte[] cut = Arrays.copyOf(TestArchives.zstd(data), 5000);
        DataFormatException e = assertThrows(DataFormatException.class, () -> {
            try (InputStream in = Compression.decompress(new ByteArrayInputStream(cut), Path.of("x.deb"),
                    "data.tar.zst")) {
                in.readAllBytes();
            }
        });
        assertTrue(e.getMessage().startsWith("x.deb: corrupt zstd data in 'data.tar.zst': "), e.getMessage());
    }

    @Test
    void failuresOfTheSourceArePassedOnUnchanged() {
        IOException disk = new IOException("disk on fire");
        InputStream failing = new SequenceInputStream(new ByteArrayInputStream(Arrays.copyOf(TestArchives.xz(data),
                1000)), new InputStream() {
                    @Override
                    public int read() throws IOException {
                        throw disk;
                    }
                });
        IOException e = assertThrows(IOException.class, () -> {
            try (InputStream in = Compression.decompress(failing, Path.of("x.xz"), null)) {
                in.readAllBytes();
            }
        });
        assertSame(disk, e);
    }
}
