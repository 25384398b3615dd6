package dev.reflowkit.pairs;

import java.util.List;

/**
 * What a pair-generation run has to do: its settings, the shards a store already holds and those
 * left to generate ({@link PairGeneration#open}).
 *
 * @param settings the run's settings
 * @param finished the shards recorded in the manifest with intact files
 * @param todo the shards left to generate, in index order
 */
public record PairPlan(PairSettings settings, List<PairManifest.ShardEntry> finished, List<ShardRange> todo) {

    /** Copies the lists. */
    public PairPlan {
        finished = List.copyOf(finished);
        todo = List.copyOf(todo);
    }
}
