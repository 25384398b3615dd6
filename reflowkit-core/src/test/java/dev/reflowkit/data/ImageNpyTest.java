package dev.reflowkit.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.reflowkit.io.DataFormatException;
import java.io.IOException;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ImageNpyTest {

    @TempDir
    Path dir;

    private static void assertMessage(DataFormatException e, Path file, String part) {
        assertEquals(file, e.file());
        assertTrue(e.getMessage().contains(part), "'" + part + "' missing in: " + e.getMessage());
    }

    @Test
    void uint8ArraysAreScaled() throws IOException {
        Path f = TestImages.npy(dir.resolve("imgs.npy"), "|u1", "(2, 2, 3)",
                new byte[] {0, 127, (byte) 255, 1, 2, 3, 4, 5, 6, 7, 8, 9});
        ImageSet s = ImageNpy.read(f);
        assertArrayEquals(new long[] {1, 2, 3}, s.sampleShape());
        assertEquals(2, s.n());
        assertEquals(-1f, s.pixel(0, 0, 0, 0));
        assertEquals(1f, s.pixel(0, 0, 0, 2));
        assertEquals(IdxFiles.scale8(9), s.pixel(1, 0, 1, 2));
        assertNull(s.labels());
    }

    @Test
    void float32NchwArraysAreTakenAsIs() throws IOException {
        float[] v = new float[2 * 3 * 1 * 2];
        for (int i = 0; i < v.length; i++) {
            v[i] = -1 + i / 6f;
        }
        v[3] = 1.0005f; // within the tolerance, clamped
        Path f = TestImages.npy(dir.resolve("rgb.npy"), "<f4", "(2, 3, 1, 2)", TestImages.f32(v));
        ImageSet s = ImageNpy.read(f);
        assertArrayEquals(new long[] {3, 1, 2}, s.sampleShape());
        assertEquals(v[7], s.pixel(1, 0, 0, 1));
        assertEquals(1f, s.pixel(0, 1, 0, 1), "clamped");
    }

    @Test
    void labelsComeFromTheSiblingFile() throws IOException {
        Path f = TestImages.npy(dir.resolve("digits.npy"), "|u1", "(3, 1, 1)", new byte[] {1, 2, 3});
        assertEquals(dir.resolve("digits.labels.npy"), ImageNpy.labelsFile(f));
        TestImages.npy(dir.resolve("digits.labels.npy"), "<i8", "(3,)", TestImages.i64(4, 0, 2));
        ImageSet s = ImageNpy.read(f);
        assertArrayEquals(new int[] {4, 0, 2}, s.labels());
        assertEquals(5, s.classes());
    }

    @Test
    void badLabelsAreExplained() throws IOException {
        Path f = TestImages.npy(dir.resolve("d.npy"), "|u1", "(3, 1, 1)", new byte[] {1, 2, 3});
        Path labels = TestImages.npy(dir.resolve("d.labels.npy"), "<i8", "(2,)", TestImages.i64(0, 1));
        assertMessage(assertThrows(DataFormatException.class, () -> ImageNpy.read(f)), labels,
                "has 2 labels but the image array has 3 images");
        TestImages.npy(labels, "<i8", "(3,)", TestImages.i64(0, -1, 1));
        assertMessage(assertThrows(DataFormatException.class, () -> ImageNpy.read(f)), labels,
                "label -1 of image 1 is not a class id");
        TestImages.npy(labels, "<f4", "(3,)", TestImages.f32(0, 1, 2));
        assertMessage(assertThrows(DataFormatException.class, () -> ImageNpy.read(f)), labels,
                "expected integers");
    }

    @Test
    void floatValuesOutsideTheRangeAreRejected() throws IOException {
        Path big = TestImages.npy(dir.resolve("big.npy"), "<f4", "(1, 1, 2)", TestImages.f32(0.5f, 255f));
        assertMessage(assertThrows(DataFormatException.class, () -> ImageNpy.read(big)), big,
                "float pixel 255.0 (image 0, value 1) is outside [-1, 1]");
        Path nan = TestImages.npy(dir.resolve("nan.npy"), "<f4", "(1, 1, 2)", TestImages.f32(Float.NaN, 0));
        assertMessage(assertThrows(DataFormatException.class, () -> ImageNpy.read(nan)), nan, "is not finite");
    }

    @Test
    void wrongShapesAndDtypesAreRejected() throws IOException {
        Path flat = TestImages.npy(dir.resolve("flat.npy"), "|u1", "(2, 2)", new byte[4]);
        assertMessage(assertThrows(DataFormatException.class, () -> ImageNpy.read(flat)), flat,
                "expected (N, H, W) or (N, C, H, W)");
        Path four = TestImages.npy(dir.resolve("four.npy"), "|u1", "(1, 4, 1, 1)", new byte[4]);
        assertMessage(assertThrows(DataFormatException.class, () -> ImageNpy.read(four)), four, "has 4 channels");
        Path ints = TestImages.npy(dir.resolve("ints.npy"), "<i8", "(1, 1, 1)", TestImages.i64(3));
        assertMessage(assertThrows(DataFormatException.class, () -> ImageNpy.read(ints)), ints,
                "expected uint8 (0..255) or float32");
        Path big = TestImages.npy(dir.resolve("be.npy"), ">f4", "(1, 1, 1)", new byte[4]);
        assertMessage(assertThrows(DataFormatException.class, () -> ImageNpy.read(big)), big,
                "unsupported dtype '>f4'");
        Path empty = TestImages.npy(dir.resolve("empty.npy"), "|u1", "(0, 2, 2)", new byte[0]);
        assertMessage(assertThrows(DataFormatException.class, () -> ImageNpy.read(empty)), empty, "holds no pixels");
    }
}
