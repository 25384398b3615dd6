package dev.reflowkit.loss;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.Shape;

/**
 * The generalized ReFlow loss (spec section 3, Proposition 1) on a batch:
 *
 * <pre>
 *   e_i = v_theta(x_t, t)_i - (x1 - x0)_i          prediction minus target
 *   L   = mean_i  w_i l_i,   l_i = VelocityLoss(e)_i,  w_i = LossWeight(l, t)_i (no gradient)
 * </pre>
 *
 * <p>With {@link MseLoss} or {@link HighPassFilterLoss} ({@code l_i = mean ||phi(e_i)||^2}, phi
 * linear and invertible) and a positive weight {@code w(x_t, t)}, minimizing {@code L} (over any
 * full-support time distribution) gives the flow-matching minimizer (Proposition 1). That holds
 * for weights that depend on {@code (x_t, t)} only: {@link TimeBinEmaNormalization} and {@link
 * TimePowerWeight} always. A weight of the sample's own loss ({@link PerSampleNormalization},
 * {@code 1/sg[l_i]}) is the paper's {@code 1/sg[L(x_t, t)]} only where the coupling is
 * deterministic given {@code x_t} (backward ReFlow pairs); on the independent coupling of a
 * teacher, or mixed or projected stores, it pulls the minimiser toward the conditional mode of
 * the targets (targets 0 w.p. 0.7 and 3 w.p. 0.3: minimiser 0.00014 at eps = 1e-3, not the mean
 * 0.9). Everything here is on the gradient path and
 * uses tensor operands only. Results attach to the manager of {@code prediction}'s operations
 * (DJL's rule), so call it inside the training step's sub-manager.
 *
 * <pre>{@code
 * GeneralizedLoss loss = GeneralizedLoss.builder()
 *         .setLoss(MseLoss.of())
 *         .optWeight(PerSampleNormalization.builder().build())
 *         .build();
 * NDArray objective = loss.compute(model.velocity(xt, t), sample.target(), t);
 * }</pre>
 */
public final class GeneralizedLoss {

    private final VelocityLoss loss;
    private final LossWeight weight;

    private GeneralizedLoss(Builder builder) {
        this.loss = builder.loss;
        this.weight = builder.weight;
    }

    /**
     * A builder; the loss is required, the weight defaults to the constant 1.
     *
     * @return a new builder
     */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * The per-sample loss.
     *
     * @return the velocity loss
     */
    public VelocityLoss loss() {
        return loss;
    }

    /**
     * The weight.
     *
     * @return the loss weight
     */
    public LossWeight weight() {
        return weight;
    }

    /**
     * The scalar weighted loss {@code mean_i w_i l_i}.
     *
     * @param prediction the predicted velocity, shape {@code (N, ...)}
     * @param target the target velocity {@code x1 - x0}, same shape
     * @param t the times, shape {@code (N)}
     * @return the 0-d objective, differentiable with respect to {@code prediction}
     */
    public NDArray compute(NDArray prediction, NDArray target, NDArray t) {
        return evaluate(prediction, target, t).objective();
    }

    /**
     * The weighted loss together with the unweighted mean, the per-sample losses and the weights.
     * A stateful weight ({@link StatefulWeight}) is updated once per call.
     *
     * @param prediction the predicted velocity, shape {@code (N, ...)}
     * @param target the target velocity {@code x1 - x0}, same shape
     * @param t the times, shape {@code (N)}
     * @return the loss value
     * @throws IllegalArgumentException if the shapes do not match
     */
    public LossValue evaluate(NDArray prediction, NDArray target, NDArray t) {
        Shape shape = prediction.getShape();
        if (!shape.equals(target.getShape())) {
            throw new IllegalArgumentException(
                    "prediction shape " + shape + " differs from target shape " + target.getShape());
        }
        if (shape.dimension() < 1 || shape.get(0) < 1) {
            throw new IllegalArgumentException(
                    "prediction needs a non-empty batch dimension, got shape " + shape);
        }
        long n = shape.get(0);
        NDArray time = Tensors.perSampleVector(t, n, "time");
        NDArray perSample = loss.perSample(prediction.sub(target));
        if (!perSample.getShape().equals(new Shape(n))) {
            throw new IllegalStateException(
                    "loss " + loss.name() + " returned shape " + perSample.getShape()
                            + ", expected (" + n + ")");
        }
        NDArray w = weight.weight(perSample, time);
        if (!w.getShape().equals(new Shape(n))) {
            throw new IllegalStateException(
                    "weight " + weight.name() + " returned shape " + w.getShape()
                            + ", expected (" + n + ")");
        }
        NDArray objective = w.mul(perSample).mean();
        NDArray unweighted = perSample.stopGradient().mean();
        return new LossValue(objective, unweighted, perSample, w);
    }

    /**
     * The name of the loss and its weight, for run records.
     *
     * @return e.g. {@code "mse * per-sample(eps=0.001)"}
     */
    public String name() {
        return loss.name() + " * " + weight.name();
    }

    @Override
    public String toString() {
        return name();
    }

    /** Builder for {@link GeneralizedLoss}. */
    public static final class Builder {

        private VelocityLoss loss;
        private LossWeight weight = ConstantWeight.one();

        private Builder() {}

        /**
         * Sets the per-sample loss (required).
         *
         * @param loss the velocity loss
         * @return this builder
         */
        public Builder setLoss(VelocityLoss loss) {
            if (loss == null) {
                throw new IllegalArgumentException("velocity loss must not be null");
            }
            this.loss = loss;
            return this;
        }

        /**
         * Sets the per-sample weight.
         *
         * @param weight the weight; default the constant 1
         * @return this builder
         */
        public Builder optWeight(LossWeight weight) {
            if (weight == null) {
                throw new IllegalArgumentException("loss weight must not be null");
            }
            this.weight = weight;
            return this;
        }

        /**
         * Builds the loss.
         *
         * @return the loss
         * @throws IllegalStateException if no velocity loss was set
         */
        public GeneralizedLoss build() {
            if (loss == null) {
                throw new IllegalStateException("GeneralizedLoss needs setLoss(VelocityLoss)");
            }
            return new GeneralizedLoss(this);
        }
    }
}
