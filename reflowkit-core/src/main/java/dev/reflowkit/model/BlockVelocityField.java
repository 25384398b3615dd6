package dev.reflowkit.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.nn.Block;
import ai.djl.training.ParameterStore;
import dev.reflowkit.engine.Engines;
import dev.reflowkit.field.VelocityField;

/**
 * A {@link VelocityField} computed by a DJL {@link Block} taking {@code NDList(x, t)}, evaluated
 * in inference mode (no dropout, no gradient).
 */
public final class BlockVelocityField implements VelocityField {

    private final Block block;
    private final ParameterStore parameterStore;

    /**
     * Wraps an initialized block.
     *
     * @param block a block whose forward maps {@code (x, t)} to a velocity of the shape of x
     * @param manager the manager that owns the block's parameters
     */
    public BlockVelocityField(Block block, NDManager manager) {
        this.block = block;
        this.parameterStore = new ParameterStore(manager, false);
    }

    /** {@inheritDoc} */
    @Override
    public NDArray velocity(NDArray x, NDArray t) {
        return Engines.withoutGradients(
                () -> block.forward(parameterStore, new NDList(x, t), false).singletonOrThrow());
    }
}
