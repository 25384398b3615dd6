package dev.reflowkit.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class ImageResizeTest {

    private static float[] random(int n, long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        float[] v = new float[n];
        for (int i = 0; i < n; i++) {
            v[i] = (float) (r.nextDouble() * 2 - 1);
        }
        return v;
    }

    /**
     * An independent reference: upsample each pixel to an L x L block of the common grid
     * (L = lcm / in), then average blocks of lcm / out.
     */
    private static double[] reference(float[] img, int h, int w, int oh, int ow) {
        int lh = lcm(h, oh);
        int lw = lcm(w, ow);
        double[] out = new double[oh * ow];
        int bh = lh / oh;
        int bw = lw / ow;
        for (int y = 0; y < lh; y++) {
            for (int x = 0; x < lw; x++) {
                out[(y / bh) * ow + x / bw] += img[(y / (lh / h)) * w + x / (lw / w)];
            }
        }
        for (int i = 0; i < out.length; i++) {
            out[i] /= (double) bh * bw;
        }
        return out;
    }

    private static int lcm(int a, int b) {
        int x = a;
        int y = b;
        while (y != 0) {
            int t = x % y;
            x = y;
            y = t;
        }
        return a / x * b;
    }

    @ParameterizedTest
    @CsvSource({"28,28,16,16", "28,28,14,14", "5,7,3,2", "16,16,28,28", "3,3,7,5", "10,6,10,4"})
    void matchesTheCommonGridReference(int h, int w, int oh, int ow) {
        float[] img = random(h * w, h * 100 + w);
        float[] got = ImageResize.resize(img, 1, h, w, oh, ow);
        double[] want = reference(img, h, w, oh, ow);
        for (int i = 0; i < want.length; i++) {
            assertEquals(want[i], got[i], 1e-5, "pixel " + i);
        }
    }

    @Test
    void integerShrinkIsTheBlockMean() {
        float[] img = {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16};
        float[] got = ImageResize.resize(img, 1, 4, 4, 2, 2);
        assertArrayEquals(new float[] {3.5f, 5.5f, 11.5f, 13.5f}, got, 1e-6f);
    }

    @Test
    void massIsPreservedAndConstantsStayConstant() {
        float[] img = random(3 * 28 * 28, 7);
        float[] got = ImageResize.resize(img, 3, 28, 28, 16, 16);
        for (int c = 0; c < 3; c++) {
            double in = 0;
            double out = 0;
            for (int i = 0; i < 28 * 28; i++) {
                in += img[c * 784 + i];
            }
            for (int i = 0; i < 256; i++) {
                out += got[c * 256 + i];
            }
            assertEquals(in, out * (28.0 / 16) * (28.0 / 16), 1e-3, "channel " + c);
        }
        float[] minusOne = new float[28 * 28];
        java.util.Arrays.fill(minusOne, -1f);
        for (float v : ImageResize.resize(minusOne, 1, 28, 28, 16, 16)) {
            assertEquals(-1f, v, "exactly -1, not below");
        }
    }

    @Test
    void channelsAreResizedIndependently() {
        float[] two = new float[2 * 4 * 4];
        java.util.Arrays.fill(two, 0, 16, -1f);
        java.util.Arrays.fill(two, 16, 32, 0.5f);
        float[] got = ImageResize.resize(two, 2, 4, 4, 3, 3);
        for (int i = 0; i < 9; i++) {
            assertEquals(-1f, got[i], 1e-6f);
            assertEquals(0.5f, got[9 + i], 1e-6f);
        }
    }

    @Test
    void centerCropTakesTheMiddleSquare() {
        // 2 rows x 5 columns: values are the column index
        float[] img = {0, 1, 2, 3, 4, 0, 1, 2, 3, 4};
        assertArrayEquals(new float[] {1, 2, 1, 2}, ImageResize.centerCrop(img, 1, 2, 5));
        // 4 rows x 1 column: rows (4 - 1) / 2 = 1
        assertArrayEquals(new float[] {20}, ImageResize.centerCrop(new float[] {10, 20, 30, 40}, 1, 4, 1));
        float[] square = {1, 2, 3, 4};
        float[] copy = ImageResize.centerCrop(square, 1, 2, 2);
        assertArrayEquals(square, copy);
        copy[0] = 9;
        assertEquals(1, square[0], "a copy");
    }

    @Test
    void setLevelResizeKeepsLabelsAndSkipsNoOps() {
        ImageSet s = new ImageSet(new PointSet(2, 2 * 6, random(24, 3)), 1, 2, 6, new int[] {1, 0}, 2);
        ImageSet sq = ImageResize.cropAndResize(s, 2);
        assertArrayEquals(new long[] {1, 2, 2}, sq.sampleShape());
        assertArrayEquals(new int[] {1, 0}, sq.labels());
        assertArrayEquals(ImageResize.centerCrop(java.util.Arrays.copyOfRange(s.pixels().data(), 12, 24), 1, 2, 6),
                java.util.Arrays.copyOfRange(sq.pixels().data(), 4, 8));
        assertSame(sq, ImageResize.resize(sq, 2, 2));
        assertSame(sq, ImageResize.cropAndResize(sq, 2));
    }

    @Test
    void badSizesAreRejected() {
        assertThrows(IllegalArgumentException.class, () -> ImageResize.resize(new float[4], 1, 2, 2, 0, 2));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> ImageResize.resize(new float[5], 1, 2, 2, 1, 1));
        assertEquals("image array of length 5 does not match shape 1x2x2", e.getMessage());
    }
}
