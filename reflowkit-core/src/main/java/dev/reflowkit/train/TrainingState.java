package dev.reflowkit.train;

/**
 * The scalar part of a training run's state, everything needed beside the arrays to continue a
 * run exactly where it stopped.
 *
 * @param step optimizer steps completed
 * @param samplesSeen training samples consumed
 * @param lossWeightState the state of a stateful loss weight (empty if none)
 * @param logLossSum sum of (unweighted) losses since the last log record
 * @param logObjectiveSum sum of weighted objectives since the last log record
 * @param logLossCount number of losses in {@code logLossSum}
 */
public record TrainingState(
        long step, long samplesSeen, double[] lossWeightState, double logLossSum, double logObjectiveSum, long logLossCount) {}
