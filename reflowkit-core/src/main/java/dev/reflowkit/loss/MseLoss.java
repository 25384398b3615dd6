package dev.reflowkit.loss;

import ai.djl.ndarray.NDArray;

/**
 * The mean squared error per sample: {@code l_i = mean_j e_ij^2} over all non-batch elements
 * {@code j}, the plain flow-matching loss ({@code phi = I} in spec section 3).
 *
 * <p>This is the true mean, unlike DJL's {@code L2Loss}, which is half of it and uses a Java
 * scalar operand (unsafe on the gradient path, see DJL_NOTES).
 */
public final class MseLoss implements VelocityLoss {

    private static final MseLoss INSTANCE = new MseLoss();

    private MseLoss() {}

    /**
     * The MSE loss.
     *
     * @return the shared (stateless) instance
     */
    public static MseLoss of() {
        return INSTANCE;
    }

    @Override
    public NDArray perSample(NDArray error) {
        return Tensors.flattenSamples(error, "velocity error").square().mean(new int[] {1});
    }

    @Override
    public String name() {
        return "mse";
    }

    @Override
    public String toString() {
        return name();
    }
}
