package dev.reflowkit.data.archive;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.reflowkit.io.DataFormatException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CompressionTest {

    @TempDir
    Path dir;

    @Test
    void detectsByMagicNotByName() throws IOException {
        byte[] data = TestArchives.bytes(3000, 1);
        Path gzNoSuffix = dir.resolve("plain-name");
        Files.write(gzNoSuffix, TestArchives.gzip(data));
        Path rawWithGzSuffix = dir.resolve("raw.gz");
        Files.write(rawWithGzSuffix, data);
        assertEquals(Compression.GZIP, Compression.detect(gzNoSuffix));
        assertEquals(Compression.NONE, Compression.detect(rawWithGzSuffix));
        try (InputStream in = Compression.open(gzNoSuffix)) {
            assertArrayEquals(data, in.readAllBytes());
        }
        try (InputStream in = Compression.open(rawWithGzSuffix)) {
            assertArrayEquals(data, in.readAllBytes());
        }
        assertEquals(Compression.XZ, Compression.detect(new byte[] {(byte) 0xfd, '7', 'z', 'X', 'Z', 0, 1}));
        assertEquals(Compression.ZSTD, Compression.detect(new byte[] {0x28, (byte) 0xb5, 0x2f, (byte) 0xfd}));
        assertEquals(Compression.NONE, Compression.detect(new byte[] {0x1f}));
    }

    @Test
    void emptyFileIsUncompressed() throws IOException {
        Path empty = Files.write(dir.resolve("empty"), new byte[0]);
        assertEquals(Compression.NONE, Compression.detect(empty));
    }

    @Test
    void xzIsReadThroughTheCommand() throws Exception {
        assumeTrue(commandWorks("xz", "--version"), "xz command not installed");
        byte[] data = TestArchives.bytes(20_000, 2);
        Path raw = Files.write(dir.resolve("d.bin"), data);
        Process p = new ProcessBuilder("xz", "-k", raw.toString()).start();
        assertEquals(0, p.waitFor());
        Path xz = dir.resolve("d.bin.xz");
        assertEquals(Compression.XZ, Compression.detect(xz));
        try (InputStream in = Compression.open(xz)) {
            assertArrayEquals(data, in.readAllBytes());
        }
    }

    @Test
    void corruptXzFailsWithTheCommandsMessage() throws Exception {
        assumeTrue(commandWorks("xz", "--version"), "xz command not installed");
        byte[] bad = Arrays.copyOf(new byte[] {(byte) 0xfd, '7', 'z', 'X', 'Z', 0}, 64);
        Path xz = Files.write(dir.resolve("bad.xz"), bad);
        DataFormatException e = assertThrows(DataFormatException.class, () -> {
            try (InputStream in = Compression.open(xz)) {
                in.readAllBytes();
            }
        });
        assertTrue(e.getMessage().contains("'xz -dc' failed with exit code"), e.getMessage());
    }

    private static boolean commandWorks(String... command) {
        try {
            Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
            p.getInputStream().readAllBytes();
            return p.waitFor() == 0;
        } catch (IOException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }
}
