package dev.reflowkit.bench;

import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import ai.djl.nn.convolutional.Convolution;
import ai.djl.nn.core.Linear;
import dev.reflowkit.model.AttentionBlock;

/**
 * The multiply-add work of a network's forward pass, counted from its initialized layers: the
 * figure behind "achieved GFLOP/s".
 *
 * <p>Counted (2 FLOPs per multiply-add): every {@link Linear} ({@code 2 rows in out}), every
 * {@link Convolution} ({@code 2 N F H' W' (C / groups) k_h k_w}) and the two attention products
 * of every {@link AttentionBlock} ({@code 2 x 2 N P^2 C} for {@code P = H W} positions).
 * Element-wise work (normalization, activations, additions) is not counted: it is memory-bound
 * and small next to these. A training step is taken as 3 forward passes (forward, and backward
 * for inputs and weights), the usual estimate.
 */
public final class FlopCount {

    private FlopCount() {}

    /**
     * Forward FLOPs per sample of an initialized network.
     *
     * @param network the network, initialized (its layers know their input shapes)
     * @return FLOPs per sample
     * @throws IllegalStateException if the network was not initialized
     */
    public static double forwardPerSample(Block network) {
        Shape[] in = network.getInputShapes();
        if (in == null || in.length == 0) {
            throw new IllegalStateException("the network is not initialized: no input shapes");
        }
        return count(network) / in[0].get(0);
    }

    private static double count(Block block) {
        double flops = 0;
        Shape[] in = block.getInputShapes();
        if (block instanceof Linear && in != null && in.length > 0) {
            Shape x = in[0];
            long features = x.get(x.dimension() - 1);
            Shape out = block.getOutputShapes(in)[0];
            flops += 2.0 * (x.size() / features) * features * out.get(out.dimension() - 1);
        } else if (block instanceof Convolution conv && in != null && in.length > 0) {
            Shape x = in[0];
            Shape out = block.getOutputShapes(in)[0];
            double kernel = conv.getKernelShape().size();
            flops += 2.0 * out.size() * (x.get(1) / (double) conv.getGroups()) * kernel;
        } else if (block instanceof AttentionBlock && in != null && in.length > 0) {
            Shape x = in[0];
            double positions = x.get(2) * x.get(3);
            flops += 4.0 * x.get(0) * positions * positions * x.get(1);
        }
        for (Block child : block.getChildren().values()) {
            flops += count(child);
        }
        return flops;
    }
}
