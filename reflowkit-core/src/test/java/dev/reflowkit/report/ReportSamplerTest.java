package dev.reflowkit.report;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDManager;
import dev.reflowkit.engine.Engines;
import dev.reflowkit.field.VelocityField;
import dev.reflowkit.sampling.SeededNoise;
import dev.reflowkit.solver.SamplerPlan;
import dev.reflowkit.solver.Samplers;
import dev.reflowkit.solver.grid.UniformGrid;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

class ReportSamplerTest {

    /** {@code v = x}: from 1 to 0 every sample shrinks along a straight ray. */
    private static final VelocityField RADIAL = (x, t) -> x.mul(1f);

    /** Rotation plus shrinkage: curved paths. */
    private static final VelocityField SPIRAL = (x, t) -> {
        var a = x.get(":, 0:1");
        var b = x.get(":, 1:2");
        return a.mul(0.5f).add(b.mul(3f)).concat(b.mul(0.5f).sub(a.mul(3f)), 1);
    };

    @Test
    void samplesAndTrajectoriesShareTheirNoiseSeeds() {
        ReportSampler sampler = ReportSampler.builder().optSampleCount(50).optTrajectoryCount(8).optBatchSize(16)
                .optSeed(42).build();
        SamplerPlan plan = Samplers.plan("heun", new UniformGrid(), 8, 1.0, 0.0);
        ReportData.Builder b = ReportData.builder().setTitle("t");
        try (NDManager m = Engines.newManager()) {
            assertEquals(8, sampler.addSamples(b, "radial", RADIAL, new long[] {2}, plan, m));
            assertEquals(8, sampler.addTrajectories(b, "radial", RADIAL, new long[] {2}, plan, m));
            sampler.addTrajectories(b, "spiral", SPIRAL, new long[] {2}, plan, m);
        }
        ReportData data = b.build();
        ModelSamples s = data.samples().get(0);
        assertEquals(50, s.points().n());
        ModelTrajectories t = data.trajectories().get(0);
        assertEquals(plan.steps() + 1, t.states().size(), "start, every grid point, end");
        assertEquals(8, t.paths());
        assertArrayEquals(SeededNoise.normal(42, 0, 8, 2), t.states().get(0).data(), "paths start at the noise");
        float[] end = t.states().get(t.states().size() - 1).data();
        float[] firstSamples = Arrays.copyOf(s.points().data(), 16);
        for (int k = 0; k < end.length; k++) {
            assertEquals(firstSamples[k], end[k], 1e-5, "path i ends at sample i");
        }
        assertEquals(1.0, t.straightness(), 1e-5, "radial paths are straight");
        double spiral = data.trajectories().get(1).straightness();
        assertTrue(spiral < 0.9, "spiral paths are curved: " + spiral);
    }

    @Test
    void adaptivePlansAreAddedAtTheirMeasuredNfe() {
        ReportSampler sampler = ReportSampler.builder().optSampleCount(20).optTrajectoryCount(4).build();
        SamplerPlan plan = Samplers.plan("dopri5", null, 0, 1.0, 0.0);
        ReportData.Builder b = ReportData.builder().setTitle("t");
        try (NDManager m = Engines.newManager()) {
            int nfe = sampler.addSamples(b, "spiral", SPIRAL, new long[] {2}, plan, m);
            assertTrue(nfe >= 6, "dopri5 spends at least one step: " + nfe);
            assertEquals(nfe, b.build().samples().get(0).nfe());
        }
    }

    @Test
    void emptyTrajectoriesAndFlatSamplesAreRejected() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> ReportSampler.toPointSets(List.of()));
        assertTrue(e.getMessage().contains("keepTrajectory"), e.getMessage());
        ReportSampler sampler = ReportSampler.builder().build();
        SamplerPlan plan = Samplers.plan("euler", new UniformGrid(), 2, 1.0, 0.0);
        try (NDManager m = Engines.newManager()) {
            IllegalArgumentException flat = assertThrows(IllegalArgumentException.class, () -> sampler.addTrajectories(
                    ReportData.builder(), "m", RADIAL, new long[] {1}, plan, m));
            assertTrue(flat.getMessage().contains("[1]"), flat.getMessage());
        }
        assertThrows(IllegalArgumentException.class, () -> ReportSampler.builder().optSampleCount(0));
    }
}
