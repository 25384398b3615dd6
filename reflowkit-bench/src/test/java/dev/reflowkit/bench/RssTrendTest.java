package dev.reflowkit.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class RssTrendTest {

    @Test
    void slopeIsTheLeastSquaresFitAfterWarmup() {
        List<double[]> points = new ArrayList<>();
        points.add(new double[] {0, 900}); // warm-up spike, left out
        for (int step = 1000; step <= 10_000; step += 1000) {
            points.add(new double[] {step, 500 + 0.002 * step + (step % 2000 == 0 ? 1 : -1)});
        }
        RssTrend t = new RssTrend("train", "steps", 10_000, points, 1000, 950);
        assertEquals(2.0, t.slope(1000), 0.2);
        assertEquals(502.0 - 1 + 0, t.rssAt(1000), 1e-9);
        assertEquals(500 + 20 + 1, t.lastMb(), 1e-9);
        double[] range = t.rangeAfterWarmup();
        assertEquals(501, range[0], 1e-9);
        assertEquals(521, range[1], 1e-9);
    }

    @Test
    void flatSeriesHasZeroSlopeAndTooFewPointsHaveNone() {
        List<double[]> flat = List.of(new double[] {1, 300}, new double[] {2, 300}, new double[] {3, 300});
        assertEquals(0.0, new RssTrend("x", "steps", 3, flat, 0, 300).slope(1000), 1e-12);
        assertTrue(Double.isNaN(new RssTrend("x", "steps", 3, flat, 3, 300).slope(1000)));
        assertTrue(Double.isNaN(new RssTrend("x", "steps", 3, flat, 0, 300).rssAt(4)));
    }
}
