package dev.reflowkit.solver;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import dev.reflowkit.engine.Engines;
import dev.reflowkit.field.CountingField;
import dev.reflowkit.solver.grid.EdmGrid;
import dev.reflowkit.solver.grid.TimeGrid;
import dev.reflowkit.solver.grid.UniformGrid;
import org.junit.jupiter.api.Test;

/** NFE-first plans: the exact NFE to steps mapping, its error cases, and solvers by name. */
class SamplersTest {

    private static final TimeGrid UNIFORM = new UniformGrid();

    @Test
    void eulerSpendsOneNfePerStep() {
        SamplerPlan p = Samplers.plan("euler", UNIFORM, 7, 1, 0);
        assertInstanceOf(EulerSolver.class, p.solver());
        assertEquals(7, p.steps());
        assertEquals(7, p.nfe());
        assertArrayEquals(UNIFORM.points(1, 0, 7), p.grid(), 0.0);
    }

    @Test
    void midpointNeedsAnEvenNfe() {
        SamplerPlan p = Samplers.plan("midpoint", UNIFORM, 8, 1, 0);
        assertInstanceOf(MidpointSolver.class, p.solver());
        assertEquals(4, p.steps());
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> Samplers.plan("midpoint", UNIFORM, 7, 1, 0));
        assertTrue(e.getMessage().contains("even") && e.getMessage().contains("7"),
                e.getMessage());
    }

    @Test
    void heunMapsOddNfeToAnEulerLastStep() {
        SamplerPlan nine = Samplers.plan("heun", EdmGrid.builder().build(), 9, 1, 0);
        assertEquals(5, nine.steps());
        assertEquals(9, nine.nfe());
        assertTrue(((HeunSolver) nine.solver()).isEulerLastStep());
        assertArrayEquals(EdmGrid.builder().build().points(1, 0, 5), nine.grid(), 0.0);

        SamplerPlan one = Samplers.plan("heun", UNIFORM, 1, 1, 0);
        assertEquals(1, one.steps());
        assertTrue(((HeunSolver) one.solver()).isEulerLastStep());

        SamplerPlan two = Samplers.plan("heun", UNIFORM, 2, 1, 0);
        assertEquals(1, two.steps());
        assertFalse(((HeunSolver) two.solver()).isEulerLastStep());

        SamplerPlan ten = Samplers.plan("heun", UNIFORM, 10, 1, 0);
        assertEquals(5, ten.steps());
        assertFalse(((HeunSolver) ten.solver()).isEulerLastStep());

        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> Samplers.plan("heun", UNIFORM, 0, 1, 0));
        assertTrue(e.getMessage().contains(">= 1"), e.getMessage());
    }

    @Test
    void rk4NeedsAMultipleOfFour() {
        SamplerPlan p = Samplers.plan("RK4", UNIFORM, 8, 1, 0);
        assertInstanceOf(Rk4Solver.class, p.solver());
        assertEquals(2, p.steps());
        for (int bad : new int[] {0, 2, 6, 9}) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> Samplers.plan("rk4", UNIFORM, bad, 1, 0));
            assertTrue(e.getMessage().contains("multiple of 4"), e.getMessage());
        }
    }

    @Test
    void dopri5IgnoresTheNfeAndUsesTheInterval() {
        SamplerPlan p = Samplers.plan("dopri5", UNIFORM, 123, 1, 0);
        assertInstanceOf(DormandPrinceSolver.class, p.solver());
        assertArrayEquals(new double[] {1, 0}, p.grid(), 0.0);
        assertTrue(p.isAdaptive());
        assertThrows(IllegalArgumentException.class,
                () -> Samplers.plan("dopri5", UNIFORM, 9, 0.5, 0.5));
    }

    @Test
    void inversionPlansRunUpward() {
        SamplerPlan p = Samplers.plan("heun", EdmGrid.builder().build(), 9, 0, 1);
        double[] g = p.grid();
        assertEquals(0.0, g[0], 0.0);
        assertEquals(1.0, g[5], 0.0);
    }

    @Test
    void plansCostExactlyTheirNfe() {
        Object[][] cases = {
            {"euler", 3}, {"midpoint", 4}, {"heun", 1}, {"heun", 2}, {"heun", 9}, {"rk4", 8}
        };
        try (NDManager m = Engines.newManager()) {
            NDArray x = m.create(new float[] {0.5f, -1f, 2f, 0f}, new Shape(2, 2));
            for (Object[] c : cases) {
                SamplerPlan p = Samplers.plan((String) c[0], UNIFORM, (int) c[1], 1, 0);
                CountingField field = new CountingField(AnalyticFields.nonlinear());
                SampleResult r = p.sample(field, x, true, StepCallback.NONE);
                assertEquals((int) c[1], field.count(), p.toString());
                assertEquals((int) c[1], r.nfe(), p.toString());
                assertEquals(p.steps() + 1, r.trajectory().size(), p.toString());
            }
        }
    }

    @Test
    void unknownSolverNamesListTheValidOnes() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> Samplers.plan("dpm++", UNIFORM, 4, 1, 0));
        for (String name : Samplers.NAMES) {
            assertTrue(e.getMessage().contains(name), e.getMessage());
        }
        assertThrows(IllegalArgumentException.class, () -> Samplers.solver("rk45"));
    }

    @Test
    void solversByName() {
        for (String name : Samplers.NAMES) {
            assertEquals(name, Samplers.solver(name).name());
        }
        assertFalse(((HeunSolver) Samplers.solver("Heun")).isEulerLastStep());
    }

    @Test
    void planCopiesItsGrid() {
        double[] grid = {1, 0.5, 0};
        SamplerPlan p = new SamplerPlan(new EulerSolver(), grid, 2);
        grid[1] = 0.9;
        assertEquals(0.5, p.grid()[1], 0.0);
        p.grid()[1] = 0.7;
        assertEquals(0.5, p.grid()[1], 0.0);
        assertEquals(new SamplerPlan(new EulerSolver(), new double[] {1, 0.5, 0}, 2).grid()[1],
                p.grid()[1], 0.0);
    }
}
