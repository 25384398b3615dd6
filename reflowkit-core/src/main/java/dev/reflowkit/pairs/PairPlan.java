package dev.reflowkit.pairs;

import java.util.List;

/**
 * What a pair-generation run has to do: the store's manifest as opened (its settings and the
 * shards it holds intact) and the shards left to generate ({@link PairGeneration#open}).
 *
 * @param manifest the manifest after opening: recorded shards with intact files only
 * @param todo the shards left to generate, in index order
 */
public record PairPlan(PairManifest manifest, List<ShardRange> todo) {

    /** Copies the list. */
    public PairPlan {
        todo = List.copyOf(todo);
    }

    /**
     * The run's settings.
     *
     * @return the manifest's settings
     */
    public PairSettings settings() {
        return manifest.settings();
    }

    /**
     * The shards the store already holds.
     *
     * @return the manifest's entries
     */
    public List<PairManifest.ShardEntry> finished() {
        return manifest.shards();
    }
}
