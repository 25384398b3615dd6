package dev.reflowkit.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

class ImageChannelsTest {

    @Test
    void grayToRgbCopiesThePlane() {
        float[] gray = {-1, 0, 0.5f, 1};
        assertArrayEquals(new float[] {-1, 0, 0.5f, 1, -1, 0, 0.5f, 1, -1, 0, 0.5f, 1},
                ImageChannels.convert(gray, 1, 4, 3));
    }

    @Test
    void rgbToGrayIsBt601Luma() {
        float[] rgb = {1, -1, /* G */ -1, 1, /* B */ -1, -1};
        float[] gray = ImageChannels.convert(rgb, 3, 2, 1);
        assertEquals(0.299 - 0.587 - 0.114, gray[0], 1e-6);
        assertEquals(-0.299 + 0.587 - 0.114, gray[1], 1e-6);
        // luma of 8-bit values, then scaled, equals luma of scaled values (weights sum to 1)
        int r = 200;
        int g = 30;
        int b = 90;
        double luma8 = 0.299 * r + 0.587 * g + 0.114 * b;
        assertEquals(luma8 / 127.5 - 1, ImageChannels.luma(IdxFiles.scale8(r), IdxFiles.scale8(g), IdxFiles.scale8(b)),
                1e-6);
        assertEquals(1f, ImageChannels.luma(1, 1, 1), 1e-7f);
    }

    @Test
    void setConversionKeepsLabels() {
        ImageSet gray = new ImageSet(new PointSet(2, 4, new float[] {0, 0, 0, 0, 1, 1, 1, 1}), 1, 2, 2,
                new int[] {0, 1}, 2);
        ImageSet rgb = ImageChannels.convert(gray, 3);
        assertArrayEquals(new long[] {3, 2, 2}, rgb.sampleShape());
        assertArrayEquals(new int[] {0, 1}, rgb.labels());
        assertEquals(1f, rgb.pixel(1, 2, 1, 1));
        assertSame(gray, ImageChannels.convert(gray, 1));
        ImageSet back = ImageChannels.convert(rgb, 1);
        assertArrayEquals(gray.pixels().data(), back.pixels().data(), 1e-6f);
    }

    @Test
    void onlyOneOrThreeChannels() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> ImageChannels.convert(new float[4], 1, 4, 2));
        assertEquals("channels must be 1 (grayscale) or 3 (RGB), got 2", e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> ImageChannels.convert(new float[8], 2, 4, 1));
    }
}
