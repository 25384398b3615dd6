package dev.reflowkit.field;

import ai.djl.ndarray.NDArray;

/**
 * An adapter for a model trained with {@code s = 0} as noise and {@code s = 1} as data (the
 * flow_matching / torchcfm convention), presenting it in ours ({@code t = 0} data, {@code t = 1}
 * noise).
 *
 * <p>With {@code s = 1 - t} the two paths are the same curve, {@code x = s x_data + (1 - s)
 * x_noise = (1 - t) x_data + t x_noise}, and {@code dx/dt = -dx/ds}, so
 *
 * <pre>
 *   v(x, t) = -u(x, 1 - t)
 * </pre>
 *
 * where {@code u} is the wrapped model's velocity {@code dx/ds}. Integrating {@code v} from
 * {@code t = 1} to 0 visits the same states as integrating {@code u} from {@code s = 0} to 1.
 *
 * <p>Uses tensor operands only, so it is safe on the gradient path.
 */
public final class TimeFlippedField implements CostedField {

    private final VelocityField flipped;

    /**
     * Wraps a field defined in the flipped convention.
     *
     * @param flipped the model's velocity {@code u(x, s)} with {@code s = 0} noise
     */
    public TimeFlippedField(VelocityField flipped) {
        if (flipped == null) {
            throw new IllegalArgumentException("TimeFlippedField needs a field, got null");
        }
        this.flipped = flipped;
    }

    /** {@inheritDoc} */
    @Override
    public NDArray velocity(NDArray x, NDArray t) {
        NDArray s = t.onesLike().sub(t);
        return flipped.velocity(x, s).neg();
    }

    /**
     * The wrapped field's cost per call.
     *
     * @return {@code CostedField.costOf(delegate())}
     */
    @Override
    public int evaluationsPerCall() {
        return CostedField.costOf(flipped);
    }

    /**
     * The wrapped field, in its own convention.
     *
     * @return the field {@code u}
     */
    public VelocityField delegate() {
        return flipped;
    }
}
