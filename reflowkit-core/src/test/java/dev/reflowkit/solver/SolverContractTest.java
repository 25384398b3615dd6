package dev.reflowkit.solver;

import static dev.reflowkit.solver.SolverTestSupport.allSolvers;
import static dev.reflowkit.solver.SolverTestSupport.maxAbsDiff;
import static dev.reflowkit.solver.SolverTestSupport.uniform;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import dev.reflowkit.engine.Engines;
import dev.reflowkit.field.CountingField;
import dev.reflowkit.field.VelocityField;
import dev.reflowkit.solver.grid.EdmGrid;
import dev.reflowkit.solver.grid.SigmoidGrid;
import dev.reflowkit.solver.grid.TimeGrid;
import dev.reflowkit.solver.grid.UniformGrid;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The shared contract of every solver: exactness on constant fields, NFE, trajectory, memory. */
class SolverContractTest {

    private static NDManager manager;

    @BeforeAll
    static void start() {
        manager = Engines.newManager();
    }

    @AfterAll
    static void stop() {
        manager.close();
    }

    private static NDArray state(NDManager m) {
        return m.create(new float[] {0.3f, -1.2f, 2.5f, 0.0f, -0.7f, 1.1f}, new Shape(3, 2));
    }

    @Test
    void constantFieldMapsXToXMinusAForEverySolverAndGrid() {
        try (NDManager m = manager.newSubManager()) {
            NDArray x = state(m);
            NDArray a = m.create(new float[] {1.5f, -0.25f}, new Shape(1, 2));
            NDArray expected = x.sub(a);
            VelocityField field = AnalyticFields.constant(a);
            List<TimeGrid> grids = List.of(
                    new UniformGrid(), EdmGrid.builder().build(), SigmoidGrid.builder().build());
            for (OdeSolver solver : allSolvers()) {
                for (TimeGrid grid : grids) {
                    for (int steps : new int[] {1, 3, 7}) {
                        SampleResult r = solver.solve(
                                field, x, grid.points(1, 0, steps), false, StepCallback.NONE);
                        double err = maxAbsDiff(r.x(), expected);
                        assertTrue(err < 1e-5, solver + " on " + grid + " x" + steps
                                + ": error " + err);
                        assertEquals(DataType.FLOAT32, r.x().getDataType());
                        assertEquals(x.getShape(), r.x().getShape());
                        r.x().close();
                    }
                }
            }
        }
    }

    @Test
    void reportedNfeEqualsCountedCallsForEverySolver() {
        try (NDManager m = manager.newSubManager()) {
            NDArray x = state(m);
            int steps = 6;
            int[] expectedFixed = {steps, 2 * steps, 2 * steps, 2 * steps - 1, 2 * steps, 4 * steps, 2 * steps + 1,
                4 * steps};
            List<OdeSolver> solvers = allSolvers();
            for (int i = 0; i < solvers.size(); i++) {
                CountingField field = new CountingField(AnalyticFields.nonlinear());
                SampleResult r = solvers.get(i).solve(
                        field, x, uniform(1, 0, steps), false, StepCallback.NONE);
                assertEquals(field.count(), r.nfe(), solvers.get(i).toString());
                if (i < expectedFixed.length) {
                    assertEquals(expectedFixed[i], r.nfe(), solvers.get(i).toString());
                }
                r.x().close();
            }
        }
    }

    @Test
    void heunWithFiveStepsMakesExactlyNineNetworkCalls() {
        try (NDManager m = manager.newSubManager()) {
            NDArray x = state(m);
            CountingField field = new CountingField(AnalyticFields.nonlinear());
            HeunSolver heun = HeunSolver.builder().optLastStep(HeunSolver.LastStep.EULER).build();
            SampleResult r = heun.solve(field, x, EdmGrid.builder().build().points(1, 0, 5),
                    false, StepCallback.NONE);
            assertEquals(9, field.count());
            assertEquals(9, r.nfe());
            assertEquals(9, heun.nfe(5));
        }
    }

    @Test
    void trajectoryHoldsStepsPlusOneStatesAtTheGridTimes() {
        try (NDManager m = manager.newSubManager()) {
            NDArray x = state(m);
            double[] grid = EdmGrid.builder().build().points(1, 0, 4);
            for (OdeSolver solver : allSolvers()) {
                List<Double> seen = new ArrayList<>();
                SampleResult r = solver.solve(AnalyticFields.nonlinear(), x, grid, true,
                        (step, t, s) -> seen.add(t));
                assertEquals(5, r.trajectory().size(), solver.toString());
                assertArrayEquals(grid, r.times(), 0.0, solver.toString());
                assertEquals(0.0, maxAbsDiff(r.trajectory().get(0), x), solver.toString());
                assertEquals(0.0, maxAbsDiff(r.trajectory().get(4), r.x()), solver.toString());
                for (NDArray s : r.trajectory()) {
                    assertSame(m, s.getManager(), solver + ": trajectory on caller's manager");
                    assertNotSame(x, s);
                }
                assertSame(m, r.x().getManager());
                assertEquals(grid[4], seen.get(seen.size() - 1), 0.0);
                if (!(solver instanceof DormandPrinceSolver)) {
                    assertEquals(4, seen.size(), solver.toString());
                }
            }
        }
    }

    @Test
    void inputStateIsNeitherModifiedNorClosed() {
        try (NDManager m = manager.newSubManager()) {
            NDArray x = state(m);
            float[] before = x.toFloatArray();
            for (OdeSolver solver : allSolvers()) {
                solver.solve(AnalyticFields.nonlinear(), x, uniform(1, 0, 3), true, null);
                assertArrayEquals(before, x.toFloatArray(), solver.toString());
                assertSame(m, x.getManager());
            }
        }
    }

    @Test
    void callerManagerDoesNotGrowWithTheNumberOfSteps() {
        for (OdeSolver solver : allSolvers()) {
            int[] growth = new int[2];
            int[] stepCounts = {3, 40};
            for (int k = 0; k < 2; k++) {
                try (NDManager m = manager.newSubManager()) {
                    NDArray x = state(m);
                    int before = m.getManagedArrays().size();
                    SampleResult r = solver.solve(AnalyticFields.nonlinear(), x,
                            uniform(1, 0, stepCounts[k]), false, StepCallback.NONE);
                    growth[k] = m.getManagedArrays().size() - before;
                    assertTrue(r.nfe() > 0);
                }
            }
            assertEquals(1, growth[0], solver + ": only the result may stay");
            assertEquals(1, growth[1], solver + ": only the result may stay");
            try (NDManager m = manager.newSubManager()) {
                NDArray x = state(m);
                int before = m.getManagedArrays().size();
                solver.solve(AnalyticFields.nonlinear(), x, uniform(1, 0, 10), true, null);
                assertEquals(1 + 11, m.getManagedArrays().size() - before,
                        solver + ": result plus 11 trajectory states");
            }
        }
    }

    @Test
    void failingFieldLeavesNothingInTheCallerManager() {
        for (OdeSolver solver : allSolvers()) {
            try (NDManager m = manager.newSubManager()) {
                NDArray x = state(m);
                int before = m.getManagedArrays().size();
                CountingField inner = new CountingField(AnalyticFields.nonlinear());
                VelocityField failing = (s, t) -> {
                    if (inner.count() >= 5) {
                        throw new IllegalStateException("boom");
                    }
                    return inner.velocity(s, t);
                };
                assertThrows(IllegalStateException.class, () -> solver.solve(
                        failing, x, uniform(1, 0, 20), true, StepCallback.NONE));
                assertEquals(before, m.getManagedArrays().size(), solver.toString());
            }
        }
    }

    @Test
    void badGridsAreRejected() {
        try (NDManager m = manager.newSubManager()) {
            NDArray x = state(m);
            VelocityField f = AnalyticFields.linear(1);
            for (OdeSolver solver : allSolvers()) {
                assertThrows(IllegalArgumentException.class,
                        () -> solver.solve(f, x, new double[] {1}, false, null));
                assertThrows(IllegalArgumentException.class,
                        () -> solver.solve(f, x, new double[] {1, 0.5, 0.7}, false, null));
                assertThrows(IllegalArgumentException.class,
                        () -> solver.solve(f, x, new double[] {1, 1, 0}, false, null));
                assertThrows(IllegalArgumentException.class,
                        () -> solver.solve(null, x, new double[] {1, 0}, false, null));
            }
        }
    }
}
