package dev.reflowkit.loss;

import ai.djl.ndarray.NDArray;
import java.util.Locale;

/** The constant weight {@code w_i = c}; with {@code c = 1} the loss is the plain batch mean. */
public final class ConstantWeight implements LossWeight {

    private static final ConstantWeight ONE = new ConstantWeight(1.0);

    private final double value;

    private ConstantWeight(double value) {
        this.value = value;
    }

    /**
     * The weight {@code w = 1}.
     *
     * @return the shared instance
     */
    public static ConstantWeight one() {
        return ONE;
    }

    /**
     * A constant weight.
     *
     * @param value the weight, finite and {@code > 0}
     * @return the weight
     */
    public static ConstantWeight of(double value) {
        if (!(value > 0.0) || Double.isInfinite(value)) {
            throw new IllegalArgumentException(
                    "constant loss weight must be finite and > 0, got " + value);
        }
        return new ConstantWeight(value);
    }

    /**
     * The constant.
     *
     * @return {@code c}
     */
    public double value() {
        return value;
    }

    @Override
    public NDArray weight(NDArray perSampleLoss, NDArray t) {
        return perSampleLoss
                .getManager()
                .full(perSampleLoss.getShape(), (float) value, perSampleLoss.getDataType());
    }

    @Override
    public String name() {
        return String.format(Locale.ROOT, "constant(%s)", value);
    }

    @Override
    public String toString() {
        return name();
    }
}
