package dev.reflowkit.train;

/**
 * The optimization settings of one training run (the {@code train.*} section of a config).
 *
 * @param steps total optimizer steps
 * @param batchSize pairs per step
 * @param seed the run seed (batches, times, dropout)
 * @param optimizer the Adam settings
 * @param schedule the learning-rate schedule
 * @param gradClip global-norm clipping threshold, 0 disables
 * @param emaHalflifeSamples EMA half-life in samples
 * @param emaRampup EDM-style ramp-up ratio (half-life at most {@code rampup * samplesSeen}), 0
 *     disables
 * @param checkpointEvery steps between checkpoints
 * @param logEvery steps between log records
 * @param keepCheckpoints how many periodic checkpoints to keep
 * @param lanes how many lanes a step's network passes are split into ({@link GradientLanes})
 */
public record TrainSettings(
        long steps,
        int batchSize,
        long seed,
        AdamOptimizer.Settings optimizer,
        LrSchedule schedule,
        double gradClip,
        double emaHalflifeSamples,
        double emaRampup,
        long checkpointEvery,
        long logEvery,
        int keepCheckpoints,
        int lanes) {

    /** Checks ranges. */
    public TrainSettings {
        if (steps < 1 || batchSize < 1 || checkpointEvery < 1 || logEvery < 1 || keepCheckpoints < 1 || lanes < 1) {
            throw new IllegalArgumentException("steps, batch size, checkpoint/log intervals, kept"
                    + " checkpoints and lanes must be >= 1");
        }
        if (gradClip < 0 || !(emaHalflifeSamples > 0) || emaRampup < 0) {
            throw new IllegalArgumentException("grad clip and EMA ramp-up must be >= 0, EMA half-life > 0");
        }
    }
}
