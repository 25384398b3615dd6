package dev.reflowkit.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.AbstractBlock;
import ai.djl.nn.convolutional.Conv2d;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;
import dev.reflowkit.engine.FusedKernels;

/**
 * Doubles the resolution of a feature map: nearest-neighbour upsampling (each value repeated
 * into a 2x2 patch), by default followed by a 3x3 convolution (DDPM-initialized),
 * {@code (N, C, H, W) -> (N, C, 2H, 2W)}. ({@code Conv2dTranspose} is not implemented by DJL's
 * PyTorch engine, see DJL_NOTES.)
 */
public final class Upsample extends AbstractBlock {

    private static final byte VERSION = 1;

    private final int channels;
    private final Conv2d conv;

    /**
     * Creates the block with its convolution.
     *
     * @param channels the channel count C (kept)
     * @throws IllegalArgumentException if {@code channels <= 0}
     */
    public Upsample(int channels) {
        this(channels, true);
    }

    /**
     * Creates the block.
     *
     * @param channels the channel count C (kept)
     * @param withConv true to follow the upsampling by a 3x3 convolution, false for a
     *     parameter-free block
     * @throws IllegalArgumentException if {@code channels <= 0}
     */
    public Upsample(int channels, boolean withConv) {
        super(VERSION);
        if (channels <= 0) {
            throw new IllegalArgumentException("Upsample channels must be > 0, got " + channels);
        }
        this.channels = channels;
        this.conv = withConv ? addChildBlock("conv", Convs.conv3x3(channels, 1)) : null;
        Convs.ddpmInit(this);
    }

    /**
     * Nearest-neighbour upsampling by 2 in both spatial axes (differentiable, no parameters).
     *
     * @param x shape {@code (N, C, H, W)}
     * @return shape {@code (N, C, 2H, 2W)} with {@code y[n, c, i, j] = x[n, c, i / 2, j / 2]}
     */
    public static NDArray nearest2x(NDArray x) {
        NDArray fused = FusedKernels.upsampleNearest2x(x);
        if (fused != null) {
            return fused;
        }
        Shape s = x.getShape();
        return x.getNDArrayInternal().interpolation(new long[] {2 * s.get(2), 2 * s.get(3)}, 0, false);
    }

    /** {@inheritDoc} */
    @Override
    protected NDList forwardInternal(
            ParameterStore ps, NDList inputs, boolean training, PairList<String, Object> params) {
        NDArray up = nearest2x(inputs.singletonOrThrow());
        return conv == null ? new NDList(up) : conv.forward(ps, new NDList(up), training);
    }

    /** {@inheritDoc} */
    /**
     * Writes this block's forward.
     *
     * @param e the emitter
     * @param x the input expression
     * @return the output variable
     */
    String torchScript(TorchScriptEmitter e, String x) {
        String up = e.let("torch.upsample_nearest2d(" + x + ", [2 * " + x + ".size(2), 2 * " + x + ".size(3)])");
        return conv == null ? up : e.conv(conv, up);
    }

    @Override
    public Shape[] getOutputShapes(Shape[] inputShapes) {
        Shape x = inputShapes[0];
        return new Shape[] {new Shape(x.get(0), x.get(1), 2 * x.get(2), 2 * x.get(3))};
    }

    /** {@inheritDoc} */
    @Override
    protected void initializeChildBlocks(NDManager manager, DataType dataType, Shape... inputShapes) {
        if (conv != null) {
            conv.initialize(manager, dataType, getOutputShapes(inputShapes));
        }
    }

    /** {@inheritDoc} */
    @Override
    public String toString() {
        return "Upsample(" + channels + (conv == null ? ", no conv" : "") + ")";
    }
}
