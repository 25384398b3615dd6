package dev.reflowkit.spark;

import java.io.Serializable;
import java.nio.file.Path;
import java.util.List;

/**
 * What a distributed evaluation measures: a model sampled {@code count} times at each NFE, the
 * samples split by index into batch-aligned partitions.
 *
 * @param model the checkpoint, as the driver sees it
 * @param count samples per NFE
 * @param nfes the NFE budgets
 * @param solver the fixed-step solver (euler, midpoint, heun, rk4)
 * @param grid the time grid (uniform, edm, sigmoid, shifted, custom, or tuned: recorded beside the checkpoint)
 * @param seed the noise seed: sample {@code i} starts from noise {@code i} of it
 * @param batchSize samples per batch; partitions start on batch boundaries
 * @param partitions the number of tasks (0: the default parallelism)
 * @param useEma sample with the EMA weights (else the raw weights)
 */
public record EvalJob(String model, int count, List<Integer> nfes, String solver, String grid, long seed,
        int batchSize, int partitions, boolean useEma) implements Serializable {

    /** Checks the values and copies the list. */
    public EvalJob {
        if (count < 2 || batchSize < 1 || partitions < 0 || nfes.isEmpty()) {
            throw new IllegalArgumentException("an evaluation needs count >= 2, batch size >= 1, partitions >= 0"
                    + " and at least one NFE");
        }
        for (int n : nfes) {
            if (n < 1) {
                throw new IllegalArgumentException("NFE must be >= 1, got " + n);
            }
        }
        nfes = List.copyOf(nfes);
    }

    /**
     * A job with the defaults: Heun on the uniform grid, batches of 1000, EMA weights.
     *
     * @param model the checkpoint
     * @param count samples per NFE
     * @param nfes the NFE budgets
     * @param seed the noise seed
     * @return the job
     */
    public static EvalJob of(Path model, int count, List<Integer> nfes, long seed) {
        return new EvalJob(model.toAbsolutePath().toString(), count, nfes, "heun", "uniform", seed, 1000, 0, true);
    }

    /**
     * The same job with another partition count.
     *
     * @param n the number of tasks
     * @return the job
     */
    public EvalJob withPartitions(int n) {
        return new EvalJob(model, count, nfes, solver, grid, seed, batchSize, n, useEma);
    }

    /**
     * The same job with another batch size.
     *
     * @param n samples per batch
     * @return the job
     */
    public EvalJob withBatchSize(int n) {
        return new EvalJob(model, count, nfes, solver, grid, seed, n, partitions, useEma);
    }
}
