package dev.reflowkit.spark;

import dev.reflowkit.pairs.PairManifest;
import java.io.IOException;
import java.io.Serializable;

/**
 * Sees each shard a Spark task has written, on the executor: for progress, or for tests that make
 * a task fail part-way (throwing fails the task, which Spark then retries).
 */
@FunctionalInterface
public interface ShardObserver extends Serializable {

    /** Observes nothing. */
    ShardObserver NONE = (shard, partition, attempt) -> { };

    /**
     * Called after a shard's files are written, before the task moves on.
     *
     * @param shard the shard's manifest entry
     * @param partition the task's partition
     * @param attempt the task's attempt number (0 for the first)
     * @throws IOException to fail the task (as does any unchecked exception)
     */
    void written(PairManifest.ShardEntry shard, int partition, int attempt) throws IOException;
}
