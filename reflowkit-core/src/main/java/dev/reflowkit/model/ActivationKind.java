package dev.reflowkit.model;

import ai.djl.ndarray.NDArray;
import ai.djl.nn.Activation;
import java.util.Arrays;
import java.util.Locale;

/**
 * The activation functions a velocity network may use, each written with tensor operands only so
 * that it is safe on the gradient path (DJL's {@code Activation.swish} is not: it uses a scalar
 * operand, see DJL_NOTES).
 */
public enum ActivationKind {
    /** SiLU (swish with beta = 1): {@code x * sigmoid(x)}. */
    SILU,
    /** GELU, erf form. */
    GELU,
    /** ReLU: {@code max(x, 0)}. */
    RELU,
    /** Hyperbolic tangent. */
    TANH;

    /**
     * Applies the activation.
     *
     * @param x the input
     * @return the activated array, attached to the manager of {@code x}
     */
    public NDArray apply(NDArray x) {
        switch (this) {
            case SILU:
                NDArray sigmoid = Activation.sigmoid(x);
                if (EagerScope.inPlace()) {
                    return sigmoid.muli(x); // no graph: reuse the sigmoid's memory for the result
                }
                NDArray out = x.mul(sigmoid);
                sigmoid.close(); // autograd keeps its own reference; free the handle now
                return out;
            case GELU:
                return Activation.gelu(x);
            case RELU:
                return Activation.relu(x);
            case TANH:
                return Activation.tanh(x);
            default:
                throw new AssertionError(this);
        }
    }

    /**
     * The activation as a TorchScript expression, for exported modules.
     *
     * @param x the argument's expression
     * @return e.g. {@code torch.silu(x)}
     */
    public String torchScript(String x) {
        return "torch." + name().toLowerCase(java.util.Locale.ROOT) + "(" + x + ")";
    }

    /**
     * Parses a config name such as {@code "silu"}.
     *
     * @param name the name, case-insensitive
     * @return the activation
     * @throws IllegalArgumentException for an unknown name, listing the valid ones
     */
    public static ActivationKind byName(String name) {
        for (ActivationKind a : values()) {
            if (a.name().equalsIgnoreCase(name)) {
                return a;
            }
        }
        throw new IllegalArgumentException("unknown activation '" + name + "'; valid: "
                + Arrays.toString(values()).toLowerCase(Locale.ROOT));
    }

    /**
     * The config name.
     *
     * @return e.g. {@code "silu"}
     */
    public String configName() {
        return name().toLowerCase(Locale.ROOT);
    }
}
