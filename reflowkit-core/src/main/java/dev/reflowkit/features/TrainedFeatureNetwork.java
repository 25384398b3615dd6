package dev.reflowkit.features;

import ai.djl.ndarray.NDManager;

/**
 * A trained feature network with its metadata.
 *
 * @param network the network; its parameters belong to the manager it was trained or loaded with
 * @param info how it was trained and its test accuracy
 * @param fromCache whether it was loaded from a cache file rather than trained now
 */
public record TrainedFeatureNetwork(FeatureNetwork network, FeatureNetworkInfo info, boolean fromCache) {

    /**
     * An extractor over this network with the default batch size.
     *
     * @param manager the manager for per-batch arrays (e.g. the one owning the network)
     * @return the extractor
     */
    public FeatureExtractor extractor(NDManager manager) {
        return new FeatureExtractor(network, info.sampleShape(), manager, FeatureExtractor.DEFAULT_BATCH);
    }
}
