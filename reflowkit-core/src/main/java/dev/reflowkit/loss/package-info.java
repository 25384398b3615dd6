/**
 * The generalized ReFlow loss (spec section 3): {@code L = mean_i w_i l_i} of the velocity error
 * {@code e = v_theta(x_t, t) - (x1 - x0)}, with per-sample losses ({@link
 * dev.reflowkit.loss.MseLoss}, the high-pass-filter {@link dev.reflowkit.loss.HighPassFilterLoss},
 * and the theory-incompatible {@link dev.reflowkit.loss.PseudoHuberLoss} for baselines), detached
 * weights ({@link dev.reflowkit.loss.ConstantWeight}, {@link dev.reflowkit.loss.TimePowerWeight},
 * Simple ReFlow's {@link dev.reflowkit.loss.PerSampleNormalization} and the stateful {@link
 * dev.reflowkit.loss.TimeBinEmaNormalization}), the combination {@link
 * dev.reflowkit.loss.GeneralizedLoss} and factories by config name.
 *
 * <p>Everything here is on the gradient path: no {@code NDArray} op takes a Java {@code Number}
 * operand (DJL_NOTES; enforced by {@code dev.reflowkit.ScalarOperandRuleTest}).
 */
package dev.reflowkit.loss;
