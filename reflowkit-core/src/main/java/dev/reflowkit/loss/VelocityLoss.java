package dev.reflowkit.loss;

import ai.djl.ndarray.NDArray;

/**
 * A per-sample loss {@code l_i} of the velocity error {@code e = v_theta(x_t, t) - (x1 - x0)}: the
 * {@code ||phi(e)||^2} part of the generalized ReFlow loss (spec section 3), before the weight
 * {@code w_i} and the batch mean of {@link GeneralizedLoss}.
 *
 * <p>Implementations are on the gradient path: they use tensor operands only (never an {@code
 * NDArray} op with a Java {@code Number}), and their results attach to the manager of {@code
 * error}. {@code l_i} depends on sample {@code i}'s error only: training in lanes evaluates the
 * loss on each lane's samples apart.
 */
public interface VelocityLoss {

    /**
     * The loss of each sample.
     *
     * @param error the velocity error, shape {@code (N, ...)}
     * @return the per-sample losses, shape {@code (N)}, differentiable with respect to {@code error}
     */
    NDArray perSample(NDArray error);

    /**
     * The loss's name with its parameters, for run records, e.g. {@code "mse"}.
     *
     * @return the name
     */
    String name();
}
