package dev.reflowkit.metrics;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.reflowkit.data.PointSet;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

class PointMetricsTest {

    @Test
    void evaluateCombinesTheThreeMetrics() {
        PointSet a = TestPoints.fixedA();
        PointSet b = TestPoints.fixedB();
        PointMetrics metrics = PointMetrics.builder().setMmdMedianBandwidth(b).build();
        Map<String, Double> v = metrics.evaluate(a, b);
        assertEquals(Wasserstein2.exact(a, b), v.get("w2"), 0.0);
        assertEquals(EnergyDistance.compute(a, b), v.get("energy"), 0.0);
        assertEquals(RbfMmd.builder().setMedianBandwidth(b).build().compute(a, b), v.get("mmd"), 0.0);
        assertEquals(RbfMmd.medianBandwidth(b), metrics.mmdBandwidth(), 0.0);
    }

    @Test
    void floorIsBelowAShiftedModel() {
        PointSet pool = TestPoints.gaussian(1200, 2, 0, 21);
        PointMetrics metrics = PointMetrics.builder().setMmdMedianBandwidth(pool).build();
        SamplePair data = SamplePair.disjointFrom(pool, 300, 7);
        Map<String, Double> floor = metrics.floor(data.sample(), data.reference());
        Map<String, Double> model =
                metrics.evaluate(TestPoints.gaussian(300, 2, 0.7, 22), data.reference());
        assertTrue(model.get("w2") > floor.get("w2"), model + " vs " + floor);
        assertTrue(model.get("energy") > floor.get("energy"), model + " vs " + floor);
        assertTrue(model.get("mmd") > floor.get("mmd"), model + " vs " + floor);
    }

    @Test
    void floorNeedsEqualSizes() {
        PointMetrics metrics = PointMetrics.builder().setMmdBandwidth(1).build();
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> metrics.floor(TestPoints.gaussian(10, 2, 0, 1),
                        TestPoints.gaussian(11, 2, 0, 2)));
        assertTrue(e.getMessage().contains("10 and 11"), e.getMessage());
    }

    @Test
    void repeatsGiveMeanAndSampleStd() {
        PointMetrics metrics = PointMetrics.builder().setMmdBandwidth(1.2).build();
        PointSet pool = TestPoints.gaussian(400, 2, 0, 31);
        List<SamplePair> pairs = new ArrayList<>();
        double[] w2 = new double[4];
        double[] mmd = new double[4];
        for (int r = 0; r < 4; r++) {
            SamplePair p = SamplePair.disjointFrom(pool, 100, r);
            pairs.add(p);
            Map<String, Double> v = metrics.floor(p.sample(), p.reference());
            w2[r] = v.get("w2");
            mmd[r] = v.get("mmd");
        }
        MetricSummaries s = metrics.floorRepeats(pairs);
        assertEquals(MetricSummary.of(w2), s.get("w2"));
        assertEquals(MetricSummary.of(mmd), s.get("mmd"));
        assertEquals(4, s.get("energy").count());
        assertTrue(s.get("w2").std() > 0);
        assertEquals(s.get("w2"), metrics.evaluateRepeats(pairs).get("w2"));
        assertThrows(IllegalArgumentException.class, () -> metrics.evaluateRepeats(List.of()));
    }

    @Test
    void summaryOfKnownValues() {
        MetricSummary s = MetricSummary.of(1, 2, 3, 4);
        assertEquals(2.5, s.mean(), 1e-15);
        assertEquals(Math.sqrt(5.0 / 3.0), s.std(), 1e-15);
        assertEquals(0.0, MetricSummary.of(7).std(), 0.0);
    }

    @Test
    void disjointSubsetsAreDisjointAndSeeded() {
        int n = 100;
        float[] x = new float[n];
        for (int i = 0; i < n; i++) {
            x[i] = i;
        }
        PointSet pool = new PointSet(n, 1, x);
        SamplePair p = SamplePair.disjointFrom(pool, 40, 5);
        Set<Float> seen = new HashSet<>();
        for (float v : p.sample().data()) {
            assertTrue(seen.add(v));
        }
        for (float v : p.reference().data()) {
            assertTrue(seen.add(v), "value " + v + " in both subsets");
        }
        assertEquals(80, seen.size());
        assertEquals(java.util.Arrays.toString(p.sample().data()),
                java.util.Arrays.toString(SamplePair.disjointFrom(pool, 40, 5).sample().data()));
        assertNotEquals(java.util.Arrays.toString(p.sample().data()),
                java.util.Arrays.toString(SamplePair.disjointFrom(pool, 40, 6).sample().data()));
        assertThrows(IllegalArgumentException.class, () -> SamplePair.disjointFrom(pool, 51, 1));
    }

    @Test
    void w2PointsSubsamplesForW2Only() {
        PointSet a = TestPoints.gaussian(80, 2, 0, 41);
        PointSet b = TestPoints.gaussian(60, 2, 1, 42);
        PointMetrics all = PointMetrics.builder().setMmdBandwidth(1).build();
        assertThrows(IllegalArgumentException.class, () -> all.evaluate(a, b));
        PointMetrics head = PointMetrics.builder().setMmdBandwidth(1).optW2Points(50).build();
        Map<String, Double> v = head.evaluate(a, b);
        assertEquals(Wasserstein2.exact(a.head(50), b.head(50)), v.get("w2"), 0.0);
        assertEquals(EnergyDistance.compute(a, b), v.get("energy"), 0.0);
    }

    @Test
    void requiresAnMmdBandwidth() {
        IllegalStateException e = assertThrows(IllegalStateException.class,
                () -> PointMetrics.builder().build());
        assertTrue(e.getMessage().contains("setMmdBandwidth"), e.getMessage());
    }
}
