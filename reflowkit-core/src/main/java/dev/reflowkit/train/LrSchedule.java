package dev.reflowkit.train;

/**
 * The learning-rate schedule: linear warm-up from 0 to the base rate, then constant or cosine
 * decay to 0 at the last step.
 *
 * <p>{@code lr(k) = base * min(1, (k + 1) / warmup)} for constant decay; with cosine decay the
 * post-warm-up rate is {@code base * (1 + cos(pi * (k - warmup) / (steps - warmup))) / 2}.
 *
 * @param base the peak learning rate
 * @param warmupSteps warm-up length, 0 for none
 * @param cosine whether to decay with a half cosine after warm-up
 * @param totalSteps the run length (for the cosine)
 */
public record LrSchedule(double base, long warmupSteps, boolean cosine, long totalSteps) {

    /**
     * The rate at a step.
     *
     * @param step the step, from 0
     * @return the learning rate
     */
    public double at(long step) {
        if (warmupSteps > 0 && step < warmupSteps) {
            return base * (step + 1) / (double) warmupSteps;
        }
        if (!cosine || totalSteps <= warmupSteps) {
            return base;
        }
        double progress = (step - warmupSteps) / (double) (totalSteps - warmupSteps);
        return base * 0.5 * (1 + Math.cos(Math.PI * Math.min(1.0, progress)));
    }
}
