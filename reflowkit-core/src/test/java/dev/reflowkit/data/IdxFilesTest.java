package dev.reflowkit.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.reflowkit.data.archive.TestArchives;
import dev.reflowkit.io.DataFormatException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class IdxFilesTest {

    @TempDir
    Path dir;

    private Path write(String name, byte[] bytes) throws IOException {
        return Files.write(dir.resolve(name), bytes);
    }

    private static DataFormatException assertBad(Path file, IoCall call, String... parts) {
        DataFormatException e = assertThrows(DataFormatException.class, call::run);
        assertTrue(e.getMessage().startsWith(file + ": "), e.getMessage());
        assertTrue(!e.getMessage().contains("\n"), "one line");
        for (String p : parts) {
            assertTrue(e.getMessage().contains(p), "'" + p + "' missing in: " + e.getMessage());
        }
        return e;
    }

    private interface IoCall {
        void run() throws IOException;
    }

    @Test
    void readsImagesScaledToMinusOneOne() throws IOException {
        Path f = write("imgs", TestImages.idxImages(3, 4, 5));
        ImageSet s = IdxFiles.readImages(f);
        assertEquals(3, s.n());
        assertArrayEquals(new long[] {1, 4, 5}, s.sampleShape());
        assertEquals(0, s.classes());
        for (int i = 0; i < 3; i++) {
            for (int y = 0; y < 4; y++) {
                for (int x = 0; x < 5; x++) {
                    assertEquals(TestImages.pixel(i, y, x) / 127.5f - 1f, s.pixel(i, 0, y, x), 1e-7f);
                }
            }
        }
        assertEquals(-1f, IdxFiles.scale8(0));
        assertEquals(1f, IdxFiles.scale8(255));
    }

    @Test
    void gzipIsDetectedByMagicWithOrWithoutSuffix() throws IOException {
        byte[] raw = TestImages.idxImages(2, 3, 3);
        ImageSet expected = IdxFiles.readImages(write("raw", raw));
        ImageSet gzNamed = IdxFiles.readImages(write("a.gz", TestArchives.gzip(raw)));
        ImageSet gzUnnamed = IdxFiles.readImages(write("b-idx3-ubyte", TestArchives.gzip(raw)));
        assertArrayEquals(expected.pixels().data(), gzNamed.pixels().data());
        assertArrayEquals(expected.pixels().data(), gzUnnamed.pixels().data());
    }

    @Test
    void readsLabelledSets() throws IOException {
        Path img = write("i", TestImages.idxImages(4, 2, 2));
        Path lab = write("l.gz", TestArchives.gzip(TestImages.idxLabels(3, 0, 9, 1)));
        ImageSet s = IdxFiles.read(img, lab, 10);
        assertArrayEquals(new int[] {3, 0, 9, 1}, s.labels());
        assertEquals(10, s.classes());
        assertEquals(10, IdxFiles.read(img, lab, 0).classes(), "max label + 1");
    }

    @Test
    void labelCountMismatchNamesBothFiles() throws IOException {
        Path img = write("i", TestImages.idxImages(4, 2, 2));
        Path lab = write("l", TestImages.idxLabels(1, 2, 3));
        DataFormatException e = assertBad(lab, () -> IdxFiles.read(img, lab, 10), "has 3 labels", "has 4 images");
        assertTrue(e.getMessage().contains(img.toString()));
    }

    @Test
    void labelBeyondTheClassCountIsAnError() throws IOException {
        Path img = write("i", TestImages.idxImages(2, 2, 2));
        Path lab = write("l", TestImages.idxLabels(1, 12));
        assertBad(lab, () -> IdxFiles.read(img, lab, 10), "label 12 of image 1");
    }

    @Test
    void wrongMagicIsExplained() throws IOException {
        Path labels = write("labels", TestImages.idxLabels(1, 2));
        assertBad(labels, () -> IdxFiles.readImages(labels), "magic 0x00000801", "expected 0x00000803",
                "this is an IDX label file");
        Path images = write("images", TestImages.idxImages(1, 2, 2));
        assertBad(images, () -> IdxFiles.readLabels(images), "this is an IDX label file".replace("label", "image"));
        Path png = write("x.png", new byte[] {(byte) 0x89, 'P', 'N', 'G', 13, 10, 26, 10});
        assertBad(png, () -> IdxFiles.readImages(png), "not an IDX image file: magic 0x89504e47");
        byte[] ints = TestImages.idxImages(1, 2, 2);
        ints[2] = 0x0c; // int32 values
        Path intFile = write("ints", ints);
        assertBad(intFile, () -> IdxFiles.readImages(intFile), "only unsigned bytes are supported");
    }

    @Test
    void truncatedFilesAreErrors() throws IOException {
        byte[] full = TestImages.idxImages(3, 4, 4);
        Path data = write("cut", Arrays.copyOf(full, full.length - 5));
        assertBad(data, () -> IdxFiles.readImages(data), "truncated IDX data", "need 48 bytes, found 43");
        Path header = write("head", Arrays.copyOf(full, 10));
        assertBad(header, () -> IdxFiles.readImages(header), "truncated IDX header");
        Path empty = write("empty", new byte[0]);
        assertBad(empty, () -> IdxFiles.readImages(empty), "empty file");
        byte[] gz = TestArchives.gzip(full);
        Path cutGz = write("cut.gz", Arrays.copyOf(gz, gz.length - 20));
        assertBad(cutGz, () -> IdxFiles.readImages(cutGz), "gzip");
    }

    @Test
    void trailingBytesAndZeroDimensionsAreErrors() throws IOException {
        byte[] full = TestImages.idxImages(1, 2, 2);
        Path trailing = write("t", Arrays.copyOf(full, full.length + 7));
        assertBad(trailing, () -> IdxFiles.readImages(trailing), "trailing bytes: 7 bytes");
        byte[] zero = TestImages.idxImages(1, 2, 2);
        zero[11] = 0; // H = 0
        Path z = write("z", Arrays.copyOf(zero, 16));
        assertBad(z, () -> IdxFiles.readImages(z), "dimension 1", "is 0");
    }

    @Test
    void findPrefersRawThenGz() throws IOException {
        assertNull(IdxFiles.find(dir, "x"));
        write("x.gz", new byte[] {1});
        assertEquals(dir.resolve("x.gz"), IdxFiles.find(dir, "x"));
        write("x", new byte[] {1});
        assertEquals(dir.resolve("x"), IdxFiles.find(dir, "x"));
    }
}
