package dev.reflowkit.solver;

import ai.djl.ndarray.NDArray;

/** A hook called after every accepted solver step, e.g. for progress or straightness statistics. */
@FunctionalInterface
public interface StepCallback {

    /** A callback that does nothing. */
    StepCallback NONE = (step, t, x) -> {};

    /**
     * Called after an accepted step.
     *
     * @param step the index of the step just taken, from 0
     * @param t the time reached
     * @param x the state at {@code t}; valid only during the call (copy it to keep it)
     */
    void onStep(int step, double t, NDArray x);
}
