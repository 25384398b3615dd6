package dev.reflowkit.report;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.reflowkit.data.PointSet;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;

class TrajectoryStripTest {

    private static final long[] SHAPE = {1, 4, 4};

    /** {@code states} states of {@code n} constant 4x4 images; sample i at state k has value v(i, k). */
    private static List<PointSet> states(int n, int states) {
        List<PointSet> out = new ArrayList<>();
        for (int k = 0; k < states; k++) {
            float[] data = new float[n * 16];
            for (int i = 0; i < n; i++) {
                Arrays.fill(data, i * 16, (i + 1) * 16, value(i, k));
            }
            out.add(new PointSet(n, 16, data));
        }
        return out;
    }

    private static float value(int i, int k) {
        return -1f + 0.1f * i + 0.2f * k;
    }

    @Test
    void oneRowPerSampleAndOneColumnPerState() throws IOException {
        TrajectoryStrip strip = TrajectoryStrip.builder().optSamples(3).optScale(2).optPadding(1).build();
        byte[] png = strip.png(states(10, 5), SHAPE);
        BufferedImage img = ImageIO.read(new ByteArrayInputStream(png));
        assertEquals(5 * 8 + 6, img.getWidth(), "5 states of 8-pixel tiles");
        assertEquals(3 * 8 + 4, img.getHeight(), "3 of the 10 samples");
        for (int i = 0; i < 3; i++) {
            for (int k = 0; k < 5; k++) {
                int x = 1 + k * 9 + 3;
                int y = 1 + i * 9 + 3;
                assertEquals(ImageGridTest.grey(ImageGrid.level(value(i, k))), ImageGridTest.rgb(img, x, y),
                        "sample " + i + " state " + k);
            }
        }
        // Fewer samples than rows: all of them.
        assertEquals(2 * 8 + 3, strip.render(states(2, 5), SHAPE).getHeight());
    }

    @Test
    void manyStatesAreThinnedKeepingNoiseAndImage() {
        TrajectoryStrip strip = TrajectoryStrip.builder().optMaxSteps(12).optScale(1).optPadding(0).build();
        int[] cols = strip.stepColumns(65);
        assertEquals(12, cols.length);
        assertEquals(0, cols[0]);
        assertEquals(64, cols[11]);
        for (int k = 1; k < cols.length; k++) {
            assertTrue(cols[k] > cols[k - 1], "increasing: " + Arrays.toString(cols));
        }
        assertArrayEquals(new int[] {0, 1, 2, 3, 4}, strip.stepColumns(5));
        BufferedImage img = strip.render(states(2, 65), SHAPE);
        assertEquals(12 * 4, img.getWidth());
        // The last column is the last state.
        assertEquals(ImageGridTest.grey(ImageGrid.level(value(1, 64))), ImageGridTest.rgb(img, 12 * 4 - 1, 7));
    }

    @Test
    void mismatchedStatesAreRejected() {
        TrajectoryStrip strip = TrajectoryStrip.builder().build();
        List<PointSet> bad = new ArrayList<>(states(3, 3));
        bad.set(2, new PointSet(2, 16, new float[32]));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> strip.render(bad, SHAPE));
        assertTrue(e.getMessage().contains("state 2 has shape [2, 16]"), e.getMessage());
        IllegalArgumentException d = assertThrows(IllegalArgumentException.class,
                () -> strip.render(states(3, 3), new long[] {1, 5, 5}));
        assertTrue(d.getMessage().contains("[1, 5, 5]"), d.getMessage());
        assertThrows(IllegalArgumentException.class, () -> strip.render(List.of(), SHAPE));
        assertThrows(IllegalArgumentException.class, () -> TrajectoryStrip.builder().optMaxSteps(1));
        assertThrows(IllegalArgumentException.class, () -> TrajectoryStrip.builder().optScale(0));
    }
}
