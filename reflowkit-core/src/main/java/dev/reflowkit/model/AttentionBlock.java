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

/**
 * Single-head self-attention over the positions of a feature map, with a residual connection, as
 * in the DDPM U-Net.
 *
 * <p>For {@code x} of shape {@code (N, C, H, W)} and {@code P = H * W} positions, with
 * {@code [q; k; v] = conv1x1(GroupNorm(x))} viewed as three {@code (N, C, P)} arrays:
 * <pre>
 * A[n, j, i] = softmax_j(k[n, :, j] . q[n, :, i] / sqrt(C))
 * y = x + conv1x1(v A)          (v A has shape (N, C, P), reshaped to (N, C, H, W))
 * </pre>
 * Keys index the rows of {@code A} so that only {@code k} needs a transpose. Weights start as
 * DDPM's; with {@link Builder#optZeroInit} the output projection starts at zero (the block starts
 * as the identity). All operations take tensor operands only (gradient-safe).
 */
public final class AttentionBlock extends AbstractBlock {

    private static final byte VERSION = 1;

    private final int channels;
    private final GroupNorm norm;
    private final Conv2d qkv;
    private final Conv2d projection;

    private AttentionBlock(Builder b) {
        super(VERSION);
        this.channels = b.channels;
        this.norm = addChildBlock("norm", GroupNorm.builder().setGroups(b.groups).build());
        this.qkv = addChildBlock("qkv", Convs.conv1x1(3 * channels));
        this.projection = addChildBlock("proj", Convs.conv1x1(channels));
        Convs.ddpmInit(this);
        if (b.zeroInit) {
            Convs.zeroInit(projection);
        }
    }

    /**
     * A new builder.
     *
     * @return the builder
     */
    public static Builder builder() {
        return new Builder();
    }

    /** {@inheritDoc} */
    @Override
    protected NDList forwardInternal(
            ParameterStore ps, NDList inputs, boolean training, PairList<String, Object> params) {
        NDArray x = inputs.singletonOrThrow();
        return new NDList(EagerScope.run(() -> {
            Shape shape = x.getShape();
            long n = shape.get(0);
            long positions = shape.get(2) * shape.get(3);
            NDArray h = norm.forward(ps, new NDList(x), training).singletonOrThrow();
            NDList parts = qkv.forward(ps, new NDList(h), training).singletonOrThrow()
                    .reshape(n, 3L * channels, positions)
                    .split(3, 1);
            NDArray q = parts.get(0);
            NDArray k = parts.get(1);
            NDArray v = parts.get(2);
            // Made by the engine (not from a Java buffer), so the scope may free the handle early.
            NDArray scale = x.getManager().full(new Shape(), (float) (1.0 / Math.sqrt(channels)));
            NDArray weights = k.transpose(0, 2, 1).matMul(q).mul(scale).softmax(1);
            NDArray attended = v.matMul(weights).reshape(shape);
            return x.add(projection.forward(ps, new NDList(attended), training).singletonOrThrow());
        }));
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
        String qkv = e.conv(this.qkv, norm.torchScript(e, x));
        String parts = e.let("torch.chunk(" + qkv + ".reshape([" + x + ".size(0), " + 3 * channels + ", -1]), 3, 1)");
        String weights = e.let("torch.softmax(torch.matmul(" + parts + "[1].transpose(1, 2), " + parts + "[0]) * "
                + (float) (1.0 / Math.sqrt(channels)) + ", 1)");
        String attended = e.let("torch.matmul(" + parts + "[2], " + weights + ").reshape(" + x + ".size())");
        return e.let(x + " + " + e.conv(projection, attended));
    }

    @Override
    public Shape[] getOutputShapes(Shape[] inputShapes) {
        return new Shape[] {inputShapes[0]};
    }

    /** {@inheritDoc} */
    @Override
    protected void initializeChildBlocks(NDManager manager, DataType dataType, Shape... inputShapes) {
        Shape x = inputShapes[0];
        if (x.get(1) != channels) {
            throw new IllegalArgumentException("AttentionBlock built for " + channels
                    + " channels was initialized with input shape " + x);
        }
        norm.initialize(manager, dataType, x);
        qkv.initialize(manager, dataType, x);
        projection.initialize(manager, dataType, x);
    }

    /** {@inheritDoc} */
    @Override
    public String toString() {
        return "AttentionBlock(" + channels + ")";
    }

    /** The builder of {@link AttentionBlock}: channels and groups are required. */
    public static final class Builder {
        private int channels = -1;
        private int groups = -1;
        private boolean zeroInit;

        private Builder() {}

        /**
         * Sets the channel count C.
         *
         * @param channels positive
         * @return this builder
         */
        public Builder setChannels(int channels) {
            this.channels = channels;
            return this;
        }

        /**
         * Sets the GroupNorm group count (must divide C).
         *
         * @param groups positive
         * @return this builder
         */
        public Builder setGroups(int groups) {
            this.groups = groups;
            return this;
        }

        /**
         * Starts the output projection at zero (default false).
         *
         * @param zeroInit true for zero initialization
         * @return this builder
         */
        public Builder optZeroInit(boolean zeroInit) {
            this.zeroInit = zeroInit;
            return this;
        }

        /**
         * Builds the block.
         *
         * @return the block
         * @throws IllegalArgumentException for unset or inconsistent settings
         */
        public AttentionBlock build() {
            if (channels <= 0 || groups <= 0 || channels % groups != 0) {
                throw new IllegalArgumentException("AttentionBlock needs channels > 0 divisible by groups > 0, got "
                        + channels + " channels, " + groups + " groups");
            }
            return new AttentionBlock(this);
        }
    }
}
