package dev.reflowkit.solver;

import static dev.reflowkit.solver.SolverTestSupport.maxAbsDiff;
import static dev.reflowkit.solver.SolverTestSupport.uniform;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import dev.reflowkit.engine.Engines;
import dev.reflowkit.field.CountingField;
import dev.reflowkit.field.VelocityField;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Convergence orders, adaptive tolerance and inversion round trips on analytic fields. */
class SolverAccuracyTest {

    private static final double LAMBDA = 1.5;
    private static final float[] X1 = {1.0f, -0.5f, 2.0f, 0.25f};

    private static NDManager manager;

    @BeforeAll
    static void start() {
        manager = Engines.newManager();
    }

    @AfterAll
    static void stop() {
        manager.close();
    }

    /** Max error of integrating v = lambda x from 1 to 0 with {@code steps} uniform steps. */
    private static double linearError(OdeSolver solver, int steps) {
        try (NDManager m = manager.newSubManager()) {
            NDArray x = m.create(X1, new Shape(2, 2));
            SampleResult r = solver.solve(AnalyticFields.linear(LAMBDA), x, uniform(1, 0, steps),
                    false, StepCallback.NONE);
            return maxAbsDiff(r.x(), exactLinear());
        }
    }

    private static double[] exactLinear() {
        double[] e = new double[X1.length];
        for (int i = 0; i < X1.length; i++) {
            e[i] = X1[i] * Math.exp(-LAMBDA);
        }
        return e;
    }

    private static double order(OdeSolver solver, int steps) {
        double coarse = linearError(solver, steps);
        double fine = linearError(solver, 2 * steps);
        return Math.log(coarse / fine) / Math.log(2);
    }

    @Test
    void heunIsSecondOrderAndBeatsEuler() {
        OdeSolver heun = new HeunSolver();
        for (int steps : new int[] {4, 8}) {
            double p = order(heun, steps);
            assertTrue(p >= 1.7 && p <= 2.3, "heun observed order " + p + " at " + steps);
        }
        for (int steps : new int[] {2, 5, 10, 20}) {
            double heunErr = linearError(heun, steps);
            double eulerErr = linearError(new EulerSolver(), steps);
            assertTrue(heunErr < eulerErr,
                    "heun " + heunErr + " vs euler " + eulerErr + " at " + steps + " steps");
        }
    }

    @Test
    void heunWithEulerLastStepIsStillSecondOrder() {
        OdeSolver heun = HeunSolver.builder().optLastStep(HeunSolver.LastStep.EULER).build();
        for (int steps : new int[] {8, 16}) {
            double p = order(heun, steps);
            assertTrue(p >= 1.7 && p <= 2.3, "heun(euler last) order " + p + " at " + steps);
        }
    }

    @Test
    void heunWithMidpointLastStepIsStillSecondOrder() {
        OdeSolver heun = HeunSolver.builder().optLastStep(HeunSolver.LastStep.MIDPOINT).build();
        for (int steps : new int[] {4, 8}) {
            double p = order(heun, steps);
            assertTrue(p >= 1.7 && p <= 2.3, "heun(midpoint last) order " + p + " at " + steps);
        }
    }

    @Test
    void heunWithRalstonLastStepIsStillSecondOrderAndBeatsTheEulerLastStep() {
        OdeSolver heun = HeunSolver.builder().optLastStep(HeunSolver.LastStep.RALSTON3).build();
        OdeSolver edm = HeunSolver.builder().optLastStep(HeunSolver.LastStep.EULER).build();
        for (int steps : new int[] {4, 8}) {
            double p = order(heun, steps);
            assertTrue(p >= 1.7 && p <= 2.3, "heun(ralston3 last) order " + p + " at " + steps);
            assertTrue(linearError(heun, steps) < linearError(edm, steps), "ralston vs euler last step at " + steps);
        }
    }

    @Test
    void rk4WithInteriorLastStepIsStillFourthOrder() {
        OdeSolver rk4 = Rk4Solver.builder().optInteriorLastStep(true).build();
        double p = order(rk4, 2);
        assertTrue(p >= 3.5 && p <= 4.7, "rk4(interior last) order " + p);
        // on one step the interior method alone: third order (local error O(h^4))
        double one = linearError(rk4, 1);
        double two = linearError(rk4, 2);
        assertTrue(two < one / 8, "rk4(interior last) errors " + one + " -> " + two);
    }

    @Test
    void otherFixedStepSolversHaveTheirOrders() {
        double euler = order(new EulerSolver(), 16);
        assertTrue(euler >= 0.8 && euler <= 1.2, "euler order " + euler);
        double midpoint = order(new MidpointSolver(), 8);
        assertTrue(midpoint >= 1.7 && midpoint <= 2.3, "midpoint order " + midpoint);
        double rk4 = order(new Rk4Solver(), 2);
        assertTrue(rk4 >= 3.5 && rk4 <= 4.5, "rk4 order " + rk4);
    }

    @Test
    void dormandPrinceMeetsItsToleranceAndReportsExactNfe() {
        for (double tol : new double[] {1e-3, 1e-5}) {
            DormandPrinceSolver solver =
                    DormandPrinceSolver.builder().optAtol(tol).optRtol(tol).build();
            try (NDManager m = manager.newSubManager()) {
                NDArray x = m.create(X1, new Shape(2, 2));
                CountingField field = new CountingField(AnalyticFields.linear(LAMBDA));
                SampleResult r = solver.solve(field, x, new double[] {1, 0}, false, null);
                double[] exact = exactLinear();
                double err = maxAbsDiff(r.x(), exact);
                assertTrue(err <= 10 * (tol + tol * 2.0 * Math.exp(-LAMBDA)),
                        "dopri5 tol " + tol + ": error " + err);
                assertEquals(field.count(), r.nfe());
                assertTrue(r.nfe() >= 8, "nfe " + r.nfe());
                // times of the accepted steps: from 1 to 0 exactly
                assertEquals(1.0, r.times()[0], 0.0);
                assertEquals(0.0, r.times()[r.times().length - 1], 0.0);
            }
        }
    }

    @Test
    void dormandPrinceLandsOnEveryGridPointWithAccurateStates() {
        double[] grid = {1, 0.8, 0.55, 0.5, 0.1, 0};
        try (NDManager m = manager.newSubManager()) {
            NDArray x = m.create(X1, new Shape(2, 2));
            CountingField field = new CountingField(AnalyticFields.nonlinear());
            SampleResult r = new DormandPrinceSolver().solve(field, x, grid, true, null);
            assertArrayEquals(grid, r.times(), 0.0);
            assertEquals(grid.length, r.trajectory().size());
            assertEquals(field.count(), r.nfe());
            SampleResult ref = new Rk4Solver().solve(AnalyticFields.nonlinear(), x,
                    refine(grid, 100), true, null);
            for (int i = 0; i < grid.length; i++) {
                double err = maxAbsDiff(r.trajectory().get(i), ref.trajectory().get(100 * i));
                assertTrue(err < 1e-4, "grid point " + i + ": error " + err);
            }
        }
    }

    @Test
    void dormandPrinceThrowsWhenItsNfeCapIsExceeded() {
        DormandPrinceSolver solver = DormandPrinceSolver.builder()
                .optAtol(1e-7).optRtol(1e-7).optMaxNfe(20).optInitialStep(0.5).build();
        try (NDManager m = manager.newSubManager()) {
            NDArray x = m.create(X1, new Shape(2, 2));
            int before = m.getManagedArrays().size();
            CountingField field = new CountingField(AnalyticFields.nonlinear());
            NfeLimitExceededException e = assertThrows(NfeLimitExceededException.class,
                    () -> solver.solve(field, x, new double[] {1, 0}, false, null));
            assertTrue(e.getMessage().contains("20"), e.getMessage());
            assertEquals(20, field.count());
            assertEquals(before, m.getManagedArrays().size());
        }
    }

    @Test
    void dormandPrinceWithInitialStepSkipsTheEstimate() {
        try (NDManager m = manager.newSubManager()) {
            NDArray x = m.create(X1, new Shape(2, 2));
            NDArray a = m.create(new float[] {0.5f, -1f}, new Shape(1, 2));
            // constant field: zero error estimate, so one step of the full interval, 1 + 6 NFE
            SampleResult r = DormandPrinceSolver.builder().optInitialStep(2).build()
                    .solve(AnalyticFields.constant(a), x, new double[] {1, 0}, false, null);
            assertEquals(7, r.nfe());
            assertTrue(maxAbsDiff(r.x(), x.sub(a)) < 1e-6);
        }
    }

    @Test
    void inversionRoundTripReturnsTheStart() {
        VelocityField field = AnalyticFields.nonlinear();
        for (OdeSolver solver : new OdeSolver[] {new Rk4Solver(), new HeunSolver()}) {
            try (NDManager m = manager.newSubManager()) {
                NDArray x1 = m.create(X1, new Shape(2, 2));
                double[] down = uniform(1, 0, 200);
                double[] up = uniform(0, 1, 200);
                SampleResult gen = solver.solve(field, x1, down, false, null);
                SampleResult inv = solver.solve(field, gen.x(), up, false, null);
                double moved = maxAbsDiff(gen.x(), x1);
                double err = maxAbsDiff(inv.x(), x1);
                assertTrue(moved > 0.1, "the field should move the state, moved " + moved);
                assertTrue(err < 1e-4, solver + " round trip error " + err);
            }
        }
    }

    private static double[] refine(double[] grid, int per) {
        double[] fine = new double[(grid.length - 1) * per + 1];
        for (int i = 0; i + 1 < grid.length; i++) {
            for (int j = 0; j < per; j++) {
                fine[i * per + j] = grid[i] + (grid[i + 1] - grid[i]) * j / per;
            }
        }
        fine[fine.length - 1] = grid[grid.length - 1];
        return fine;
    }
}
