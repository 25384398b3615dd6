package dev.reflowkit.pipeline;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.nn.Block;
import ai.djl.nn.Parameter;
import ai.djl.util.Pair;
import dev.reflowkit.config.Config;
import dev.reflowkit.config.ConfigLoader;
import dev.reflowkit.config.ReflowConfig;
import dev.reflowkit.field.ConditionalField;
import dev.reflowkit.field.VelocityField;
import dev.reflowkit.model.BlockConditionalField;
import dev.reflowkit.model.BlockVelocityField;
import dev.reflowkit.model.ImportedModule;
import dev.reflowkit.train.Checkpoint;
import dev.reflowkit.train.CheckpointException;
import dev.reflowkit.train.Checkpoints;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * A trained velocity network loaded from a checkpoint for sampling, with the configuration it
 * was trained with.
 *
 * <p>A class-conditional model ({@code model.classes > 0} in its stored configuration) loads as a
 * {@link ConditionalField}: {@link #field()} is then its unconditional (null-class) velocity and
 * {@link #conditional()} gives the class-conditional field for classifier-free guidance.
 *
 * @param field the network as a velocity field (inference mode)
 * @param config the configuration stored in the checkpoint
 * @param sampleShape the shape of one sample
 * @param step the training step of the checkpoint
 */
public record TrainedModel(VelocityField field, Config config, long[] sampleShape, long step) {

    /**
     * Loads a checkpoint.
     *
     * @param file the checkpoint file
     * @param useEma true for the EMA weights, false for the raw weights
     * @param manager the manager that will own the network
     * @return the model
     * @throws CheckpointException if the file is unusable or does not match its own config
     */
    public static TrainedModel load(Path file, boolean useEma, NDManager manager) {
        Loaded l = loadNetwork(file, useEma, manager);
        // Inference only: without this, PyTorch records an autograd graph through every
        // solver step (grad mode is on by default in worker threads), keeping every step's
        // activations alive until the whole solve ends (~0.65 GB per NFE for a 16x16 U-Net
        // at batch 500).
        for (Pair<String, Parameter> p : l.block().getParameters()) {
            p.getValue().getArray().setRequiresGradient(false);
        }
        int classes = l.config().getInt("model.classes");
        VelocityField field = classes > 0 ? new BlockConditionalField(l.block(), classes, manager)
                : new BlockVelocityField(l.block(), manager);
        return new TrainedModel(field, l.config(), l.sampleShape(), l.step());
    }

    /**
     * Loads a checkpoint's network as a DJL block with its weights, e.g. to export it.
     *
     * @param file the checkpoint file
     * @param useEma true for the EMA weights, false for the raw weights
     * @param manager the manager that will own the network
     * @return the network
     * @throws CheckpointException if the file is unusable or does not match its own config
     */
    public static Block network(Path file, boolean useEma, NDManager manager) {
        return loadNetwork(file, useEma, manager).block();
    }

    /** A checkpoint's network with its weights, configuration, sample shape and step. */
    private record Loaded(Block block, Config config, long[] sampleShape, long step) {}

    private static Loaded loadNetwork(Path file, boolean useEma, NDManager manager) {
        try (NDManager tmp = manager.newSubManager()) {
            Checkpoint c = Checkpoints.read(file, tmp);
            Config config;
            try {
                config = ConfigLoader.fromMap(ReflowConfig.schema(), c.config());
            } catch (RuntimeException e) {
                throw new CheckpointException(file, "its stored configuration is invalid: " + e.getMessage());
            }
            Block block;
            try {
                block = Components.model(config, c.sampleShape(), manager, module(c));
            } catch (IllegalArgumentException e) {
                throw new CheckpointException(file, e.getMessage());
            }
            List<NDArray> live = new ArrayList<>();
            for (Pair<String, Parameter> p : block.getParameters()) {
                live.add(p.getValue().getArray());
            }
            try {
                Checkpoints.copyInto(useEma ? c.ema() : c.parameters(), live, useEma ? "EMA weights" : "weights");
            } catch (IllegalArgumentException e) {
                throw new CheckpointException(file, e.getMessage());
            }
            return new Loaded(block, config, c.sampleShape(), c.state().step());
        }
    }

    /**
     * The imported module a checkpoint carries, its bytes checked against the hash recorded at
     * import.
     *
     * @param c a checkpoint
     * @return the module, or null for a ReflowKit network
     * @throws IllegalArgumentException if the module does not match its recorded hash
     */
    public static ImportedModule module(Checkpoint c) {
        return c.module() == null ? null : ImportedModule.fromDescriptor(c.module(), c.moduleDescriptor());
    }

    /**
     * The number of classes of a conditional model.
     *
     * @return {@code model.classes}, 0 for an unconditional model
     */
    public int classes() {
        return field instanceof ConditionalField c ? c.classes() : 0;
    }

    /**
     * The class-conditional field of a conditional model.
     *
     * @return the field
     * @throws IllegalArgumentException if the model is unconditional
     */
    public ConditionalField conditional() {
        if (field instanceof ConditionalField c) {
            return c;
        }
        throw new IllegalArgumentException("the model is unconditional (model.classes = 0); class-conditional"
                + " sampling needs a model trained with model.classes > 0");
    }
}
