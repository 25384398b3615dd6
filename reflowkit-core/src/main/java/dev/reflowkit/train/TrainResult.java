package dev.reflowkit.train;

import java.nio.file.Path;

/**
 * The outcome of a training run.
 *
 * @param steps steps completed in total (including steps before a resume)
 * @param samplesSeen training samples consumed in total
 * @param lastLoss the mean loss of the last log interval
 * @param checkpoint the final checkpoint ({@code DIR/model.ckpt})
 * @param seconds wall time of this invocation
 * @param samplesPerSecond throughput of this invocation
 * @param startStep the step this invocation started from: 0 for a fresh run, the resumed
 *     checkpoint's step otherwise ({@code steps} when there was nothing left to do)
 */
public record TrainResult(long steps, long samplesSeen, double lastLoss, Path checkpoint, double seconds,
        double samplesPerSecond, long startStep) {}
