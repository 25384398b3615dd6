package dev.reflowkit.solver;

import ai.djl.ndarray.NDArray;
import dev.reflowkit.solver.grid.UniformGrid;
import java.util.List;

/** Shared helpers for solver tests. */
final class SolverTestSupport {

    private SolverTestSupport() {}

    /** Every solver, fixed-step variants included. */
    static List<OdeSolver> allSolvers() {
        return List.of(
                new EulerSolver(),
                new MidpointSolver(),
                new HeunSolver(),
                HeunSolver.builder().optLastStep(HeunSolver.LastStep.EULER).build(),
                HeunSolver.builder().optLastStep(HeunSolver.LastStep.MIDPOINT).build(),
                new Rk4Solver(),
                HeunSolver.builder().optLastStep(HeunSolver.LastStep.RALSTON3).build(),
                Rk4Solver.builder().optInteriorLastStep(true).build(),
                new DormandPrinceSolver());
    }

    static double[] uniform(double start, double end, int steps) {
        return new UniformGrid().points(start, end, steps);
    }

    static double maxAbsDiff(NDArray a, NDArray b) {
        float[] x = a.toFloatArray();
        float[] y = b.toFloatArray();
        if (x.length != y.length) {
            throw new AssertionError("sizes differ: " + x.length + " vs " + y.length);
        }
        double m = 0;
        for (int i = 0; i < x.length; i++) {
            m = Math.max(m, Math.abs((double) x[i] - y[i]));
        }
        return m;
    }

    static double maxAbsDiff(NDArray a, double[] expected) {
        float[] x = a.toFloatArray();
        double m = 0;
        for (int i = 0; i < x.length; i++) {
            m = Math.max(m, Math.abs(x[i] - expected[i]));
        }
        return m;
    }
}
