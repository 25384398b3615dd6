package dev.reflowkit.report;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.reflowkit.data.PointSet;
import java.awt.Color;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ImageGridTest {

    private static final int WHITE = 0xffffff;
    private static final int RED = 0xff0000;

    @Test
    void gridSizeFollowsCountColumnsScaleAndPadding() {
        long[] shape = {1, 16, 16};
        ImageGrid grid = ImageGrid.builder().optColumns(4).optScale(3).optPadding(2).build();
        BufferedImage img = grid.render(new PointSet(10, 256, new float[10 * 256]), shape);
        // 4 columns, 3 rows of 48-pixel tiles with 2 pixels around each.
        assertEquals(4 * 48 + 5 * 2, img.getWidth());
        assertEquals(3 * 48 + 4 * 2, img.getHeight());
        assertEquals(img.getWidth(), grid.width(10, shape));
        assertEquals(img.getHeight(), grid.height(10, shape));
        // Fewer images than columns: one short row.
        BufferedImage few = grid.render(new PointSet(3, 256, new float[3 * 256]), shape);
        assertEquals(3 * 48 + 4 * 2, few.getWidth());
        assertEquals(48 + 2 * 2, few.getHeight());
        // No padding, scale 1: exactly the pixels.
        BufferedImage tight = ImageGrid.builder().optColumns(5).optScale(1).optPadding(0).build()
                .render(new PointSet(10, 3 * 7 * 5, new float[10 * 105]), new long[] {3, 7, 5});
        assertEquals(5 * 5, tight.getWidth());
        assertEquals(2 * 7, tight.getHeight());
    }

    @Test
    void valuesMapToKnownGreyLevels() throws IOException {
        // One 2x3 grey image: row-major (y, x).
        float[] v = {-1f, 1f, 0f, 0.5f, -0.5f, 2f};
        int[] levels = {0, 255, 128, 191, 64, 255};
        float[] two = new float[12];
        System.arraycopy(v, 0, two, 0, 6);
        two[6] = -3f; // the second image: clamped to black, rest 0 (mid grey)
        ImageGrid grid = ImageGrid.builder().optColumns(2).optScale(2).optPadding(1).build();
        long[] shape = {1, 2, 3};
        byte[] png = grid.png(new PointSet(2, 6, two), shape);
        BufferedImage img = ImageIO.read(new ByteArrayInputStream(png));
        assertEquals(2 * 6 + 3, img.getWidth());
        assertEquals(4 + 2, img.getHeight());
        for (int y = 0; y < 2; y++) {
            for (int x = 0; x < 3; x++) {
                int g = levels[y * 3 + x];
                for (int dy = 0; dy < 2; dy++) {
                    for (int dx = 0; dx < 2; dx++) {
                        assertEquals(grey(g), rgb(img, 1 + 2 * x + dx, 1 + 2 * y + dy),
                                "pixel (" + y + ", " + x + ") block (" + dy + ", " + dx + ")");
                    }
                }
            }
        }
        assertEquals(grey(0), rgb(img, 1 + 6 + 1, 1), "second image, first pixel clamped from -3");
        assertEquals(grey(128), rgb(img, 1 + 6 + 1 + 2, 1), "second image, value 0");
        assertEquals(WHITE, rgb(img, 0, 0), "border");
        assertEquals(WHITE, rgb(img, 7, 2), "gap between the images");
        assertEquals(0, ImageGrid.level(-1f));
        assertEquals(255, ImageGrid.level(1f));
        assertEquals(-1, ImageGrid.level(Float.NaN));
    }

    @Test
    void threeChannelsAreRedGreenBluePlanes() {
        // (C, H, W) = (3, 1, 2): planes R = {1, -1}, G = {0, 1}, B = {-1, 0.5}.
        float[] v = {1f, -1f, 0f, 1f, -1f, 0.5f};
        BufferedImage img = ImageGrid.builder().optScale(1).optPadding(0).build()
                .render(new PointSet(1, 6, v), new long[] {3, 1, 2});
        assertEquals(2, img.getWidth());
        assertEquals(1, img.getHeight());
        assertEquals(new Color(255, 128, 0).getRGB() & WHITE, rgb(img, 0, 0));
        assertEquals(new Color(0, 255, 191).getRGB() & WHITE, rgb(img, 1, 0));
    }

    @Test
    void nonFiniteValuesGetTheMarkerColour() {
        float[] grey = {0f, Float.NaN, Float.POSITIVE_INFINITY, 1f};
        BufferedImage img = ImageGrid.builder().optScale(1).optPadding(0).build()
                .render(new PointSet(1, 4, grey), new long[] {1, 2, 2});
        assertArrayEquals(new int[] {grey(128), RED, RED, grey(255)},
                new int[] {rgb(img, 0, 0), rgb(img, 1, 0), rgb(img, 0, 1), rgb(img, 1, 1)});
        // A NaN in one channel (blue of pixel 0) marks the whole RGB pixel; the colour can be changed.
        float[] color = {0f, 0f, 0f, 0f, Float.NaN, 0f};
        BufferedImage rgb = ImageGrid.builder().optScale(1).optPadding(0).optNonFiniteColor(Color.MAGENTA).build()
                .render(new PointSet(1, 6, color), new long[] {3, 1, 2});
        assertEquals(0xff00ff, rgb(rgb, 0, 0));
        assertEquals(grey(128), rgb(rgb, 1, 0));
    }

    @Test
    void writeIsAtomicAndDecodes(@TempDir Path dir) throws IOException {
        Path file = dir.resolve("sub/grid.png");
        ImageGrid grid = ImageGrid.builder().build();
        grid.write(file, new PointSet(5, 16, new float[80]), new long[] {1, 4, 4});
        BufferedImage img = ImageIO.read(file.toFile());
        assertEquals(grid.width(5, new long[] {1, 4, 4}), img.getWidth());
        try (var files = Files.list(file.getParent())) {
            assertEquals(1, files.count(), "no temporary file left behind");
        }
    }

    @Test
    void scaleForMakesSmallImagesVisible() {
        assertEquals(3, ImageGrid.scaleFor(new long[] {1, 16, 16}, 48));
        assertEquals(2, ImageGrid.scaleFor(new long[] {1, 28, 28}, 48));
        assertEquals(2, ImageGrid.scaleFor(new long[] {3, 32, 32}, 48));
        assertEquals(1, ImageGrid.scaleFor(new long[] {3, 64, 64}, 48));
        assertEquals(4, ImageGrid.scaleFor(new long[] {1, 8, 8}, 48));
    }

    @Test
    void badInputsAreRejectedWithClearMessages() {
        ImageGrid grid = ImageGrid.builder().build();
        IllegalArgumentException d = assertThrows(IllegalArgumentException.class,
                () -> grid.render(new PointSet(2, 10, new float[20]), new long[] {1, 3, 3}));
        assertTrue(d.getMessage().contains("10 values") && d.getMessage().contains("[1, 3, 3]"), d.getMessage());
        IllegalArgumentException c = assertThrows(IllegalArgumentException.class,
                () -> grid.render(new PointSet(2, 18, new float[36]), new long[] {2, 3, 3}));
        assertTrue(c.getMessage().contains("got 2"), c.getMessage());
        IllegalArgumentException flat = assertThrows(IllegalArgumentException.class,
                () -> grid.render(new PointSet(2, 2, new float[4]), new long[] {2}));
        assertTrue(flat.getMessage().contains("{C, H, W}, got [2]"), flat.getMessage());
        IllegalArgumentException none = assertThrows(IllegalArgumentException.class,
                () -> grid.render(new PointSet(0, 9, new float[0]), new long[] {1, 3, 3}));
        assertTrue(none.getMessage().contains("at least one image"), none.getMessage());
        IllegalArgumentException big = assertThrows(IllegalArgumentException.class,
                () -> ImageGrid.builder().optColumns(4096).optScale(64).build().width(4096, new long[] {1, 1, 1}));
        assertTrue(big.getMessage().contains("more than " + ImageGrid.MAX_PIXELS_PER_SIDE), big.getMessage());
        assertThrows(IllegalArgumentException.class, () -> ImageGrid.builder().optScale(0));
        assertThrows(IllegalArgumentException.class, () -> ImageGrid.builder().optColumns(0));
        assertThrows(IllegalArgumentException.class, () -> ImageGrid.builder().optPadding(-1));
    }

    static int grey(int level) {
        return (level << 16) | (level << 8) | level;
    }

    static int rgb(BufferedImage img, int x, int y) {
        return img.getRGB(x, y) & WHITE;
    }
}
