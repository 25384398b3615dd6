package dev.reflowkit.solver;

import dev.reflowkit.solver.grid.TimeGrid;
import java.util.List;
import java.util.Locale;

/**
 * Maps a solver name and an NFE budget to a solver and a step count exactly.
 *
 * <p>No plan of the default solvers evaluates the field at the interval's end: when generating,
 * that is the data end t = 0, where a ReFlow model must predict the noise from a generated sample,
 * which it has barely learned (one Heun step ending in a corrector at t = 0 made MNIST FD five
 * times worse than one Euler step; spec section 1). NFE to steps ({@link #plan}):
 *
 * <ul>
 *   <li>{@code euler}: any NFE {@code >= 1}, NFE Euler steps;
 *   <li>{@code midpoint}: even NFE {@code >= 2}, NFE / 2 midpoint steps;
 *   <li>{@code heun}: any NFE {@code >= 1}, floor(NFE / 2) steps (1 for NFE 1): full Heun steps, then
 *       a last step that stays inside its interval: a midpoint step for even NFE, Ralston's
 *       third-order step for odd NFE ({@link HeunSolver}). So 1 = one Euler step, 2 = one midpoint
 *       step, 3 = one Ralston step, 4 = Heun + midpoint, 9 = 3 Heun + Ralston. Ours: EDM's Euler last
 *       step for odd NFE made every odd budget worse than the even budget below it on smooth
 *       fields (3x at NFE 5 on a linear field), which Ralston's step does not;
 *   <li>{@code rk4}: NFE a multiple of 4, NFE / 4 steps: classical RK4, then a third-order
 *       four-stage last step with stages at 0, 1/4, 1/2, 3/4 of the interval ({@link Rk4Solver});
 *   <li>{@code heun-edm}: odd NFE, (NFE + 1) / 2 steps: full Heun steps, then a plain Euler step
 *       (EDM's sampler, Karras et al. 2022: 9 NFE = 5 steps; ReflowKit's {@code heun} before the
 *       data-end rule, for odd NFE);
 *   <li>{@code heun-full}: even NFE {@code >= 2}, NFE / 2 full Heun steps, the last one
 *       evaluating the field at the end (ReflowKit's {@code heun} before the data-end rule, for even
 *       NFE; named explicitly);
 *   <li>{@code rk4-full}: NFE a multiple of 4, classical RK4 on every step (likewise);
 *   <li>{@code dopri5}: adaptive, the NFE argument is ignored and the grid is {@code [start, end]}
 *       (its error control keeps the steps at the end short).
 * </ul>
 */
public final class Samplers {

    /** EDM's Heun sampler: full Heun steps and a plain Euler last step, odd NFE: {@value}. */
    public static final String HEUN_EDM = "heun-edm";

    /** Full Heun steps throughout, evaluating the field at the end: {@value}. */
    public static final String HEUN_FULL = "heun-full";

    /** Classical RK4 throughout, evaluating the field at the end: {@value}. */
    public static final String RK4_FULL = "rk4-full";

    /** The solver names {@link #plan} accepts. */
    public static final List<String> NAMES = List.of(
            EulerSolver.NAME, MidpointSolver.NAME, HeunSolver.NAME, Rk4Solver.NAME, HEUN_EDM, HEUN_FULL, RK4_FULL,
            DormandPrinceSolver.NAME);

    private Samplers() {}

    /**
     * Maps an NFE budget to a solver and its grid, exactly.
     *
     * @param solverName the solver's name (see {@link #NAMES}), case-insensitive
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
        int steps = steps(name, nfe);
        return new SamplerPlan(solver(name, nfe), grid.points(start, end, steps), nfe);
    }

    /**
     * The number of grid intervals of a plan.
     *
     * @param solverName a fixed-step solver's name
     * @param nfe the NFE per sample
     * @return the step count
     * @throws IllegalArgumentException if the solver is unknown or adaptive, or the NFE infeasible
     */
    public static int steps(String solverName, int nfe) {
        String name = normalize(solverName);
        switch (name) {
            case EulerSolver.NAME:
                require(nfe >= 1, name, nfe);
                return nfe;
            case MidpointSolver.NAME:
            case HEUN_FULL:
                require(nfe >= 2 && nfe % 2 == 0, name, nfe);
                return nfe / 2;
            case HeunSolver.NAME:
                require(nfe >= 1, name, nfe);
                return Math.max(1, nfe / 2);
            case HEUN_EDM:
                require(nfe >= 1 && nfe % 2 == 1, name, nfe);
                return (nfe + 1) / 2;
            case Rk4Solver.NAME:
            case RK4_FULL:
                require(nfe >= 4 && nfe % 4 == 0, name, nfe);
                return nfe / 4;
            case DormandPrinceSolver.NAME:
                throw new IllegalArgumentException("dopri5 is adaptive: it has no fixed step count");
            default:
                throw unknown(solverName);
        }
    }

    /**
     * The NFE budgets a fixed-step solver can take, in words, e.g. {@code "a multiple of 4 (4, 8,
     * 12, ...)"}: what {@link #steps} names when it refuses a budget.
     *
     * @param solverName a fixed-step solver's name
     * @return the feasible budgets
     * @throws IllegalArgumentException if the solver is unknown or adaptive
     */
    public static String feasibleNfe(String solverName) {
        String name = normalize(solverName);
        return switch (name) {
            case EulerSolver.NAME -> "any NFE >= 1 (1, 2, 3, ...)";
            case MidpointSolver.NAME, HEUN_FULL -> "an even NFE >= 2 (2, 4, 6, ...)";
            case HeunSolver.NAME -> "any NFE >= 1 (even: midpoint last step, 4 = 2 steps; odd: Ralston last step,"
                    + " 9 = 4 steps)";
            case HEUN_EDM -> "an odd NFE (1, 3, 5, ...; 9 = 5 steps)";
            case Rk4Solver.NAME, RK4_FULL -> "a multiple of 4 (4, 8, 12, ...)";
            case DormandPrinceSolver.NAME -> throw new IllegalArgumentException(
                    "dopri5 is adaptive: it has no fixed step count");
            default -> throw unknown(solverName);
        };
    }

    /** The solver of a fixed-step plan; the NFE has been checked by {@link #steps}. */
    private static OdeSolver solver(String name, int nfe) {
        switch (name) {
            case EulerSolver.NAME:
                return new EulerSolver();
            case MidpointSolver.NAME:
                return new MidpointSolver();
            case HeunSolver.NAME:
                return HeunSolver.builder().optLastStep(nfe == 1 ? HeunSolver.LastStep.EULER
                        : nfe % 2 == 0 ? HeunSolver.LastStep.MIDPOINT : HeunSolver.LastStep.RALSTON3).build();
            case HEUN_EDM:
                return HeunSolver.builder().optLastStep(HeunSolver.LastStep.EULER).build();
            case HEUN_FULL:
                return new HeunSolver();
            case Rk4Solver.NAME:
                return Rk4Solver.builder().optInteriorLastStep(true).build();
            case RK4_FULL:
                return new Rk4Solver();
            default:
                throw unknown(name);
        }
    }

    /**
     * What a plan's steps are, in words, e.g. {@code "4 Heun steps + 1 Euler step"}.
     *
     * @param solverName the solver's name
     * @param nfe the NFE per sample (ignored by {@code dopri5})
     * @return the description
     * @throws IllegalArgumentException if the solver is unknown or the NFE infeasible
     */
    public static String describe(String solverName, int nfe) {
        String name = normalize(solverName);
        if (DormandPrinceSolver.NAME.equals(name)) {
            return "adaptive Dormand-Prince 5(4) steps";
        }
        int steps = steps(name, nfe);
        switch (name) {
            case EulerSolver.NAME:
                return count(steps, "Euler step");
            case MidpointSolver.NAME:
                return count(steps, "midpoint step");
            case HeunSolver.NAME:
                return (steps > 1 ? count(steps - 1, "Heun step") + " + " : "")
                        + count(1, nfe == 1 ? "Euler step" : nfe % 2 == 0 ? "midpoint step" : "Ralston step");
            case HEUN_EDM:
                return (steps > 1 ? count(steps - 1, "Heun step") + " + " : "") + "1 Euler step";
            case HEUN_FULL:
                return count(steps, "Heun step") + " (the last evaluates the end)";
            case Rk4Solver.NAME:
                return (steps > 1 ? count(steps - 1, "RK4 step") + " + " : "") + "1 interior third-order step";
            default:
                return count(steps, "RK4 step") + " (the last evaluates the end)";
        }
    }

    /**
     * Whether a plan of this solver evaluates the field at its interval's end.
     *
     * @param solverName the solver's name
     * @return true for {@code heun-full}, {@code rk4-full} and {@code dopri5}
     */
    public static boolean evaluatesEnd(String solverName) {
        String name = normalize(solverName);
        return name.equals(HEUN_FULL) || name.equals(RK4_FULL) || name.equals(DormandPrinceSolver.NAME);
    }

    private static String count(int n, String what) {
        return n + " " + what + (n == 1 ? "" : "s");
    }

    private static void require(boolean ok, String solver, int nfe) {
        if (!ok) {
            throw new IllegalArgumentException(
                    "NFE " + nfe + " is not feasible for " + solver + "; valid: " + feasibleNfe(solver));
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
