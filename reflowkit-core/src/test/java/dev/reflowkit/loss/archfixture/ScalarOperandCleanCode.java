package dev.reflowkit.loss.archfixture;

import ai.djl.ndarray.NDArray;
import ai.djl.nn.Activation;

/**
 * The gradient-safe counterparts of {@link ScalarOperandViolations}, which the scalar-operand rule
 * must accept (the rule must not be so broad that it flags correct code).
 */
public final class ScalarOperandCleanCode {

    private ScalarOperandCleanCode() {}

    static NDArray mulByTensorConstant(NDArray x) {
        NDArray three = x.getManager().create(3f);
        return x.mul(three).add(x.getManager().create(1f)).pow(x.getManager().create(2f));
    }

    static NDArray silu(NDArray x) {
        return x.mul(Activation.sigmoid(x));
    }

    static NDArray comparisonsAreNotOnTheGradientPath(NDArray x) {
        return x.gt(0f).toType(x.getDataType(), false);
    }
}
