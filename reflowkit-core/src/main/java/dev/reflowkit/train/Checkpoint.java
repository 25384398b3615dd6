package dev.reflowkit.train;

import ai.djl.ndarray.NDList;
import java.util.List;
import java.util.Map;

/**
 * A training checkpoint: weights, EMA weights, optimizer moments, the scalar state and the
 * resolved configuration of the run that wrote it. Randomness needs no saved state: every step's
 * generator is derived from the run seed and the step ({@link StepRandom}).
 *
 * @param state the scalar state (step, samples, loss-weight state, log accumulator)
 * @param config the resolved run configuration, as a nested map
 * @param sampleShape the shape of one data sample
 * @param parameterNames the parameter names, in the order of the lists
 * @param parameters the raw weights
 * @param ema the EMA weights
 * @param adamFirst Adam's first moments (empty in a weights-only file)
 * @param adamSecond Adam's second moments (empty in a weights-only file)
 */
public record Checkpoint(
        TrainingState state,
        Map<String, Object> config,
        long[] sampleShape,
        List<String> parameterNames,
        NDList parameters,
        NDList ema,
        NDList adamFirst,
        NDList adamSecond) {}
