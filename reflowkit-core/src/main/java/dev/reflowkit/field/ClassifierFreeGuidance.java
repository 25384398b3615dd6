package dev.reflowkit.field;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;

/**
 * Classifier-free guidance (Ho and Salimans, 2022) of a class-conditional field, for one class or
 * an even spread over classes:
 *
 * <pre>
 *   v(x, t) = v(x, t, null) + w (v(x, t, c) - v(x, t, null))
 * </pre>
 *
 * with guidance weight {@code w}: {@code w = 1} is the conditional model, {@code w = 0} the
 * unconditional one (null class), {@code w > 1} strengthens the class. The class of row {@code i}
 * of a batch is the fixed class {@code c}, or for {@link #SPREAD} {@code i mod C} (an even spread
 * over the classes, the same for every sample index when every batch starts at a multiple of
 * {@code C}).
 *
 * <p>NFE: as for {@link GuidedField}, a call evaluates the network twice (conditional and
 * unconditional) and {@linkplain #evaluationsPerCall() costs} 2; at {@code w = 1} (or {@code w =
 * 0}) only the conditional (or unconditional) network is evaluated and the call costs 1. Uses tensor
 * operands only.
 */
public final class ClassifierFreeGuidance implements CostedField {

    /** The class value that spreads the classes evenly over the samples ({@code i mod C}). */
    public static final int SPREAD = -1;

    private final ConditionalField model;
    private final int label;
    private final double weight;

    /**
     * Creates the guided field.
     *
     * @param model the class-conditional model
     * @param label the class {@code c} in {@code [0, C)}, or {@link #SPREAD}
     * @param weight the guidance weight {@code w}, finite
     * @throws IllegalArgumentException if the model is null, the class is out of range or the
     *     weight is not finite
     */
    public ClassifierFreeGuidance(ConditionalField model, int label, double weight) {
        if (model == null) {
            throw new IllegalArgumentException("ClassifierFreeGuidance needs a conditional model, got null");
        }
        if (label != SPREAD && (label < 0 || label >= model.classes())) {
            throw new IllegalArgumentException("class " + label + " is outside [0, " + model.classes()
                    + ") (the model has " + model.classes() + " classes; -1 spreads over all of them)");
        }
        if (!Double.isFinite(weight)) {
            throw new IllegalArgumentException("guidance weight must be finite, got " + weight);
        }
        this.model = model;
        this.label = label;
        this.weight = weight;
    }

    /** {@inheritDoc} */
    @Override
    public NDArray velocity(NDArray x, NDArray t) {
        if (weight == 0) {
            return model.velocity(x, t);
        }
        long n = x.getShape().get(0);
        NDArray labels = label == SPREAD
                ? x.getManager().arange(0, (int) n, 1, DataType.INT32).mod(model.classes())
                : x.getManager().full(new Shape(n), label, DataType.INT32);
        NDArray vc = model.velocity(x, t, labels);
        if (weight == 1) {
            return vc;
        }
        NDArray vu = model.velocity(x, t);
        NDArray w = x.getManager().create(weight).toType(vc.getDataType(), false);
        return vu.add(vc.sub(vu).mul(w));
    }

    /**
     * The network evaluations per call: 2 (conditional and unconditional), 1 at {@code w = 1} or
     * {@code w = 0}.
     *
     * @return the cost per call
     */
    @Override
    public int evaluationsPerCall() {
        return weight == 1 || weight == 0 ? 1 : 2;
    }

    /**
     * The guidance weight.
     *
     * @return {@code w}
     */
    public double weight() {
        return weight;
    }

    /**
     * The class, or {@link #SPREAD}.
     *
     * @return c
     */
    public int label() {
        return label;
    }

    /**
     * The conditional model.
     *
     * @return the model
     */
    public ConditionalField model() {
        return model;
    }
}
