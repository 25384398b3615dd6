package dev.reflowkit.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.AbstractBlock;
import ai.djl.nn.convolutional.Conv2d;
import ai.djl.nn.core.Linear;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;

/**
 * The time-conditioned residual block of DDPM-family U-Nets.
 *
 * <p>Inputs are {@code NDList(x, e)}: feature maps {@code x} of shape {@code (N, C_in, H, W)} and
 * the already activated embedding {@code e = a(emb)} of shape {@code (N, E)}. With the activation
 * {@code a} (SiLU by default), the output, of shape {@code (N, C_out, H, W)}, is
 * <pre>
 * h = conv3x3(a(GroupNorm(x))) + (W_e e + b_e)[:, :, None, None]
 * y = skip(x) + conv3x3(dropout(a(GroupNorm(h))))
 * </pre>
 * where {@code skip} is the identity when {@code C_in == C_out} and a 1x1 convolution otherwise.
 * Weights start as DDPM's ({@code Var = 1 / fan_avg}, uniform); with {@link Builder#optZeroInit}
 * the last convolution starts at zero, so the block starts as its skip path (DDPM++ style). All operations take tensor operands only (gradient-safe).
 */
public final class ResidualBlock extends AbstractBlock {

    private static final byte VERSION = 1;

    private final int inChannels;
    private final int outChannels;
    private final float dropout;
    private final ActivationKind activation;
    private final GroupNorm norm1;
    private final Conv2d conv1;
    private final Linear embedding;
    private final GroupNorm norm2;
    private final Conv2d conv2;
    private final Conv2d skip;

    private ResidualBlock(Builder b) {
        super(VERSION);
        this.inChannels = b.inChannels;
        this.outChannels = b.outChannels;
        this.dropout = b.dropout;
        this.activation = b.activation;
        this.norm1 = addChildBlock("norm1", GroupNorm.builder().setGroups(b.groups).optActivation(b.activation).build());
        this.conv1 = addChildBlock("conv1", Convs.conv3x3(outChannels, 1));
        this.embedding = addChildBlock("emb", Linear.builder().setUnits(outChannels).build());
        this.norm2 = addChildBlock("norm2", GroupNorm.builder().setGroups(b.groups).optActivation(b.activation).build());
        this.conv2 = addChildBlock("conv2", Convs.conv3x3(outChannels, 1));
        this.skip = inChannels == outChannels ? null : addChildBlock("skip", Convs.conv1x1(outChannels));
        Convs.ddpmInit(this);
        if (b.zeroInit) {
            Convs.zeroInit(conv2);
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

    /**
     * The output channel count.
     *
     * @return C_out
     */
    public int outChannels() {
        return outChannels;
    }

    /** {@inheritDoc} */
    @Override
    protected NDList forwardInternal(
            ParameterStore ps, NDList inputs, boolean training, PairList<String, Object> params) {
        return new NDList(EagerScope.run(() -> {
            NDArray x = inputs.get(0);
            NDArray e = inputs.get(1);
            NDArray h = norm1.forward(ps, new NDList(x), training).singletonOrThrow(); // a(GroupNorm(x))
            h = conv1.forward(ps, new NDList(h), training).singletonOrThrow();
            NDArray projected = embedding.forward(ps, new NDList(e), training).singletonOrThrow();
            NDArray perChannel = projected.reshape(projected.getShape().get(0), outChannels, 1, 1);
            h = EagerScope.inPlace() ? h.addi(perChannel) : h.add(perChannel);
            h = norm2.forward(ps, new NDList(h), training).singletonOrThrow(); // a(GroupNorm(h))
            if (dropout > 0f) {
                h = HostDropout.apply(h, dropout, training);
            }
            h = conv2.forward(ps, new NDList(h), training).singletonOrThrow();
            NDArray s = skip == null ? x : skip.forward(ps, new NDList(x), training).singletonOrThrow();
            return EagerScope.inPlace() ? h.addi(s) : s.add(h);
        }));
    }

    /** {@inheritDoc} */
    /**
     * Writes this block's forward in inference (no dropout).
     *
     * @param e the emitter
     * @param x the input expression
     * @param emb the embedding expression
     * @return the output variable
     */
    String torchScript(TorchScriptEmitter e, String x, String emb) {
        String h = e.conv(conv1, norm1.torchScript(e, x));
        String projected = e.let(e.linear(embedding, emb));
        h = e.let(h + " + " + projected + ".reshape([-1, " + outChannels + ", 1, 1])");
        h = e.conv(conv2, norm2.torchScript(e, h));
        String s = skip == null ? x : e.conv(skip, x);
        return e.let(s + " + " + h);
    }

    @Override
    public Shape[] getOutputShapes(Shape[] inputShapes) {
        Shape x = inputShapes[0];
        return new Shape[] {new Shape(x.get(0), outChannels, x.get(2), x.get(3))};
    }

    /** {@inheritDoc} */
    @Override
    protected void initializeChildBlocks(NDManager manager, DataType dataType, Shape... inputShapes) {
        Shape x = inputShapes[0];
        if (x.get(1) != inChannels) {
            throw new IllegalArgumentException("ResidualBlock built for " + inChannels
                    + " input channels was initialized with input shape " + x);
        }
        Shape out = getOutputShapes(inputShapes)[0];
        norm1.initialize(manager, dataType, x);
        conv1.initialize(manager, dataType, x);
        embedding.initialize(manager, dataType, inputShapes[1]);
        norm2.initialize(manager, dataType, out);
        conv2.initialize(manager, dataType, out);
        if (skip != null) {
            skip.initialize(manager, dataType, x);
        }
    }

    /** {@inheritDoc} */
    @Override
    public String toString() {
        return "ResidualBlock(" + inChannels + " -> " + outChannels + ", " + activation.configName()
                + ", dropout=" + dropout + ")";
    }

    /** The builder of {@link ResidualBlock}: channels and groups are required. */
    public static final class Builder {
        private int inChannels = -1;
        private int outChannels = -1;
        private int groups = -1;
        private float dropout;
        private boolean zeroInit;
        private ActivationKind activation = ActivationKind.SILU;

        private Builder() {}

        /**
         * Sets the activation after each GroupNorm (default SiLU).
         *
         * @param activation the activation
         * @return this builder
         */
        public Builder optActivation(ActivationKind activation) {
            this.activation = activation;
            return this;
        }

        /**
         * Sets the input and output channel counts.
         *
         * @param in C_in, positive
         * @param out C_out, positive
         * @return this builder
         */
        public Builder setChannels(int in, int out) {
            this.inChannels = in;
            this.outChannels = out;
            return this;
        }

        /**
         * Sets the GroupNorm group count (must divide both channel counts).
         *
         * @param groups G, positive
         * @return this builder
         */
        public Builder setGroups(int groups) {
            this.groups = groups;
            return this;
        }

        /**
         * Sets the dropout rate before the last convolution (default 0).
         *
         * @param dropout in [0, 1)
         * @return this builder
         */
        public Builder optDropout(float dropout) {
            this.dropout = dropout;
            return this;
        }

        /**
         * Starts the last convolution at zero (default false).
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
        public ResidualBlock build() {
            if (inChannels <= 0 || outChannels <= 0 || groups <= 0) {
                throw new IllegalArgumentException("ResidualBlock needs channels > 0 and groups > 0, got "
                        + inChannels + " -> " + outChannels + ", groups " + groups);
            }
            if (inChannels % groups != 0 || outChannels % groups != 0) {
                throw new IllegalArgumentException("ResidualBlock channels " + inChannels + " -> "
                        + outChannels + " are not divisible by " + groups + " GroupNorm groups");
            }
            if (!(dropout >= 0f && dropout < 1f)) {
                throw new IllegalArgumentException("dropout must be in [0, 1), got " + dropout);
            }
            return new ResidualBlock(this);
        }
    }
}
