package dev.reflowkit.pairs;

import ai.djl.ndarray.NDManager;

/** Produces the pairs of one shard; a pure function of the shard's range (thread-safe). */
interface ShardSource {

    /**
     * Generates a shard.
     *
     * @param range the shard's index range
     * @param manager the worker's manager (everything created is freed before returning)
     * @return the pairs
     */
    PairShard generate(ShardRange range, NDManager manager);
}
