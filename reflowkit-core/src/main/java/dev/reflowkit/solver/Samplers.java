package dev.reflowkit.solver;

import dev.reflowkit.solver.grid.TimeGrid;
import java.util.List;
import java.util.Locale;

/**
 * Creates solvers by name and maps an NFE budget to a solver and a step count exactly.
 *
 * <p>NFE to steps ({@link #plan}):
 *
 * <ul>
 *   <li>{@code euler}: any NFE {@code >= 1}, steps = NFE;
 *   <li>{@code midpoint}: even NFE {@code >= 2}, steps = NFE / 2;
 *   <li>{@code heun}: any NFE {@code >= 1}, steps = ceil(NFE / 2); an odd NFE makes the last step a
 *       plain Euler step (EDM), so 1 = one Euler step, 2 = one Heun step, 9 = 5 Heun steps;
 *   <li>{@code rk4}: NFE a multiple of 4, steps = NFE / 4;
 *   <li>{@code dopri5}: adaptive, the NFE argument is ignored and the grid is {@code [start, end]}.
 * </ul>
 */
public final class Samplers {

    /** The solver names {@link #solver} and {@link #plan} accept. */
    public static final List<String> NAMES = List.of(
            EulerSolver.NAME, MidpointSolver.NAME, HeunSolver.NAME, Rk4Solver.NAME,
            DormandPrinceSolver.NAME);

    private Samplers() {}

    /**
     * A solver by name, with default settings ({@code heun} is plain Heun, 2 NFE per step).
     *
     * @param name {@code euler}, {@code midpoint}, {@code heun}, {@code rk4} or {@code dopri5},
     *     case-insensitive
     * @return a new solver
     * @throws IllegalArgumentException for an unknown name, listing the valid ones
     */
    public static OdeSolver solver(String name) {
        switch (normalize(name)) {
            case EulerSolver.NAME:
                return new EulerSolver();
            case MidpointSolver.NAME:
                return new MidpointSolver();
            case HeunSolver.NAME:
                return new HeunSolver();
            case Rk4Solver.NAME:
                return new Rk4Solver();
            case DormandPrinceSolver.NAME:
                return new DormandPrinceSolver();
            default:
                throw unknown(name);
        }
    }

    /**
     * Maps an NFE budget to a solver and its grid, exactly.
     *
     * @param solverName the solver's name (see {@link #NAMES})
     * @param grid the time grid's shape (ignored by {@code dopri5})
     * @param nfe the NFE per sample (ignored by {@code dopri5})
     * @param start the first time, e.g. 1 to generate
     * @param end the last time, e.g. 0 to generate
     * @return the plan
     * @throws IllegalArgumentException if the solver is unknown or the NFE is infeasible for it;
     *     the message says which NFE values are valid
     */
    public static SamplerPlan plan(
            String solverName, TimeGrid grid, int nfe, double start, double end) {
        String name = normalize(solverName);
        if (DormandPrinceSolver.NAME.equals(name)) {
            if (!Double.isFinite(start) || !Double.isFinite(end) || start == end) {
                throw new IllegalArgumentException("dopri5 needs a finite, non-empty interval, "
                        + "got start=" + start + ", end=" + end);
            }
            return new SamplerPlan(new DormandPrinceSolver(), new double[] {start, end}, 0);
        }
        if (grid == null) {
            throw new IllegalArgumentException(name + " plan needs a time grid, got null");
        }
        OdeSolver solver;
        int steps;
        switch (name) {
            case EulerSolver.NAME:
                require(nfe >= 1, name, nfe, "any NFE >= 1 (1, 2, 3, ...)");
                solver = new EulerSolver();
                steps = nfe;
                break;
            case MidpointSolver.NAME:
                require(nfe >= 2 && nfe % 2 == 0, name, nfe, "an even NFE >= 2 (2, 4, 6, ...)");
                solver = new MidpointSolver();
                steps = nfe / 2;
                break;
            case HeunSolver.NAME:
                require(nfe >= 1, name, nfe,
                        "any NFE >= 1 (odd values use a plain Euler last step: 9 = 5 steps)");
                solver = HeunSolver.builder().optEulerLastStep(nfe % 2 == 1).build();
                steps = (nfe + 1) / 2;
                break;
            case Rk4Solver.NAME:
                require(nfe >= 4 && nfe % 4 == 0, name, nfe,
                        "a multiple of 4 (4, 8, 12, ...)");
                solver = new Rk4Solver();
                steps = nfe / 4;
                break;
            default:
                throw unknown(solverName);
        }
        return new SamplerPlan(solver, grid.points(start, end, steps), nfe);
    }

    private static void require(boolean ok, String solver, int nfe, String valid) {
        if (!ok) {
            throw new IllegalArgumentException(
                    "NFE " + nfe + " is not feasible for " + solver + "; valid: " + valid);
        }
    }

    private static String normalize(String name) {
        return name == null ? "" : name.trim().toLowerCase(Locale.ROOT);
    }

    private static IllegalArgumentException unknown(String name) {
        return new IllegalArgumentException(
                "unknown solver '" + name + "'; valid solvers: " + NAMES);
    }
}
