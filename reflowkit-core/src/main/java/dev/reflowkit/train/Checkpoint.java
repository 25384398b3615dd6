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
 * @param module the TorchScript archive of an imported network whose parameters these are, or
 *     null for a ReflowKit network ({@code model.*})
 * @param moduleDescriptor how to call {@code module} (its convention, inputs, hash), or null
 */
public record Checkpoint(
        TrainingState state,
        Map<String, Object> config,
        long[] sampleShape,
        List<String> parameterNames,
        NDList parameters,
        NDList ema,
        NDList adamFirst,
        NDList adamSecond,
        byte[] module,
        Map<String, Object> moduleDescriptor) {

    /**
     * A checkpoint of a ReflowKit network (no imported module).
     *
     * @param state the scalar state
     * @param config the configuration
     * @param sampleShape the sample shape
     * @param parameterNames the parameter names
     * @param parameters the raw weights
     * @param ema the EMA weights
     * @param adamFirst Adam's first moments
     * @param adamSecond Adam's second moments
     */
    public Checkpoint(TrainingState state, Map<String, Object> config, long[] sampleShape,
            List<String> parameterNames, NDList parameters, NDList ema, NDList adamFirst, NDList adamSecond) {
        this(state, config, sampleShape, parameterNames, parameters, ema, adamFirst, adamSecond, null, null);
    }

    /** Checks that the module and its descriptor come together. */
    public Checkpoint {
        if ((module == null) != (moduleDescriptor == null)) {
            throw new IllegalArgumentException("a checkpoint's module and its descriptor come together");
        }
    }
}
