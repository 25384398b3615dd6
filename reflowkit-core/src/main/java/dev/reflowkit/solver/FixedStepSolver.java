package dev.reflowkit.solver;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import dev.reflowkit.field.VelocityField;
import java.util.ArrayList;
import java.util.List;

/**
 * The base of the fixed-step solvers: one step per grid interval, with the memory discipline and
 * bookkeeping in one place so that each subclass only writes its step formula.
 *
 * <p>Memory: every step runs in its own sub-manager of the input state's manager {@code M}. The
 * current state is attached to the sub-manager at the top of the step (the input itself is never
 * moved: the first step works on a copy), all intermediates land there, and the new state is
 * attached back to {@code M} at the end, so the sub-manager frees the old state and every
 * intermediate. After {@link #solve} returns, {@code M} holds only the final state and the
 * trajectory copies (when requested). If the field throws, the trajectory copies made so far are
 * closed too.
 */
public abstract class FixedStepSolver implements OdeSolver {

    /** Creates the solver. */
    protected FixedStepSolver() {}

    /**
     * One step from {@code t} to {@code tNext}.
     *
     * @param calls the field bound to this solve; every velocity must be taken through it
     * @param x the state at {@code t}, attached to the step's sub-manager
     * @param t the current time
     * @param tNext the next grid time ({@code h = tNext - t} may be negative)
     * @param lastStep whether this is the grid's last interval
     * @return the state at {@code tNext}
     */
    protected abstract NDArray step(
            FieldCalls calls, NDArray x, double t, double tNext, boolean lastStep);

    /** {@inheritDoc} */
    @Override
    public final SampleResult solve(
            VelocityField field,
            NDArray x,
            double[] grid,
            boolean keepTrajectory,
            StepCallback callback) {
        SolverInputs.check(name(), field, x, grid);
        StepCallback cb = callback == null ? StepCallback.NONE : callback;
        double[] times = grid.clone();
        NDManager outer = x.getManager();
        FieldCalls calls = new FieldCalls(field, name());
        List<NDArray> trajectory = new ArrayList<>();
        NDArray state = x;
        try {
            if (keepTrajectory) {
                trajectory.add(copyTo(x, outer));
            }
            int steps = times.length - 1;
            for (int i = 0; i < steps; i++) {
                try (NDManager sub = outer.newSubManager()) {
                    NDArray cur;
                    if (state == x) {
                        cur = x.duplicate();
                        cur.attach(sub);
                    } else {
                        cur = state;
                        cur.attach(sub);
                    }
                    NDArray next = step(calls, cur, times[i], times[i + 1], i == steps - 1);
                    cb.onStep(i, times[i + 1], next);
                    if (keepTrajectory) {
                        trajectory.add(copyTo(next, outer));
                    }
                    next.attach(outer);
                    state = next;
                }
            }
        } catch (RuntimeException | Error e) {
            trajectory.forEach(NDArray::close);
            if (state != x) {
                state.close();
            }
            throw e;
        }
        return new SampleResult(
                state, calls.count(), keepTrajectory ? trajectory : List.of(), times);
    }

    /**
     * A copy of {@code a} attached to {@code manager}.
     *
     * @param a the array
     * @param manager the owner of the copy
     * @return the copy
     */
    static NDArray copyTo(NDArray a, NDManager manager) {
        NDArray c = a.duplicate();
        c.attach(manager);
        return c;
    }

    /** Solvers of the same class are equal unless a subclass has settings that tell them apart. */
    @Override
    public boolean equals(Object o) {
        return o != null && o.getClass() == getClass();
    }

    @Override
    public int hashCode() {
        return getClass().hashCode();
    }

    @Override
    public String toString() {
        return name();
    }
}
