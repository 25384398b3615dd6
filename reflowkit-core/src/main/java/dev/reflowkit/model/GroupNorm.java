package dev.reflowkit.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.AbstractBlock;
import ai.djl.nn.Parameter;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;
import dev.reflowkit.engine.FusedKernels;
import java.util.Arrays;

/**
 * Group normalization (Wu and He 2018, <a href="https://arxiv.org/abs/1803.08494">arXiv:1803.08494</a>)
 * as a DJL block, which DJL does not provide.
 *
 * <p>For an input of shape {@code (N, C, ...)} whose {@code C} channels are split into {@code G}
 * groups of {@code C/G} consecutive channels, each sample's group {@code g} is normalized over its
 * channels and positions, then scaled and shifted per channel:
 * {@code y[n,c,...] = gamma[c] * (x[n,c,...] - mu[n,g]) / sqrt(var[n,g] + eps) + beta[c]}, where
 * {@code mu} and {@code var} (biased) are the mean and variance of the {@code (C/G) * H * W} values
 * of the group. {@code gamma} starts at ones and {@code beta} at zeros.
 *
 * <p>It is computed as a layer norm over the input viewed as {@code (N, G, C/G * H * W)} followed
 * by the per-channel affine map; all operations take tensor operands only (gradient-safe).
 *
 * <p>An activation may follow inside the block ({@link Builder#optActivation}): {@code a(y)}. For
 * SiLU on the PyTorch engine, normalization and activation then run as the fused native kernels of
 * {@link FusedKernels#groupNormSilu} (one call forward and backward instead of about eight
 * operations); elsewhere as the composite above followed by {@link ActivationKind#apply}.
 */
public final class GroupNorm extends AbstractBlock {

    private static final byte VERSION = 1;

    private final int groups;
    private final float eps;
    private final ActivationKind activation;
    private final Parameter gamma;
    private final Parameter beta;

    private GroupNorm(Builder b) {
        super(VERSION);
        this.groups = b.groups;
        this.eps = b.eps;
        this.activation = b.activation;
        this.gamma = addParameter(Parameter.builder().setName("gamma").setType(Parameter.Type.GAMMA).build());
        this.beta = addParameter(Parameter.builder().setName("beta").setType(Parameter.Type.BETA).build());
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
     * The number of groups.
     *
     * @return G
     */
    public int groups() {
        return groups;
    }

    /**
     * Normalizes an array with given affine parameters (the function behind the block).
     *
     * @param x the input, shape {@code (N, C, ...)} with {@code C} divisible by {@code groups}
     * @param groups the group count G
     * @param gamma the per-channel scale, shape {@code (C)}
     * @param beta the per-channel shift, shape {@code (C)}
     * @param eps the variance epsilon
     * @return the normalized array, shape of {@code x}, attached to the manager of {@code x}
     * @throws IllegalArgumentException if {@code C} is not divisible by {@code groups}
     */
    public static NDArray groupNorm(NDArray x, int groups, NDArray gamma, NDArray beta, float eps) {
        Shape shape = x.getShape();
        long n = shape.get(0);
        long c = shape.get(1);
        if (c % groups != 0) {
            throw new IllegalArgumentException("GroupNorm: " + c + " channels are not divisible into "
                    + groups + " groups");
        }
        return EagerScope.run(() -> {
            long per = shape.size() / (n * groups);
            NDArray grouped = x.reshape(n, groups, per);
            NDManager m = x.getManager();
            Shape unit = new Shape(per);
            NDArray normalized = grouped.getNDArrayInternal()
                    .layerNorm(grouped, unit, m.ones(unit, x.getDataType()), m.zeros(unit, x.getDataType()), eps)
                    .singletonOrThrow();
            long[] channelShape = new long[shape.dimension()];
            Arrays.fill(channelShape, 1L);
            channelShape[1] = c;
            Shape affine = new Shape(channelShape);
            NDArray out = normalized.reshape(shape);
            if (EagerScope.inPlace()) {
                return out.muli(gamma.reshape(affine)).addi(beta.reshape(affine));
            }
            return out.mul(gamma.reshape(affine)).add(beta.reshape(affine));
        });
    }

    /** {@inheritDoc} */
    @Override
    protected NDList forwardInternal(
            ParameterStore parameterStore, NDList inputs, boolean training, PairList<String, Object> params) {
        NDArray x = inputs.singletonOrThrow();
        NDArray g = parameterStore.getValue(gamma, x.getDevice(), training);
        NDArray b = parameterStore.getValue(beta, x.getDevice(), training);
        if (activation == null) {
            return new NDList(groupNorm(x, groups, g, b, eps));
        }
        if (activation == ActivationKind.SILU) {
            NDArray fused = FusedKernels.groupNormSilu(x, groups, g, b, eps);
            if (fused != null) {
                return new NDList(fused);
            }
        }
        return new NDList(EagerScope.run(() -> activation.apply(groupNorm(x, groups, g, b, eps))));
    }

    /** {@inheritDoc} */
    /**
     * Writes this block's forward ({@code torch.group_norm}, then the activation).
     *
     * @param e the emitter
     * @param x the input expression
     * @return the output variable
     */
    String torchScript(TorchScriptEmitter e, String x) {
        String y = e.let("torch.group_norm(" + x + ", " + groups + ", " + e.parameter(gamma.getArray()) + ", "
                + e.parameter(beta.getArray()) + ", " + eps + ")");
        return activation == null ? y : e.let(activation.torchScript(y));
    }

    @Override
    public Shape[] getOutputShapes(Shape[] inputShapes) {
        return new Shape[] {inputShapes[0]};
    }

    /** {@inheritDoc} */
    @Override
    protected void prepare(Shape[] inputShapes) {
        long c = inputShapes[0].get(1);
        if (c % groups != 0) {
            throw new IllegalArgumentException("GroupNorm: " + c + " channels are not divisible into "
                    + groups + " groups");
        }
        gamma.setShape(new Shape(c));
        beta.setShape(new Shape(c));
    }

    /** {@inheritDoc} */
    @Override
    public String toString() {
        return "GroupNorm(groups=" + groups + ", eps=" + eps
                + (activation == null ? "" : ", then " + activation.configName()) + ")";
    }

    /** The builder of {@link GroupNorm}: {@code setGroups} is required. */
    public static final class Builder {
        private int groups = -1;
        private float eps = 1e-5f;
        private ActivationKind activation;

        private Builder() {}

        /**
         * Sets the number of groups G (the channel count must be divisible by it).
         *
         * @param groups G, positive
         * @return this builder
         */
        public Builder setGroups(int groups) {
            this.groups = groups;
            return this;
        }

        /**
         * Sets the variance epsilon (default 1e-5, PyTorch's).
         *
         * @param eps positive
         * @return this builder
         */
        public Builder optEps(float eps) {
            this.eps = eps;
            return this;
        }

        /**
         * Sets an activation applied to the normalized output (default none); SiLU runs fused with
         * the normalization where the engine allows ({@link FusedKernels}).
         *
         * @param activation the activation, or null for none
         * @return this builder
         */
        public Builder optActivation(ActivationKind activation) {
            this.activation = activation;
            return this;
        }

        /**
         * Builds the block (parameters are created at {@code initialize}).
         *
         * @return the block
         * @throws IllegalArgumentException if the groups were not set or eps is not positive
         */
        public GroupNorm build() {
            if (groups <= 0) {
                throw new IllegalArgumentException("GroupNorm groups must be set and > 0, got " + groups);
            }
            if (!(eps > 0f)) {
                throw new IllegalArgumentException("GroupNorm eps must be > 0, got " + eps);
            }
            return new GroupNorm(this);
        }
    }
}
