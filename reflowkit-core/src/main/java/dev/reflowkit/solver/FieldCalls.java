package dev.reflowkit.solver;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import dev.reflowkit.engine.Engines;
import dev.reflowkit.field.CostedField;
import dev.reflowkit.field.VelocityField;

/**
 * A velocity field bound to one solve: it builds the time array the field expects and counts the
 * network evaluations, which is the solve's exact NFE per sample: each call costs {@link
 * CostedField#costOf(VelocityField)} (1 for a plain field, 2 for a guided one, whose call
 * evaluates two networks).
 *
 * <p>The time array has shape {@code (N)}, float32, filled with the current {@code t}, and is
 * created in the manager of {@code x} (the solver's per-step sub-manager), so it is freed with the
 * step. An optional limit on the evaluations makes the call that would exceed it throw {@link
 * NfeLimitExceededException} instead of evaluating.
 */
public final class FieldCalls {

    private final VelocityField field;
    private final String solver;
    private final int limit;
    private final int cost;
    private int calls;

    /**
     * Binds a field without a limit.
     *
     * @param field the field
     * @param solver the solver's name, for messages
     */
    public FieldCalls(VelocityField field, String solver) {
        this(field, solver, Integer.MAX_VALUE);
    }

    /**
     * Binds a field with a limit on the number of network evaluations.
     *
     * @param field the field
     * @param solver the solver's name, for messages
     * @param limit the most network evaluations allowed, at least 1
     */
    public FieldCalls(VelocityField field, String solver, int limit) {
        if (field == null) {
            throw new IllegalArgumentException(solver + ": the velocity field is null");
        }
        if (limit < 1) {
            throw new IllegalArgumentException(solver + ": NFE limit must be >= 1, got " + limit);
        }
        this.field = field;
        this.solver = solver;
        this.limit = limit;
        this.cost = CostedField.costOf(field);
    }

    /**
     * Evaluates {@code v(x, t)} with {@code t} broadcast to every sample.
     *
     * @param x the state, shape {@code (N, ...)}
     * @param t the time
     * @return the velocity, attached to the manager of {@code x}
     * @throws NfeLimitExceededException if the call would exceed the limit
     */
    public NDArray velocity(NDArray x, double t) {
        if (calls > limit - cost) {
            throw new NfeLimitExceededException(solver, limit, t);
        }
        calls += cost;
        Engines.applySamplingThreads();
        Engines.touchExpOverflowConstant();
        NDArray time = x.getManager().full(new Shape(x.getShape().get(0)), (float) t,
                DataType.FLOAT32);
        return field.velocity(x, time);
    }

    /**
     * The network evaluations so far: the calls times the field's cost per call.
     *
     * @return the NFE per sample
     */
    public int count() {
        return calls;
    }
}
