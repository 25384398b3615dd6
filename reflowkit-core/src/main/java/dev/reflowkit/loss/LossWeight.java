package dev.reflowkit.loss;

import ai.djl.ndarray.NDArray;

/**
 * A per-sample weight {@code w_i} of the generalized ReFlow loss {@code L = mean_i w_i l_i} (spec
 * section 3). A positive weight of {@code (x_t, t)} keeps the flow-matching minimizer (Proposition
 * 1); a weight of the sample's own loss {@code l_i} does so only where the coupling is
 * deterministic given {@code x_t} (see {@link GeneralizedLoss}).
 *
 * <p>Weights are constants of the optimization step: the returned array carries no gradient
 * (implementations detach with {@code stopGradient} or build it from data), so a weight that
 * depends on {@code l_i} changes the gradient's scale, not its target. Implementations use tensor
 * operands only (never an {@code NDArray} op with a Java {@code Number}).
 *
 * <p>{@code w_i} depends on sample {@code i}'s loss and time only (and, for a {@link
 * StatefulWeight}, on its state), never on the other samples of the batch: training in lanes
 * ({@code GradientLanes}) evaluates a stateless weight on each lane's samples apart.
 */
public interface LossWeight {

    /**
     * The weight of each sample.
     *
     * @param perSampleLoss the per-sample losses {@code l_i}, shape {@code (N)}
     * @param t the times, shape {@code (N)}
     * @return the weights, shape {@code (N)}, positive, without gradient
     */
    NDArray weight(NDArray perSampleLoss, NDArray t);

    /**
     * The weight's name with its parameters, for run records, e.g. {@code "constant(1.0)"}.
     *
     * @return the name
     */
    String name();
}
