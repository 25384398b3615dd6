package dev.reflowkit.coupling;

import java.util.random.RandomGenerator;

/**
 * A coupling of data and noise: a joint distribution of {@code (x0, x1)} from which training
 * batches are drawn. The independent coupling trains the teacher (1-rectified flow); ReFlow
 * couplings come from pair stores.
 *
 * <p>A batch must depend only on the generator passed in, so that a training step is a pure
 * function of its seed (exact resume).
 */
public interface Coupling {

    /**
     * Draws a batch.
     *
     * @param rng the step's random generator
     * @param batchSize number of pairs
     * @return the batch
     */
    PairBatch sample(RandomGenerator rng, int batchSize);

    /**
     * The shape of one sample.
     *
     * @return e.g. {@code [2]}
     */
    long[] sampleShape();
}
