package dev.reflowkit.loss;

/**
 * A loss weight with mutable state that evolves during training (e.g. running loss statistics)
 * and must be checkpointed for an exact resume.
 *
 * <p>A trainer saves {@link #state()} with its checkpoint and calls {@link #loadState(double[])} on
 * a freshly built weight of the same configuration; the weights then continue bit for bit.
 */
public interface StatefulWeight extends LossWeight {

    /**
     * A copy of the current state.
     *
     * @return the state; its layout is documented by the implementation
     */
    double[] state();

    /**
     * Replaces the state with a copy of a saved one.
     *
     * @param state a value previously returned by {@link #state()} of an equally configured weight
     * @throws IllegalArgumentException if the state does not fit this weight's configuration
     */
    void loadState(double[] state);
}
