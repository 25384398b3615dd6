package dev.reflowkit.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.nn.Block;
import ai.djl.training.ParameterStore;
import dev.reflowkit.engine.Engines;
import dev.reflowkit.field.ConditionalField;

/**
 * A {@link ConditionalField} computed by a DJL {@link Block} taking {@code NDList(x, t, labels)}
 * (and {@code NDList(x, t)} for the null class), e.g. a {@link MlpVelocityNet} built with classes,
 * evaluated in inference mode (no dropout, no gradient).
 */
public final class BlockConditionalField implements ConditionalField {

    private final Block block;
    private final ParameterStore parameterStore;
    private final int classes;

    /**
     * Wraps an initialized conditional block.
     *
     * @param block a block mapping {@code (x, t[, labels])} to a velocity of the shape of x
     * @param classes its number of classes C, {@code > 0}
     * @param manager the manager that owns the block's parameters
     * @throws IllegalArgumentException if {@code classes <= 0}
     */
    public BlockConditionalField(Block block, int classes, NDManager manager) {
        if (classes <= 0) {
            throw new IllegalArgumentException("a conditional field needs > 0 classes, got " + classes);
        }
        this.block = block;
        this.classes = classes;
        this.parameterStore = new ParameterStore(manager, false);
    }

    /** {@inheritDoc} */
    @Override
    public NDArray velocity(NDArray x, NDArray t, NDArray labels) {
        return Engines.withoutGradients(
                () -> block.forward(parameterStore, new NDList(x, t, labels), false).singletonOrThrow());
    }

    /** {@inheritDoc} */
    @Override
    public NDArray velocity(NDArray x, NDArray t) {
        return Engines.withoutGradients(
                () -> block.forward(parameterStore, new NDList(x, t), false).singletonOrThrow());
    }

    /** {@inheritDoc} */
    @Override
    public int classes() {
        return classes;
    }
}
