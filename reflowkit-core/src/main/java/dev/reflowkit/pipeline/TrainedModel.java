package dev.reflowkit.pipeline;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.nn.Block;
import ai.djl.nn.Parameter;
import ai.djl.util.Pair;
import dev.reflowkit.config.Config;
import dev.reflowkit.config.ConfigLoader;
import dev.reflowkit.config.ReflowConfig;
import dev.reflowkit.field.VelocityField;
import dev.reflowkit.model.BlockVelocityField;
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
        Checkpoint c;
        try (NDManager tmp = manager.newSubManager()) {
            c = Checkpoints.read(file, tmp);
            Config config;
            try {
                config = ConfigLoader.fromMap(ReflowConfig.schema(), c.config());
            } catch (RuntimeException e) {
                throw new CheckpointException(file, "its stored configuration is invalid: " + e.getMessage());
            }
            Block block = Components.model(config, c.sampleShape(), manager);
            List<NDArray> live = new ArrayList<>();
            for (Pair<String, Parameter> p : block.getParameters()) {
                live.add(p.getValue().getArray());
            }
            try {
                dev.reflowkit.train.Checkpoints.copyInto(useEma ? c.ema() : c.parameters(), live,
                        useEma ? "EMA weights" : "weights");
            } catch (IllegalArgumentException e) {
                throw new CheckpointException(file, e.getMessage());
            }
            return new TrainedModel(new BlockVelocityField(block, manager), config, c.sampleShape(),
                    c.state().step());
        }
    }
}
