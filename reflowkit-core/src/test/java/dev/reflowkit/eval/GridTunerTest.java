package dev.reflowkit.eval;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import dev.reflowkit.engine.Engines;
import dev.reflowkit.field.VelocityField;
import dev.reflowkit.io.DataFormatException;
import dev.reflowkit.path.LinearPath;
import dev.reflowkit.solver.DormandPrinceSolver;
import dev.reflowkit.solver.SamplerPlan;
import dev.reflowkit.solver.grid.EdmGrid;
import dev.reflowkit.solver.grid.SigmoidGrid;
import dev.reflowkit.solver.grid.TimeGrid;
import dev.reflowkit.solver.grid.UniformGrid;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The grid tuner on a field whose curvature sits near the data end, and the tuned-grid sidecar. */
class GridTunerTest {

    /** {@code v = lambda x / (t + c)}: x(t) = x(1) ((t + c) / (1 + c))^lambda, steep near t = 0. */
    private static final VelocityField STEEP = (x, t) -> {
        NDArray tb = LinearPath.broadcastTime(t, x);
        return x.mul(1.5f).div(tb.add(0.05f));
    };

    private static Map<String, TimeGrid> baselines() {
        Map<String, TimeGrid> m = new LinkedHashMap<>();
        m.put("uniform", new UniformGrid());
        m.put("edm", EdmGrid.builder().build());
        m.put("sigmoid", SigmoidGrid.builder().build());
        return m;
    }

    private static GridTuner tuner() {
        return GridTuner.builder()
                .setField(STEEP)
                .setSampleShape(new long[] {2})
                .setReference(new SamplerPlan(DormandPrinceSolver.builder().optAtol(1e-7).optRtol(1e-7).build(),
                        new double[] {1, 0}, 0))
                .optCount(64)
                .optSeed(3)
                .build();
    }

    @Test
    void tunedGridsBeatEveryBaselineAndAreDeterministic() {
        try (NDManager m = Engines.newManager()) {
            for (int nfe : new int[] {3, 6, 9}) {
                GridTuner.Result r = tuner().tune("heun", nfe, baselines(), m);
                double best = r.baselineErrors().values().stream().mapToDouble(Double::doubleValue).min().orElseThrow();
                assertTrue(r.error() <= best, "NFE " + nfe + ": tuned " + r.error() + " vs best baseline " + best);
                double[] t = r.times();
                assertEquals(1.0, t[0], 0.0);
                assertEquals(0.0, t[t.length - 1], 0.0);
                for (int i = 1; i < t.length; i++) {
                    assertTrue(t[i] < t[i - 1], "monotone at " + i);
                }
                assertArrayEquals(t, tuner().tune("heun", nfe, baselines(), m).times(), 0.0, "same seed, same grid");
                if (nfe >= 6) {
                    assertTrue(r.error() < 0.5 * r.baselineErrors().get("uniform"),
                            "NFE " + nfe + ": tuned " + r.error() + " vs uniform " + r.baselineErrors().get("uniform"));
                }
            }
        }
    }

    @Test
    void oneStepHasNothingToTune() {
        try (NDManager m = Engines.newManager()) {
            GridTuner.Result r = tuner().tune("heun", 2, baselines(), m);
            assertArrayEquals(new double[] {1, 0}, r.times(), 0.0);
            assertEquals(3, r.evaluations());
        }
    }

    @Test
    void sidecarRoundTripsAndIgnoresOtherWeights(@TempDir Path dir) throws Exception {
        Path ckpt = dir.resolve("model.ckpt");
        Files.writeString(ckpt, "weights A");
        assertEquals(dir.resolve("model.grids.json"), TunedGrids.sidecar(ckpt));
        GridTuner.Result r = new GridTuner.Result("heun", 9, new double[] {1, 0.7, 0.4, 0.2, 0.05, 0}, 0.01,
                Map.of("uniform", 0.05), 40, 64, 3, 1.5);
        TunedGrids.read(ckpt).record(r);
        GridTuner.Result back = TunedGrids.read(ckpt).find("heun", 9).orElseThrow();
        assertArrayEquals(r.times(), back.times(), 0.0);
        assertEquals(0.05, back.baselineErrors().get("uniform"), 0.0);
        assertTrue(TunedGrids.read(ckpt).find("heun", 8).isEmpty());

        Files.writeString(ckpt, "weights B"); // retrained: the recorded grids are for other weights
        assertTrue(TunedGrids.read(ckpt).find("heun", 9).isEmpty());

        Files.writeString(TunedGrids.sidecar(ckpt), "{not json");
        DataFormatException e = assertThrows(DataFormatException.class, () -> TunedGrids.read(ckpt));
        assertTrue(e.getMessage().contains("model.grids.json"), e.getMessage());
    }
}
