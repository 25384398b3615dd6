package dev.reflowkit.sampling;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDManager;
import dev.reflowkit.engine.Engines;
import dev.reflowkit.field.VelocityField;
import dev.reflowkit.solver.SamplerPlan;
import dev.reflowkit.solver.Samplers;
import dev.reflowkit.solver.grid.UniformGrid;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

class BatchSamplerTest {

    private static final VelocityField NONLINEAR = (x, t) -> x.sin().mul(t.reshape(-1, 1)).add(x.mul(0.3f));

    @Test
    void samplesDependOnSeedNotOnBatchSize() {
        SamplerPlan plan = Samplers.plan("heun", new UniformGrid(), 9, 1.0, 0.0);
        try (NDManager m = Engines.newManager()) {
            GeneratedSamples a = BatchSampler.generate(NONLINEAR, plan, 37, 37, 5, new long[] {2}, m);
            GeneratedSamples b = BatchSampler.generate(NONLINEAR, plan, 37, 8, 5, new long[] {2}, m);
            GeneratedSamples c = BatchSampler.generate(NONLINEAR, plan, 37, 8, 6, new long[] {2}, m);
            assertArrayEquals(a.data(), b.data());
            assertTrue(a.data()[0] != c.data()[0]);
            assertEquals(9.0, a.nfe());
            assertEquals(37, a.points().n());
        }
    }

    @Test
    void aRangeIsTheSliceOfTheWholeRun() {
        SamplerPlan plan = Samplers.plan("heun", new UniformGrid(), 5, 1.0, 0.0);
        try (NDManager m = Engines.newManager()) {
            GeneratedSamples all = BatchSampler.generate(NONLINEAR, plan, 70, 10, 4, new long[] {2}, m);
            GeneratedSamples part = BatchSampler.generateRange(NONLINEAR, plan, 40, 30, 10, 4, new long[] {2}, m);
            assertArrayEquals(Arrays.copyOfRange(all.data(), 80, 140), part.data());
            assertEquals(30, part.count());
        }
    }

    @Test
    void noiseOfSampleIDependsOnlyOnSeedAndI() {
        float[] all = SeededNoise.normal(9, 0, 10, 3);
        float[] tail = SeededNoise.normal(9, 4, 6, 3);
        for (int k = 0; k < tail.length; k++) {
            assertEquals(all[12 + k], tail[k]);
        }
    }

    @Test
    void divergingSamplerIsReportedNotReturned() {
        VelocityField exploding = (x, t) -> x.mul(1e30f).mul(x);
        SamplerPlan plan = Samplers.plan("euler", new UniformGrid(), 4, 1.0, 0.0);
        try (NDManager m = Engines.newManager()) {
            SamplerDivergedException e = assertThrows(SamplerDivergedException.class,
                    () -> BatchSampler.generate(exploding, plan, 4, 4, 1, new long[] {2}, m));
            assertTrue(e.getMessage().contains("diverged"), e.getMessage());
        }
    }
}
