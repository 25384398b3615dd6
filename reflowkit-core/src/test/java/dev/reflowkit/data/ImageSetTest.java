package dev.reflowkit.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class ImageSetTest {

    private static ImageSet sample() {
        float[] px = new float[3 * 2 * 2 * 3];
        for (int i = 0; i < px.length; i++) {
            px[i] = i / 100f;
        }
        return new ImageSet(new PointSet(3, 12, px), 2, 2, 3, new int[] {2, 0, 1}, 3);
    }

    @Test
    void shapeAndPixelLayoutAreRowMajorCHW() {
        ImageSet s = sample();
        assertEquals(3, s.n());
        assertArrayEquals(new long[] {2, 2, 3}, s.sampleShape());
        assertEquals((12 + (1 * 2 + 0) * 3 + 2) / 100f, s.pixel(1, 1, 0, 2));
        assertTrue(s.isLabelled());
        assertEquals("3 images 2x2x3, 3 classes", s.describe());
    }

    @Test
    void subsetAndHeadCopyPixelsAndLabels() {
        ImageSet s = sample();
        ImageSet sub = s.subset(new int[] {2, 0, 2});
        assertEquals(3, sub.n());
        assertArrayEquals(new int[] {1, 2, 1}, sub.labels());
        assertEquals(s.pixel(2, 1, 1, 1), sub.pixel(0, 1, 1, 1));
        assertEquals(s.pixel(0, 0, 0, 0), sub.pixel(1, 0, 0, 0));
        ImageSet head = s.head(2);
        assertArrayEquals(new int[] {2, 0}, head.labels());
        head.pixels().data()[0] = 99;
        assertNotEquals(99, s.pixels().data()[0], "head copies");
        assertThrows(IndexOutOfBoundsException.class, () -> s.subset(new int[] {3}));
        assertThrows(IndexOutOfBoundsException.class, () -> s.head(4));
        assertEquals(3, s.labeledPoints().classes());
    }

    @Test
    void validationNamesTheProblem() {
        PointSet p = new PointSet(2, 4, new float[8]);
        assertEquals("pixel rows have 4 values but C*H*W = 1*2*3 = 6",
                assertThrows(IllegalArgumentException.class, () -> new ImageSet(p, 1, 2, 3, null, 0)).getMessage());
        assertEquals("label 5 of image 1 is outside [0, 3)",
                assertThrows(IllegalArgumentException.class, () -> new ImageSet(p, 1, 2, 2, new int[] {0, 5}, 3))
                        .getMessage());
        assertEquals("got 1 labels for 2 images",
                assertThrows(IllegalArgumentException.class, () -> new ImageSet(p, 1, 2, 2, new int[] {0}, 3))
                        .getMessage());
        assertThrows(IllegalArgumentException.class, () -> new ImageSet(p, 1, 2, 2, null, 3));
        assertThrows(IllegalArgumentException.class, () -> new ImageSet(p, 1, 2, 2, new int[] {0, 0}, 0));
        assertThrows(IllegalArgumentException.class, () -> new ImageSet(p, 0, 2, 2, null, 0));
        ImageSet unlabelled = new ImageSet(p, 1, 2, 2, null, 0);
        assertFalse(unlabelled.isLabelled());
        assertThrows(IllegalStateException.class, unlabelled::labeledPoints);
    }

    @Test
    void contentHashIsStableAndSensitive() {
        String h = sample().contentHash();
        assertEquals(64, h.length());
        assertEquals(h, sample().contentHash());
        ImageSet pixel = sample();
        pixel.pixels().data()[5] += 1e-6f;
        assertNotEquals(h, pixel.contentHash());
        ImageSet label = sample();
        label.labels()[0] = 0;
        assertNotEquals(h, label.contentHash());
        ImageSet s = sample();
        ImageSet reshaped = new ImageSet(s.pixels(), 1, 4, 3, s.labels(), 3);
        assertNotEquals(h, reshaped.contentHash());
        ImageSet moreClasses = new ImageSet(s.pixels(), 2, 2, 3, s.labels(), 4);
        assertNotEquals(h, moreClasses.contentHash());
        ImageSet unlabelled = new ImageSet(s.pixels(), 2, 2, 3, null, 0);
        assertNotEquals(h, unlabelled.contentHash());
    }
}
