package dev.reflowkit.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.AbstractBlock;
import ai.djl.nn.Parameter;
import ai.djl.nn.core.Linear;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;
import dev.reflowkit.engine.FusedKernels;
import java.util.ArrayList;
import java.util.List;

/**
 * A multilayer-perceptron velocity network for low-dimensional data (2-D point sets and the
 * like): {@code v(x, t) = W_L a(... a(W_1 [x, emb(t)] + b_1) ...) + b_L}.
 *
 * <p>Inputs are {@code NDList(x, t)} with {@code x} of shape {@code (N, d)} and {@code t} of shape
 * {@code (N)}; the output has the shape of {@code x}. The time enters through a
 * {@link SinusoidalTimeEmbedding} concatenated to {@code x}; dropout (if any) follows every hidden
 * activation. All operations use tensor operands only (gradient-safe).
 *
 * <p>Class-conditional ({@link Builder#optClasses}, {@code C > 0} classes): the input may be
 * {@code NDList(x, t, labels)} with integer (or integral float) labels of shape {@code (N)} in
 * {@code [0, C]}, and a learned table {@code E} of {@code C + 1} rows of the time-embedding width
 * is added to the time embedding: {@code emb(t) + E[label]}. Row {@code C} is the null class ("no
 * label"), used for label dropout during training and for unconditional evaluation; an input
 * without labels uses it. With no classes the network has no table and is exactly the
 * unconditional network (same parameters, same outputs).
 */
public final class MlpVelocityNet extends AbstractBlock {

    private static final byte VERSION = 1;

    private final int dim;
    private final int hidden;
    private final int depth;
    private final ActivationKind activation;
    private final float dropout;
    private final SinusoidalTimeEmbedding timeEmbedding;
    private final List<Linear> layers = new ArrayList<>();
    private final int classes;
    private final Parameter classEmbedding;
    /** The time embedding's frequencies on the parameters' manager, made on first fused call. */
    private volatile NDArray frequencies;

    private MlpVelocityNet(Builder b) {
        super(VERSION);
        this.dim = b.dim;
        this.hidden = b.hidden;
        this.depth = b.depth;
        this.activation = b.activation;
        this.dropout = b.dropout;
        this.timeEmbedding = new SinusoidalTimeEmbedding(b.timeDim, b.timeScale);
        this.classes = b.classes;
        this.classEmbedding = classes > 0
                ? addParameter(Parameter.builder()
                        .setName("class_embedding")
                        .setType(Parameter.Type.WEIGHT)
                        .optShape(new Shape(classes + 1, timeEmbedding.dim()))
                        .build())
                : null;
        for (int i = 0; i < depth; i++) {
            layers.add(addChildBlock("hidden" + i, Linear.builder().setUnits(hidden).build()));
        }
        layers.add(addChildBlock("out", Linear.builder().setUnits(dim).build()));
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
     * The data dimension.
     *
     * @return d
     */
    public int dim() {
        return dim;
    }

    /**
     * The number of classes of a conditional network; the null class has index {@code classes()}.
     *
     * @return C, 0 for an unconditional network
     */
    public int classes() {
        return classes;
    }

    /**
     * The whole forward pass as one engine call ({@link FusedKernels#mlpSilu}) when no graph is
     * recorded: sampling makes one native call per evaluation instead of about twenty, and runs
     * PyTorch's native SiLU. The same function to float32 rounding (tested).
     *
     * @return the velocities, or null where fused kernels are not available
     */
    private NDArray fusedForward(ParameterStore ps, NDArray x, NDArray t) {
        List<NDArray> weights = new ArrayList<>(layers.size());
        List<NDArray> biases = new ArrayList<>(layers.size());
        for (Linear layer : layers) {
            weights.add(ps.getValue(layer.getParameters().get("weight"), x.getDevice(), false));
            biases.add(ps.getValue(layer.getParameters().get("bias"), x.getDevice(), false));
        }
        return FusedKernels.mlpSilu(x, t, frequencies(weights.get(0)), weights, biases);
    }

    /**
     * The time embedding's frequencies as an array on the manager of a parameter, created once and
     * kept until that manager closes: a constant, so an evaluation does not copy it from the host.
     */
    private NDArray frequencies(NDArray parameter) {
        NDArray f = frequencies;
        if (f == null || f.isReleased() || f.getManager() != parameter.getManager()) {
            f = timeEmbedding.frequencies(parameter.getManager());
            frequencies = f;
        }
        return f;
    }

    /** {@inheritDoc} */
    @Override
    protected NDList forwardInternal(
            ParameterStore parameterStore,
            NDList inputs,
            boolean training,
            PairList<String, Object> params) {
        if (!training && classes == 0 && inputs.size() == 2 && activation == ActivationKind.SILU
                && EagerScope.inPlace()) {
            NDArray fused = fusedForward(parameterStore, inputs.get(0), inputs.get(1));
            if (fused != null) {
                return new NDList(fused);
            }
        }
        // Intermediates are freed when the forward returns (EagerScope).
        return new NDList(EagerScope.run(() -> {
            NDArray x = inputs.get(0);
            NDArray t = inputs.get(1);
            NDArray emb = timeEmbedding.embed(t);
            if (classes > 0) {
                NDArray labels = inputs.size() > 2
                        ? inputs.get(2).toType(DataType.INT64, false)
                        : x.getManager().full(new Shape(x.getShape().get(0)), classes, DataType.INT64);
                NDArray table = parameterStore.getValue(classEmbedding, x.getDevice(), training);
                emb = emb.add(labels.oneHot(classes + 1).toType(table.getDataType(), false).matMul(table));
            } else if (inputs.size() > 2) {
                throw new IllegalArgumentException("class labels given to an unconditional MlpVelocityNet"
                        + " (build it with optClasses)");
            }
            NDArray h = NDArrays.concat(new NDList(x, emb), 1);
            for (int i = 0; i < depth; i++) {
                h = layers.get(i).forward(parameterStore, new NDList(h), training).singletonOrThrow();
                h = activation.apply(h);
                if (dropout > 0f) {
                    h = HostDropout.apply(h, dropout, training);
                }
            }
            return layers.get(depth).forward(parameterStore, new NDList(h), training).singletonOrThrow();
        }));
    }

    /**
     * The network as TorchScript source and tensors ({@link TorchScriptExport}): {@code
     * forward(x, t[, y])} in ReflowKit's convention, the same arithmetic as {@link #forwardInternal}
     * in inference (no dropout).
     *
     * @param className the module's class name
     * @return the methods' source and the tensors (the time embedding's frequencies as a buffer)
     */
    TorchScriptExport.Source torchScript(String className) {
        TorchScriptEmitter e = new TorchScriptEmitter();
        String freqs = e.buffer(timeEmbedding.frequencies(layers.get(0).getParameters().get("weight").getArray()
                .getManager()));
        e.line("args = torch.matmul(t.reshape([-1, 1]), " + freqs + ")");
        e.line("emb = torch.cat([torch.sin(args), torch.cos(args)], 1)");
        if (classes > 0) {
            String table = e.parameter(classEmbedding.getArray());
            e.raw(TorchScriptExport.classEmbedding(classes).replace("self.class_embedding", table));
        }
        String h = e.let("torch.cat([x, emb], 1)");
        for (int i = 0; i < depth; i++) {
            h = e.let(activation.torchScript(e.linear(layers.get(i), h)));
        }
        e.line("return " + e.linear(layers.get(depth), h));
        return e.source(TorchScriptExport.signature(className, classes));
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
        long in = dim + timeEmbedding.dim();
        for (int i = 0; i < depth; i++) {
            layers.get(i).initialize(manager, dataType, new Shape(n, in));
            in = hidden;
        }
        layers.get(depth).initialize(manager, dataType, new Shape(n, in));
    }

    /** {@inheritDoc} */
    @Override
    public String toString() {
        return "MlpVelocityNet(d=" + dim + ", hidden=" + hidden + ", depth=" + depth + ", "
                + activation.configName() + ", time=" + timeEmbedding.dim() + ", dropout=" + dropout
                + (classes > 0 ? ", classes=" + classes : "") + ")";
    }

    /** The builder of {@link MlpVelocityNet}: {@code setDim} is required. */
    public static final class Builder {
        private int dim = -1;
        private int hidden = 256;
        private int depth = 3;
        private ActivationKind activation = ActivationKind.SILU;
        private float dropout;
        private int timeDim = 64;
        private float timeScale = 1000f;
        private int classes;

        private Builder() {}

        /**
         * Makes the network class-conditional with {@code numClasses} classes plus a null class
         * (default 0: unconditional, no class table).
         *
         * @param numClasses C, {@code >= 0}
         * @return this builder
         */
        public Builder optClasses(int numClasses) {
            this.classes = numClasses;
            return this;
        }

        /**
         * Sets the data dimension d (input and output width).
         *
         * @param dim d, positive
         * @return this builder
         */
        public Builder setDim(int dim) {
            this.dim = dim;
            return this;
        }

        /**
         * Sets the hidden width (default 256).
         *
         * @param hidden the width
         * @return this builder
         */
        public Builder optHidden(int hidden) {
            this.hidden = hidden;
            return this;
        }

        /**
         * Sets the number of hidden layers (default 3).
         *
         * @param depth at least 1
         * @return this builder
         */
        public Builder optDepth(int depth) {
            this.depth = depth;
            return this;
        }

        /**
         * Sets the activation (default SiLU).
         *
         * @param activation the activation
         * @return this builder
         */
        public Builder optActivation(ActivationKind activation) {
            this.activation = activation;
            return this;
        }

        /**
         * Sets the dropout rate after every hidden activation (default 0).
         *
         * @param dropout in [0, 1)
         * @return this builder
         */
        public Builder optDropout(float dropout) {
            this.dropout = dropout;
            return this;
        }

        /**
         * Sets the time-embedding width (default 64) and time scale (default 1000).
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
         * Builds the network (parameters are created at {@code initialize}).
         *
         * @return the network
         */
        public MlpVelocityNet build() {
            if (dim <= 0) {
                throw new IllegalArgumentException("MLP data dimension must be set and > 0, got " + dim);
            }
            if (hidden <= 0 || depth <= 0) {
                throw new IllegalArgumentException("MLP hidden width and depth must be > 0");
            }
            if (!(dropout >= 0f && dropout < 1f)) {
                throw new IllegalArgumentException("dropout must be in [0, 1), got " + dropout);
            }
            if (classes < 0) {
                throw new IllegalArgumentException("MLP class count must be >= 0, got " + classes);
            }
            return new MlpVelocityNet(this);
        }
    }
}
