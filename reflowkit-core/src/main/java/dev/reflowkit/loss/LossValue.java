package dev.reflowkit.loss;

import ai.djl.ndarray.NDArray;

/**
 * The result of one evaluation of a {@link GeneralizedLoss}.
 *
 * @param objective the scalar {@code mean_i w_i l_i} to differentiate
 * @param unweightedMean the scalar {@code mean_i l_i}, detached, for logging (the objective of a
 *     normalizing weight is about 1 whatever the model)
 * @param perSample the per-sample losses {@code l_i}, shape {@code (N)}, with gradient
 * @param weights the weights {@code w_i}, shape {@code (N)}, without gradient
 */
public record LossValue(
        NDArray objective, NDArray unweightedMean, NDArray perSample, NDArray weights) {}
