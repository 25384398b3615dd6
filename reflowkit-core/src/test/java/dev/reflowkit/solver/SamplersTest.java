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
import dev.reflowkit.field.VelocityField;
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
    void heunEndsWithAMidpointStepForEvenNfeAndARalstonStepForOddNfe() {
        SamplerPlan nine = Samplers.plan("heun", EdmGrid.builder().build(), 9, 1, 0);
        assertEquals(4, nine.steps());
        assertEquals(9, nine.nfe());
        assertEquals(HeunSolver.LastStep.RALSTON3, ((HeunSolver) nine.solver()).lastStep());
        assertArrayEquals(EdmGrid.builder().build().points(1, 0, 4), nine.grid(), 0.0);

        SamplerPlan one = Samplers.plan("heun", UNIFORM, 1, 1, 0);
        assertEquals(1, one.steps());
        assertEquals(HeunSolver.LastStep.EULER, ((HeunSolver) one.solver()).lastStep());

        SamplerPlan two = Samplers.plan("heun", UNIFORM, 2, 1, 0);
        assertEquals(1, two.steps());
        assertEquals(HeunSolver.LastStep.MIDPOINT, ((HeunSolver) two.solver()).lastStep());

        SamplerPlan three = Samplers.plan("heun", UNIFORM, 3, 1, 0);
        assertEquals(1, three.steps());
        assertEquals(HeunSolver.LastStep.RALSTON3, ((HeunSolver) three.solver()).lastStep());

        SamplerPlan ten = Samplers.plan("heun", UNIFORM, 10, 1, 0);
        assertEquals(5, ten.steps());
        assertEquals(HeunSolver.LastStep.MIDPOINT, ((HeunSolver) ten.solver()).lastStep());
        assertEquals("4 Heun steps + 1 midpoint step", Samplers.describe("heun", 10));
        assertEquals("3 Heun steps + 1 Ralston step", Samplers.describe("heun", 9));
        assertEquals("1 Euler step", Samplers.describe("heun", 1));

        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> Samplers.plan("heun", UNIFORM, 0, 1, 0));
        assertTrue(e.getMessage().contains(">= 1"), e.getMessage());
    }

    @Test
    void heunEdmIsEdmsSamplerForOddNfe() {
        SamplerPlan nine = Samplers.plan("heun-edm", EdmGrid.builder().build(), 9, 1, 0);
        assertEquals(5, nine.steps());
        assertEquals(HeunSolver.LastStep.EULER, ((HeunSolver) nine.solver()).lastStep());
        assertEquals("4 Heun steps + 1 Euler step", Samplers.describe("heun-edm", 9));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> Samplers.plan("heun-edm", UNIFORM, 4, 1, 0));
        assertTrue(e.getMessage().contains("odd"), e.getMessage());
    }

    @Test
    void fullVariantsKeepTheOldPlansWhenNamed() {
        SamplerPlan four = Samplers.plan("heun-full", UNIFORM, 4, 1, 0);
        assertEquals(2, four.steps());
        assertEquals(HeunSolver.LastStep.HEUN, ((HeunSolver) four.solver()).lastStep());
        assertThrows(IllegalArgumentException.class, () -> Samplers.plan("heun-full", UNIFORM, 3, 1, 0));
        assertFalse(((Rk4Solver) Samplers.plan("rk4-full", UNIFORM, 8, 1, 0).solver()).isInteriorLastStep());
        assertTrue(((Rk4Solver) Samplers.plan("rk4", UNIFORM, 8, 1, 0).solver()).isInteriorLastStep());
        assertTrue(Samplers.evaluatesEnd("heun-full") && Samplers.evaluatesEnd("rk4-full"));
        assertFalse(Samplers.evaluatesEnd("heun") || Samplers.evaluatesEnd("rk4"));
    }

    /** The rule of spec section 1: no default plan evaluates the field at its end, at any NFE. */
    @Test
    void defaultPlansNeverEvaluateTheFieldAtTheEnd() {
        try (NDManager m = Engines.newManager()) {
            NDArray x = m.create(new float[] {0.5f, -1f, 2f, 0f}, new Shape(2, 2));
            for (String solver : new String[] {"euler", "midpoint", "heun", "rk4"}) {
                for (int nfe = 1; nfe <= 16; nfe++) {
                    SamplerPlan p;
                    try {
                        p = Samplers.plan(solver, EdmGrid.builder().build(), nfe, 1, 0);
                    } catch (IllegalArgumentException infeasible) {
                        continue;
                    }
                    double[] smallest = {Double.MAX_VALUE};
                    VelocityField recording = (state, t) -> {
                        smallest[0] = Math.min(smallest[0], t.toFloatArray()[0]);
                        return AnalyticFields.nonlinear().velocity(state, t);
                    };
                    p.sample(recording, x, false, StepCallback.NONE);
                    assertTrue(smallest[0] > 0, solver + " NFE " + nfe + " evaluated t = " + smallest[0]);
                }
            }
            double[] smallest = {Double.MAX_VALUE};
            Samplers.plan("heun-full", UNIFORM, 2, 1, 0).sample((state, t) -> {
                smallest[0] = Math.min(smallest[0], t.toFloatArray()[0]);
                return state.zerosLike();
            }, x, false, StepCallback.NONE);
            assertEquals(0.0, smallest[0], 0.0, "heun-full evaluates the end");
        }
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
        assertEquals(1.0, g[g.length - 1], 0.0);
    }

    @Test
    void plansCostExactlyTheirNfe() {
        Object[][] cases = {
            {"euler", 3}, {"midpoint", 4}, {"heun", 1}, {"heun", 2}, {"heun", 9}, {"heun", 10}, {"rk4", 8},
            {"heun", 3}, {"heun-edm", 9}, {"heun-full", 4}, {"rk4-full", 4}
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
    }

    @Test
    void everyNameMakesAPlan() {
        for (String name : Samplers.NAMES) {
            int nfe = name.equals("heun-edm") ? 5 : 4;
            SamplerPlan p = Samplers.plan(name, UNIFORM, nfe, 1, 0);
            assertEquals(name.startsWith("rk4") ? "rk4" : name.startsWith("heun") ? "heun" : name, p.solver().name());
            assertFalse(Samplers.describe(name, nfe).isEmpty());
        }
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
