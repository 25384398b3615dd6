package dev.reflowkit.field;

import ai.djl.ndarray.NDArray;

/**
 * A time-dependent velocity field {@code v(x, t)}: the one contract between the flow-matching math
 * (paths, losses, solvers) and whatever computes velocities (a DJL network, an analytic field, a
 * guided mixture of two networks).
 *
 * <p>Convention (spec section 1): {@code t = 0} is data, {@code t = 1} is noise; generation
 * integrates {@code dx/dt = v(x, t)} from 1 to 0.
 *
 * <p>Implementations must not close or detach their inputs, and must return a new array attached
 * to the manager of {@code x} (DJL's default for results of operations on {@code x}), so that the
 * caller's per-step sub-manager frees it.
 */
@FunctionalInterface
public interface VelocityField {

    /**
     * Evaluates the velocity.
     *
     * @param x the state, shape {@code (N, ...)}
     * @param t the time of each sample, shape {@code (N)}, float32
     * @return the velocity, same shape as {@code x}
     */
    NDArray velocity(NDArray x, NDArray t);
}
