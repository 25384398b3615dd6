package dev.reflowkit.loss.archfixture;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.nn.Activation;
import ai.djl.training.loss.L2Loss;
import ai.djl.training.loss.Loss;
import java.util.function.Function;

/**
 * Deliberately bad code for {@code dev.reflowkit.ScalarOperandRuleTest}: every method here makes
 * exactly one call the scalar-operand rule must report. Never executed; it lives in a package the
 * rule guards ({@code dev.reflowkit.loss..}) but only in the test sources.
 */
public final class ScalarOperandViolations {

    private ScalarOperandViolations() {}

    static NDArray mulByJavaFloat(NDArray x) {
        return x.mul(3f);
    }

    static NDArray addJavaInt(NDArray x) {
        return x.add(1);
    }

    static NDArray powJavaInt(NDArray x) {
        return x.pow(2);
    }

    static NDArray maximumJavaFloat(NDArray x) {
        return x.maximum(0f);
    }

    static NDArray rsubJavaFloat(NDArray x) {
        return x.getNDArrayInternal().rsub(1f);
    }

    static NDArray inPlaceDivide(NDArray x) {
        return x.divi(2.0);
    }

    static NDArray staticScalarHelper(NDArray x) {
        return NDArrays.sub(1, x);
    }

    static NDArray swish(NDArray x) {
        return Activation.swish(x, 1f);
    }

    static NDArray mish(NDArray x) {
        return Activation.mish(x);
    }

    static Loss halfMse() {
        return Loss.l2Loss();
    }

    static Loss halfMseConstructed() {
        return new L2Loss("l2", 1f);
    }

    static Function<Number, NDArray> methodReference(NDArray x) {
        return x::sub;
    }

    /** The number of violations above. */
    public static final int COUNT = 12;
}
