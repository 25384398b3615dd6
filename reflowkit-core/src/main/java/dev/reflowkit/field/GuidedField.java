package dev.reflowkit.field;

import ai.djl.ndarray.NDArray;

/**
 * Auto-guidance (spec section 4, "Guidance"): a strong model guided away from a weaker one (an
 * earlier or smaller checkpoint of the same flow),
 *
 * <pre>
 *   v(x, t) = v_weak(x, t) + w (v_strong(x, t) - v_weak(x, t))
 * </pre>
 *
 * with guidance weight {@code w}: {@code w = 1} is the strong model, {@code w = 0} the weak one,
 * {@code w > 1} extrapolates past the strong model, away from the weak one.
 *
 * <p>NFE: a call evaluates both networks, so it {@linkplain #evaluationsPerCall() costs} the sum
 * of their costs (2 for two plain networks), which the solvers add to the reported NFE. At {@code
 * w = 1} (or {@code w = 0}) only the strong (or weak) network is evaluated: the result is that
 * model's velocity exactly and the call costs that model's evaluations only.
 *
 * <p>Both fields must return velocities of the same shape. Uses tensor operands only (the weight
 * is created as an array in the manager of {@code x}), so it is also safe on a gradient path.
 */
public final class GuidedField implements CostedField {

    private final VelocityField strong;
    private final VelocityField weak;
    private final double weight;

    /**
     * Creates the guided field.
     *
     * @param strong the strong model {@code v_strong}
     * @param weak the weak (guiding) model {@code v_weak}
     * @param weight the guidance weight {@code w}, finite
     * @throws IllegalArgumentException if a field is null or {@code w} is not finite
     */
    public GuidedField(VelocityField strong, VelocityField weak, double weight) {
        if (strong == null || weak == null) {
            throw new IllegalArgumentException("GuidedField needs a strong and a weak field, got "
                    + (strong == null ? "strong=null" : "weak=null"));
        }
        if (!Double.isFinite(weight)) {
            throw new IllegalArgumentException("guidance weight must be finite, got " + weight);
        }
        this.strong = strong;
        this.weak = weak;
        this.weight = weight;
    }

    /** {@inheritDoc} */
    @Override
    public NDArray velocity(NDArray x, NDArray t) {
        if (weight == 1) {
            return strong.velocity(x, t);
        }
        if (weight == 0) {
            return weak.velocity(x, t);
        }
        NDArray vs = strong.velocity(x, t);
        NDArray vw = weak.velocity(x, t);
        if (!vs.getShape().equals(vw.getShape())) {
            throw new IllegalArgumentException("guidance needs velocities of one shape: the strong model"
                    + " gave " + vs.getShape() + ", the weak model " + vw.getShape());
        }
        NDArray w = x.getManager().create(weight).toType(vs.getDataType(), false);
        return vw.add(vs.sub(vw).mul(w));
    }

    /**
     * The network evaluations per call: the strong and the weak model's costs added (2 for two
     * plain networks); only one of them at {@code w = 1} or {@code w = 0}.
     *
     * @return the cost per call
     */
    @Override
    public int evaluationsPerCall() {
        if (weight == 1) {
            return CostedField.costOf(strong);
        }
        if (weight == 0) {
            return CostedField.costOf(weak);
        }
        return CostedField.costOf(strong) + CostedField.costOf(weak);
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
     * The strong model.
     *
     * @return {@code v_strong}
     */
    public VelocityField strong() {
        return strong;
    }

    /**
     * The weak (guiding) model.
     *
     * @return {@code v_weak}
     */
    public VelocityField weak() {
        return weak;
    }
}
