package dev.reflowkit.field;

import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import dev.reflowkit.engine.Engines;
import dev.reflowkit.solver.HeunSolver;
import dev.reflowkit.solver.OdeSolver;
import dev.reflowkit.solver.Rk4Solver;
import dev.reflowkit.solver.SampleResult;
import dev.reflowkit.solver.grid.EdmGrid;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class TimeFlippedFieldTest {

    private static final double S = 0.5;
    private static final float[] NOISE = {1.2f, -0.4f, 0.3f, -2.0f, 0.8f, 0.05f};

    private static NDManager manager;

    @BeforeAll
    static void start() {
        manager = Engines.newManager();
    }

    @AfterAll
    static void stop() {
        manager.close();
    }

    @Test
    void flippedModelEqualsOurVelocity() {
        VelocityField adapted = new TimeFlippedField(GaussianFields.flipped(S));
        VelocityField ours = GaussianFields.ours(S);
        try (NDManager m = manager.newSubManager()) {
            NDArray x = m.create(NOISE, new Shape(3, 2));
            for (float t : new float[] {0f, 0.1f, 0.5f, 0.77f, 1f}) {
                NDArray ts = m.full(new Shape(3), t);
                double d = FieldAssertions.maxAbsDiff(adapted.velocity(x, ts), ours.velocity(x, ts));
                assertTrue(d < 1e-6, "t=" + t + ": " + d);
            }
        }
    }

    @Test
    void flippedModelGivesTheSameSamples() {
        OdeSolver solver = new HeunSolver();
        double[] grid = EdmGrid.builder().build().points(1, 0, 12);
        double[] flippedGrid = new double[grid.length];
        for (int i = 0; i < grid.length; i++) {
            flippedGrid[i] = 1 - grid[i];
        }
        try (NDManager m = manager.newSubManager()) {
            NDArray x1 = m.create(NOISE, new Shape(3, 2));
            SampleResult adapted = solver.solve(
                    new TimeFlippedField(GaussianFields.flipped(S)), x1, grid, false, null);
            SampleResult ours = solver.solve(GaussianFields.ours(S), x1, grid, false, null);
            // the model run in its own convention, from s = 0 (noise) up to s = 1 (data)
            SampleResult ownConvention = solver.solve(
                    GaussianFields.flipped(S), x1, flippedGrid, false, null);
            assertTrue(FieldAssertions.maxAbsDiff(adapted.x(), ours.x()) < 1e-6,
                    "vs ours: " + FieldAssertions.maxAbsDiff(adapted.x(), ours.x()));
            assertTrue(FieldAssertions.maxAbsDiff(adapted.x(), ownConvention.x()) < 1e-5,
                    "vs own convention: " + FieldAssertions.maxAbsDiff(adapted.x(), ownConvention.x()));
            // and both are right: the exact flow maps x1 to s x1
            SampleResult fine = new Rk4Solver().solve(
                    new TimeFlippedField(GaussianFields.flipped(S)), x1,
                    EdmGrid.builder().build().points(1, 0, 40), false, null);
            NDArray exact = x1.mul(S);
            assertTrue(FieldAssertions.maxAbsDiff(fine.x(), exact) < 1e-4, "exact: "
                    + FieldAssertions.maxAbsDiff(fine.x(), exact));
            assertTrue(FieldAssertions.maxAbsDiff(adapted.x(), exact) < 5e-2,
                    "12 Heun steps vs exact: " + FieldAssertions.maxAbsDiff(adapted.x(), exact));
        }
    }
}
