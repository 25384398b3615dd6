package dev.reflowkit.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.AbstractBlock;
import ai.djl.nn.Block;
import ai.djl.nn.Parameter;
import ai.djl.nn.convolutional.Conv2d;
import ai.djl.nn.core.Linear;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;
import dev.reflowkit.engine.Engines;
import dev.reflowkit.engine.FusedKernels;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Deque;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;

/**
 * A U-Net velocity network for images in the DDPM / DDPM++ family (Ho et al. 2020; Song et al.
 * 2021), sized for CPUs.
 *
 * <p>Inputs are {@code NDList(x, t)} with {@code x} of shape {@code (N, C, H, W)} (or flat
 * {@code (N, C*H*W)}, row-major C, H, W) and {@code t} of shape {@code (N)}; the output has the
 * shape of {@code x}. Layout, for {@code L} levels with widths {@code channels * mult[l]} and
 * {@code R} residual blocks per level:
 * <ul>
 *   <li>time: {@code emb = Linear(a(Linear(sin/cos(t))))} of width {@code 4 * channels}, with the
 *       activation {@code a} (SiLU by default); every {@link ResidualBlock} adds its own
 *       projection of {@code a(emb)} per channel;</li>
 *   <li>a 3x3 input convolution to {@code channels};</li>
 *   <li>encoder: at level {@code l}, {@code R} residual blocks (each followed by an
 *       {@link AttentionBlock} if the level's resolution is an attention resolution), then,
 *       except at the last level, a stride-2 3x3 convolution; every block's output is kept as a
 *       skip connection, as is the input convolution's;</li>
 *   <li>middle: residual block, attention (if enabled), residual block at the lowest
 *       resolution;</li>
 *   <li>decoder: at level {@code l} (from the last), {@code R + 1} residual blocks, each taking
 *       the concatenation of the current features and the most recent unused skip, then (except
 *       at level 0) an {@link Upsample} (nearest x2, then a 3x3 convolution unless
 *       {@link Builder#optUpsampleConv} is off);</li>
 *   <li>output: GroupNorm, activation, 3x3 convolution back to {@code C} channels.</li>
 * </ul>
 * The resolution of level {@code l} is {@code H / 2^l}; H and W must be divisible by
 * {@code 2^(L-1)}. Weights start as in DDPM ({@code Var = 1 / fan_avg}, uniform); with
 * {@link Builder#optZeroInit} (default on) the last convolution of every residual block, the
 * attention projections and the output convolution start at zero (DDPM++ style), so a new network
 * outputs zeros.
 *
 * <p>Class-conditional ({@link Builder#optClasses}, {@code K > 0} classes): the input may be
 * {@code NDList(x, t, labels)} with integer (or integral float) labels in {@code [0, K]}; a learned
 * table of {@code K + 1} rows of the sinusoid width is added to the sinusoidal time embedding
 * before the time MLP. Row {@code K} is the null class ("no label"), used by label dropout and for
 * unconditional evaluation; an input without labels uses it.
 *
 * <p>All operations take tensor operands only (gradient-safe, see DJL_NOTES), in float32.
 */
public final class UNetVelocityNet extends AbstractBlock {

    private static final byte VERSION = 1;

    private final int imageChannels;
    private final int height;
    private final int width;
    private final int channels;
    private final int[] channelMult;
    private final int resBlocks;
    private final Set<Integer> attentionResolutions;
    private final boolean midAttention;
    private final boolean upsampleConv;
    private final int groups;
    private final float dropout;
    private final ActivationKind activation;
    private final boolean zeroInit;
    private final int classes;
    private final boolean channelsLast;
    private final SinusoidalTimeEmbedding timeEmbedding;
    private final Parameter classEmbedding;
    private final Linear time1;
    private final Linear time2;
    private final Conv2d inputConv;
    private final List<Stage> down = new ArrayList<>();
    private final ResidualBlock mid1;
    private final AttentionBlock midAttn;
    private final ResidualBlock mid2;
    private final List<Stage> up = new ArrayList<>();
    private final GroupNorm outNorm;
    private final Conv2d outConv;

    /**
     * One step of the encoder or decoder: a residual block with optional attention, or a
     * resampling block.
     */
    private record Stage(ResidualBlock res, AttentionBlock attention, Block resample) {}

    private UNetVelocityNet(Builder b) {
        super(VERSION);
        this.imageChannels = b.imageChannels;
        this.height = b.height;
        this.width = b.width;
        this.channels = b.channels;
        this.channelMult = b.channelMult.clone();
        this.resBlocks = b.resBlocks;
        this.attentionResolutions = new TreeSet<>(b.attentionResolutions);
        this.midAttention = b.midAttention;
        this.upsampleConv = b.upsampleConv;
        this.groups = b.groups;
        this.dropout = b.dropout;
        this.activation = b.activation;
        this.zeroInit = b.zeroInit;
        this.classes = b.classes;
        this.channelsLast = b.channelsLast;
        this.timeEmbedding = new SinusoidalTimeEmbedding(b.timeDim, b.timeScale);
        int embWidth = 4 * channels;
        this.classEmbedding = classes > 0
                ? addParameter(Parameter.builder()
                        .setName("class_embedding")
                        .setType(Parameter.Type.WEIGHT)
                        .optShape(new Shape(classes + 1, timeEmbedding.dim()))
                        .build())
                : null;
        this.time1 = addChildBlock("time1", Linear.builder().setUnits(embWidth).build());
        this.time2 = addChildBlock("time2", Linear.builder().setUnits(embWidth).build());
        this.inputConv = addChildBlock("in", Convs.conv3x3(channels, 1));

        List<Integer> skipChannels = new ArrayList<>();
        skipChannels.add(channels);
        int ch = channels;
        int levels = channelMult.length;
        for (int l = 0; l < levels; l++) {
            int out = channels * channelMult[l];
            for (int r = 0; r < resBlocks; r++) {
                ResidualBlock res = addChildBlock("down" + l + "_res" + r, residual(ch, out));
                AttentionBlock attn = attentionResolutions.contains(height >> l)
                        ? addChildBlock("down" + l + "_attn" + r, attention(out)) : null;
                down.add(new Stage(res, attn, null));
                ch = out;
                skipChannels.add(ch);
            }
            if (l < levels - 1) {
                down.add(new Stage(null, null, addChildBlock("down" + l + "_sample", Convs.conv3x3(ch, 2))));
                skipChannels.add(ch);
            }
        }
        this.mid1 = addChildBlock("mid_res1", residual(ch, ch));
        this.midAttn = midAttention ? addChildBlock("mid_attn", attention(ch)) : null;
        this.mid2 = addChildBlock("mid_res2", residual(ch, ch));
        for (int l = levels - 1; l >= 0; l--) {
            int out = channels * channelMult[l];
            for (int r = 0; r <= resBlocks; r++) {
                int skip = skipChannels.remove(skipChannels.size() - 1);
                ResidualBlock res = addChildBlock("up" + l + "_res" + r, residual(ch + skip, out));
                AttentionBlock attn = attentionResolutions.contains(height >> l)
                        ? addChildBlock("up" + l + "_attn" + r, attention(out)) : null;
                up.add(new Stage(res, attn, null));
                ch = out;
            }
            if (l > 0) {
                up.add(new Stage(null, null, addChildBlock("up" + l + "_sample", new Upsample(ch, upsampleConv))));
            }
        }
        this.outNorm = addChildBlock("out_norm", GroupNorm.builder().setGroups(groups).optActivation(activation).build());
        this.outConv = addChildBlock("out", Convs.conv3x3(imageChannels, 1));
        // The residual, attention and upsampling blocks initialize their own weights.
        for (Block own : List.of(time1, time2, inputConv, outConv)) {
            Convs.ddpmInit(own);
        }
        for (Stage s : down) {
            if (s.resample() != null) {
                Convs.ddpmInit(s.resample());
            }
        }
        if (zeroInit) {
            Convs.zeroInit(outConv);
        }
    }

    private ResidualBlock residual(int in, int out) {
        return ResidualBlock.builder().setChannels(in, out).setGroups(groups).optDropout(dropout)
                .optActivation(activation).optZeroInit(zeroInit).build();
    }

    private AttentionBlock attention(int ch) {
        return AttentionBlock.builder().setChannels(ch).setGroups(groups).optZeroInit(zeroInit).build();
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
     * The shape of one sample.
     *
     * @return {@code {C, H, W}}
     */
    public long[] sampleShape() {
        return new long[] {imageChannels, height, width};
    }

    /**
     * The number of classes of a conditional network; the null class has index {@code classes()}.
     *
     * @return K, 0 for an unconditional network
     */
    public int classes() {
        return classes;
    }

    /**
     * The feature-map height of every level.
     *
     * @return {@code H / 2^l} for {@code l = 0..L-1}
     */
    public int[] levelResolutions() {
        return levelResolutions(height, channelMult.length);
    }

    private static int[] levelResolutions(int height, int levels) {
        int[] r = new int[levels];
        for (int l = 0; l < levels; l++) {
            r[l] = height >> l;
        }
        return r;
    }

    /** {@inheritDoc} */
    @Override
    protected NDList forwardInternal(
            ParameterStore ps, NDList inputs, boolean training, PairList<String, Object> params) {
        NDArray x = inputs.get(0);
        Shape inShape = x.getShape();
        long n = inShape.get(0);
        NDArray e = EagerScope.run(() -> activation.apply(embedding(ps, inputs, n, training)));
        // Every intermediate is closed as soon as it has been used (autograd keeps what the
        // backward pass needs): the forward then holds only the skips, like PyTorch.
        NDArray in = inShape.dimension() == 2 ? x.reshape(n, imageChannels, height, width) : x;
        // Sampling: every activation in the memory order its width runs fastest in (wide ones
        // channels-last), arranged once where it is made, so that skips and concatenations match.
        boolean arrange = channelsLast && !Engines.isRecordingGradients() && FusedKernels.enabled();
        NDArray h = arranged(inputConv.forward(ps, new NDList(in), training).singletonOrThrow(), arrange);
        if (in != x) {
            in.close();
        }
        Deque<NDArray> skips = new ArrayDeque<>();
        skips.push(h);
        for (Stage s : down) {
            h = arranged(apply(ps, s, h, e, training), arrange);
            skips.push(h);
        }
        h = arranged(mid1.forward(ps, new NDList(h, e), training).singletonOrThrow(), arrange);
        if (midAttn != null) {
            h = replace(h, arranged(midAttn.forward(ps, new NDList(h), training).singletonOrThrow(), arrange));
        }
        h = replace(h, arranged(mid2.forward(ps, new NDList(h, e), training).singletonOrThrow(), arrange));
        for (Stage s : up) {
            if (s.res() != null) {
                NDArray skip = skips.pop();
                h = replace(h, concatenated(h, skip, arrange));
                skip.close();
            }
            h = replace(h, arranged(apply(ps, s, h, e, training), arrange));
        }
        h = replace(h, outNorm.forward(ps, new NDList(h), training).singletonOrThrow()); // a(GroupNorm(h))
        h = replace(h, outConv.forward(ps, new NDList(h), training).singletonOrThrow());
        e.close();
        return new NDList(inShape.dimension() == 2 ? replace(h, h.reshape(inShape)) : h);
    }

    /**
     * The activation in the memory order {@link FusedKernels#inferenceLayout} picks for its width
     * (the argument is closed), or the argument itself where {@code arrange} is false.
     */
    private static NDArray arranged(NDArray h, boolean arrange) {
        if (!arrange) {
            return h;
        }
        NDArray out = FusedKernels.inferenceLayout(h);
        return out == null ? h : replace(h, out);
    }

    /**
     * {@code cat([h, skip], 1)}, made in the memory order of {@link #arranged} where
     * {@code arrange} is true (the arguments stay open).
     */
    private static NDArray concatenated(NDArray h, NDArray skip, boolean arrange) {
        NDArray joined = arrange ? FusedKernels.inferenceConcat(h, skip) : null;
        return joined != null ? joined : arranged(NDArrays.concat(new NDList(h, skip), 1), arrange);
    }

    /** Closes {@code used} (no longer needed) and returns {@code next}. */
    private static NDArray replace(NDArray used, NDArray next) {
        used.close();
        return next;
    }

    private static NDArray apply(ParameterStore ps, Stage s, NDArray h, NDArray e, boolean training) {
        if (s.resample() != null) {
            return s.resample().forward(ps, new NDList(h), training).singletonOrThrow();
        }
        NDArray y = s.res().forward(ps, new NDList(h, e), training).singletonOrThrow();
        return s.attention() == null ? y : replace(y, s.attention().forward(ps, new NDList(y), training).singletonOrThrow());
    }

    /** The time (and class) embedding {@code Linear(a(Linear(sin/cos(t) [+ E[label]])))}. */
    private NDArray embedding(ParameterStore ps, NDList inputs, long n, boolean training) {
        NDArray t = inputs.get(1);
        NDArray emb = timeEmbedding.embed(t);
        if (classes > 0) {
            NDArray labels = inputs.size() > 2
                    ? inputs.get(2).toType(DataType.INT64, false)
                    : t.getManager().full(new Shape(n), classes, DataType.INT64);
            NDArray table = ps.getValue(classEmbedding, t.getDevice(), training);
            emb = emb.add(labels.oneHot(classes + 1).toType(table.getDataType(), false).matMul(table));
        } else if (inputs.size() > 2) {
            throw new IllegalArgumentException("class labels given to an unconditional UNetVelocityNet"
                    + " (build it with optClasses)");
        }
        emb = activation.apply(time1.forward(ps, new NDList(emb), training).singletonOrThrow());
        return time2.forward(ps, new NDList(emb), training).singletonOrThrow();
    }

    /**
     * The network as TorchScript source and tensors ({@link TorchScriptExport}): {@code
     * forward(x, t[, y])} in ReflowKit's convention, the same arithmetic as {@link #forwardInternal}
     * in inference (no dropout), in NCHW order.
     *
     * @param className the module's class name
     * @return the methods' source and the tensors
     */
    TorchScriptExport.Source torchScript(String className) {
        TorchScriptEmitter e = new TorchScriptEmitter();
        NDManager m = time1.getParameters().get("weight").getArray().getManager();
        String freqs = e.buffer(timeEmbedding.frequencies(m));
        e.line("args = torch.matmul(t.reshape([-1, 1]), " + freqs + ")");
        e.line("emb = torch.cat([torch.sin(args), torch.cos(args)], 1)");
        if (classes > 0) {
            String table = e.parameter(classEmbedding.getArray());
            e.raw(TorchScriptExport.classEmbedding(classes).replace("self.class_embedding", table));
        }
        String emb = e.let(activation.torchScript(e.linear(time1, "emb")));
        emb = e.let(activation.torchScript(e.linear(time2, emb)));
        String in = e.let(inShapeReshape());
        String h = e.conv(inputConv, in);
        Deque<String> skips = new ArrayDeque<>();
        skips.push(h);
        for (Stage s : down) {
            h = stage(e, s, h, emb);
            skips.push(h);
        }
        h = mid1.torchScript(e, h, emb);
        if (midAttn != null) {
            h = midAttn.torchScript(e, h);
        }
        h = mid2.torchScript(e, h, emb);
        for (Stage s : up) {
            if (s.res() != null) {
                h = e.let("torch.cat([" + h + ", " + skips.pop() + "], 1)");
            }
            h = stage(e, s, h, emb);
        }
        h = e.conv(outConv, outNorm.torchScript(e, h));
        e.line("return " + h + ".reshape(x.size())");
        return e.source(TorchScriptExport.signature(className, classes));
    }

    /** {@code x} as images: a flat input {@code (N, C*H*W)} reshaped to {@code (N, C, H, W)}. */
    private String inShapeReshape() {
        return "x.reshape([-1, " + imageChannels + ", " + height + ", " + width + "])";
    }

    private static String stage(TorchScriptEmitter e, Stage s, String h, String emb) {
        if (s.resample() instanceof Upsample upsample) {
            return upsample.torchScript(e, h);
        }
        if (s.resample() != null) {
            return e.conv((Conv2d) s.resample(), h);
        }
        String y = s.res().torchScript(e, h, emb);
        return s.attention() == null ? y : s.attention().torchScript(e, y);
    }

    /** {@inheritDoc} */
    @Override
    public Shape[] getOutputShapes(Shape[] inputShapes) {
        return new Shape[] {inputShapes[0]};
    }

    /** {@inheritDoc} */
    @Override
    protected void initializeChildBlocks(NDManager manager, DataType dataType, Shape... inputShapes) {
        long n = inputShapes[0].get(0);
        Shape embShape = new Shape(n, 4L * channels);
        time1.initialize(manager, dataType, new Shape(n, timeEmbedding.dim()));
        time2.initialize(manager, dataType, embShape);
        Shape h = new Shape(n, imageChannels, height, width);
        inputConv.initialize(manager, dataType, h);
        h = inputConv.getOutputShapes(new Shape[] {h})[0];
        Deque<Shape> skips = new ArrayDeque<>();
        skips.push(h);
        for (Stage s : down) {
            h = initialize(s, manager, dataType, h, embShape);
            skips.push(h);
        }
        mid1.initialize(manager, dataType, h, embShape);
        if (midAttn != null) {
            midAttn.initialize(manager, dataType, h);
        }
        mid2.initialize(manager, dataType, h, embShape);
        for (Stage s : up) {
            if (s.res() != null) {
                Shape skip = skips.pop();
                h = new Shape(n, h.get(1) + skip.get(1), h.get(2), h.get(3));
            }
            h = initialize(s, manager, dataType, h, embShape);
        }
        outNorm.initialize(manager, dataType, h);
        outConv.initialize(manager, dataType, h);
    }

    private static Shape initialize(Stage s, NDManager manager, DataType dataType, Shape h, Shape emb) {
        if (s.resample() != null) {
            s.resample().initialize(manager, dataType, h);
            return s.resample().getOutputShapes(new Shape[] {h})[0];
        }
        s.res().initialize(manager, dataType, h, emb);
        Shape out = s.res().getOutputShapes(new Shape[] {h, emb})[0];
        if (s.attention() != null) {
            s.attention().initialize(manager, dataType, out);
        }
        return out;
    }

    /** {@inheritDoc} */
    @Override
    public String toString() {
        return "UNetVelocityNet(" + imageChannels + "x" + height + "x" + width + ", channels=" + channels
                + ", mult=" + Arrays.toString(channelMult) + ", res_blocks=" + resBlocks
                + ", attention=" + attentionResolutions + (midAttention ? "+mid" : "")
                + (upsampleConv ? "" : ", no upsample conv") + ", groups=" + groups
                + ", " + activation.configName() + ", time=" + timeEmbedding.dim() + ", dropout=" + dropout + (zeroInit ? ", zero-init" : "")
                + (classes > 0 ? ", classes=" + classes : "") + ")";
    }

    /** The builder of {@link UNetVelocityNet}: {@code setSampleShape} is required. */
    public static final class Builder {
        private int imageChannels = -1;
        private int height = -1;
        private int width = -1;
        private int channels = 16;
        private int[] channelMult = {1, 1, 2};
        private int resBlocks = 1;
        private List<Integer> attentionResolutions = List.of();
        private boolean midAttention = true;
        private boolean upsampleConv = true;
        private int groups = 4;
        private float dropout;
        private ActivationKind activation = ActivationKind.SILU;
        private boolean zeroInit = true;
        private int timeDim = 64;
        private float timeScale = 1000f;
        private int classes;
        private boolean channelsLast = true;

        private Builder() {}

        /**
         * Sets the shape of one sample.
         *
         * @param shape {@code {C, H, W}}, all positive
         * @return this builder
         * @throws IllegalArgumentException if the shape is not 3-D
         */
        public Builder setSampleShape(long... shape) {
            if (shape.length != 3) {
                throw new IllegalArgumentException("a U-Net needs image samples of shape {C, H, W}, got "
                        + Arrays.toString(shape));
            }
            this.imageChannels = Math.toIntExact(shape[0]);
            this.height = Math.toIntExact(shape[1]);
            this.width = Math.toIntExact(shape[2]);
            return this;
        }

        /**
         * Sets the base width (default 16; with the default multipliers about 195k parameters and
         * 10M multiply-adds per 16x16 image, sized to train at about 400 images/s on 2 CPU cores).
         *
         * @param channels positive, divisible by the groups
         * @return this builder
         */
        public Builder optChannels(int channels) {
            this.channels = channels;
            return this;
        }

        /**
         * Sets the width multiplier of every level; its length is the number of levels L
         * (default {@code 1, 1, 2}).
         *
         * @param mult positive multipliers
         * @return this builder
         */
        public Builder optChannelMult(int... mult) {
            this.channelMult = mult.clone();
            return this;
        }

        /**
         * Sets the residual blocks per encoder level (the decoder has one more; default 1).
         *
         * @param resBlocks at least 1
         * @return this builder
         */
        public Builder optResBlocks(int resBlocks) {
            this.resBlocks = resBlocks;
            return this;
        }

        /**
         * Sets the feature-map heights at which the encoder and decoder blocks get self-attention
         * (default none; each must be a level resolution {@code H / 2^l}).
         *
         * @param resolutions the resolutions
         * @return this builder
         */
        public Builder optAttentionResolutions(List<Integer> resolutions) {
            this.attentionResolutions = List.copyOf(resolutions);
            return this;
        }

        /**
         * Sets whether the middle block has self-attention (default true, as in DDPM).
         *
         * @param midAttention true for attention between the middle residual blocks
         * @return this builder
         */
        public Builder optMidAttention(boolean midAttention) {
            this.midAttention = midAttention;
            return this;
        }

        /**
         * Sets whether every nearest-neighbour upsampling is followed by a 3x3 convolution
         * (default true, as in DDPM; false saves ~20% of the compute of a small network).
         *
         * @param upsampleConv true for the convolution
         * @return this builder
         */
        public Builder optUpsampleConv(boolean upsampleConv) {
            this.upsampleConv = upsampleConv;
            return this;
        }

        /**
         * Sets the GroupNorm group count (default 4: at least 4 channels per group at width 16).
         *
         * @param groups positive, dividing every level's width
         * @return this builder
         */
        public Builder optGroups(int groups) {
            this.groups = groups;
            return this;
        }

        /**
         * Sets the dropout rate inside the residual blocks (default 0).
         *
         * @param dropout in [0, 1)
         * @return this builder
         */
        public Builder optDropout(float dropout) {
            this.dropout = dropout;
            return this;
        }

        /**
         * Sets the activation of the residual blocks, the time MLP and the output (default SiLU).
         *
         * @param activation the activation
         * @return this builder
         */
        public Builder optActivation(ActivationKind activation) {
            this.activation = activation;
            return this;
        }

        /**
         * Sets whether the last convolutions of the residual blocks, the attention projections and
         * the output convolution start at zero (default true, DDPM++ style).
         *
         * @param zeroInit true for zero initialization
         * @return this builder
         */
        public Builder optZeroInit(boolean zeroInit) {
            this.zeroInit = zeroInit;
            return this;
        }

        /**
         * Sets the sinusoidal time-embedding width (default 64) and time scale (default 1000).
         *
         * @param timeDim even width
         * @param timeScale factor applied to t
         * @return this builder
         */
        public Builder optTimeEmbedding(int timeDim, float timeScale) {
            this.timeDim = timeDim;
            this.timeScale = timeScale;
            return this;
        }

        /**
         * Makes the network class-conditional with {@code numClasses} classes plus a null class
         * (default 0: unconditional, no class table).
         *
         * @param numClasses K, {@code >= 0}
         * @return this builder
         */
        public Builder optClasses(int numClasses) {
            this.classes = numClasses;
            return this;
        }

        /**
         * Sets whether sampling keeps activations of 32 or more channels in channels-last memory
         * order (default true; see {@link FusedKernels#inferenceLayout}). Only the speed differs:
         * the results agree to float32 rounding, and training (a recorded graph) never uses it.
         *
         * @param channelsLast false to keep every activation in NCHW order
         * @return this builder
         */
        public Builder optChannelsLast(boolean channelsLast) {
            this.channelsLast = channelsLast;
            return this;
        }

        /**
         * Builds the network (parameters are created at {@code initialize}).
         *
         * @return the network
         * @throws IllegalArgumentException for inconsistent settings, with a message naming them
         */
        public UNetVelocityNet build() {
            if (imageChannels <= 0 || height <= 0 || width <= 0) {
                throw new IllegalArgumentException("U-Net sample shape {C, H, W} must be set and positive, got {"
                        + imageChannels + ", " + height + ", " + width + "}");
            }
            if (channels <= 0) {
                throw new IllegalArgumentException("U-Net channels must be > 0, got " + channels);
            }
            if (channelMult.length == 0 || Arrays.stream(channelMult).anyMatch(m -> m <= 0)) {
                throw new IllegalArgumentException("U-Net channel_mult must be a non-empty list of positive"
                        + " integers, got " + Arrays.toString(channelMult));
            }
            if (resBlocks < 1) {
                throw new IllegalArgumentException("U-Net res_blocks must be >= 1, got " + resBlocks);
            }
            if (groups <= 0) {
                throw new IllegalArgumentException("U-Net groups must be > 0, got " + groups);
            }
            for (int m : channelMult) {
                if (channels * m % groups != 0) {
                    throw new IllegalArgumentException("U-Net level width channels x mult = " + channels + " x " + m
                            + " = " + channels * m + " is not divisible by " + groups + " GroupNorm groups");
                }
            }
            int levels = channelMult.length;
            int factor = 1 << (levels - 1);
            if (height % factor != 0 || width % factor != 0) {
                throw new IllegalArgumentException("a U-Net with " + levels + " levels (channel_mult "
                        + Arrays.toString(channelMult) + ") halves the resolution " + (levels - 1)
                        + " times, so the image height and width must be divisible by " + factor + "; got "
                        + height + "x" + width + " (use fewer levels or pad the images)");
            }
            int[] resolutions = levelResolutions(height, levels);
            for (int r : attentionResolutions) {
                if (Arrays.stream(resolutions).noneMatch(v -> v == r)) {
                    throw new IllegalArgumentException("U-Net attention resolution " + r + " is not a level"
                            + " resolution; the levels of a " + height + "x" + width + " input are "
                            + Arrays.stream(resolutions).boxed().collect(Collectors.toList()));
                }
            }
            if (!(dropout >= 0f && dropout < 1f)) {
                throw new IllegalArgumentException("dropout must be in [0, 1), got " + dropout);
            }
            if (classes < 0) {
                throw new IllegalArgumentException("U-Net class count must be >= 0, got " + classes);
            }
            return new UNetVelocityNet(this);
        }
    }
}
