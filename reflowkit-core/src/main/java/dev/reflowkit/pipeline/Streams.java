package dev.reflowkit.pipeline;

/**
 * The stream ids under which seeds are derived from a run's master seed
 * ({@link dev.reflowkit.train.StepRandom#derive}), one per use, so no two uses share randomness.
 */
final class Streams {
    static final long TRAIN_DATA = 101;
    static final long EVAL_REFERENCE = 102;
    static final long EVAL_FLOOR = 103;
    static final long EVAL_NOISE = 104;
    static final long DATA_SPLIT = 105;
    static final long MODEL_INIT = 106;
    static final long EVAL_METRICS = 107;

    private Streams() {}
}
