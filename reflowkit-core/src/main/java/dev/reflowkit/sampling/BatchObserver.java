package dev.reflowkit.sampling;

import ai.djl.ndarray.NDArray;
import dev.reflowkit.solver.StepCallback;

/**
 * Watches the batches of a {@link BatchSampler} run: the start noise of each batch, every accepted
 * solver step (as a {@link StepCallback}, step indices restarting at 0 in each batch) and the
 * batch's final samples, e.g. to measure trajectories without keeping them.
 *
 * <p>The arrays passed in are valid only during the call; copy what you keep.
 */
public interface BatchObserver extends StepCallback {

    /** An observer that does nothing. */
    BatchObserver NONE = new BatchObserver() {
        @Override
        public void startBatch(int first, double t, NDArray noise) {}

        @Override
        public void onStep(int step, double t, NDArray x) {}

        @Override
        public void endBatch(int first, NDArray samples) {}
    };

    /**
     * Called before a batch is integrated.
     *
     * @param first the index of the batch's first sample
     * @param t the start time (1 for generation)
     * @param noise the batch's start state, shape {@code (n, ...)}
     */
    void startBatch(int first, double t, NDArray noise);

    /**
     * Called with a batch's final states, after they were checked to be finite.
     *
     * @param first the index of the batch's first sample
     * @param samples the final states, shape {@code (n, ...)}
     */
    void endBatch(int first, NDArray samples);
}
