package dev.reflowkit.pairs;

import java.util.Arrays;
import java.util.Locale;

/**
 * How the teacher turns one endpoint of a pair into the other (t = 0 data, t = 1 noise).
 */
public enum PairDirection {

    /**
     * Backward pairs: noise {@code x1 ~ N(0, I)} integrated from t = 1 to t = 0 to a generated
     * {@code x0} (the usual ReFlow pairs).
     */
    BACKWARD("backward"),

    /**
     * Forward pairs (Simple ReFlow): a real training point {@code x0} integrated from t = 0 to
     * t = 1 to its noise {@code x1}.
     */
    FORWARD("forward"),

    /**
     * Projected pairs (our interpretation of Simple ReFlow's coupling projection): backward pairs
     * whose generated {@code x0} is replaced, block by block, by the real training point it is
     * matched to by entropic optimal transport; see {@link ProjectedPairs}.
     */
    PROJECTED("projected");

    private final String configName;

    PairDirection(String configName) {
        this.configName = configName;
    }

    /**
     * The name used in manifests and on the command line.
     *
     * @return e.g. {@code "backward"}
     */
    public String configName() {
        return configName;
    }

    /**
     * Whether the teacher integrates from noise to data (backward and projected pairs).
     *
     * @return true for 1 -> 0
     */
    public boolean fromNoise() {
        return this != FORWARD;
    }

    /**
     * A direction by name.
     *
     * @param name {@code backward}, {@code forward} or {@code projected}, case-insensitive
     * @return the direction
     * @throws IllegalArgumentException for another name, listing the valid ones
     */
    public static PairDirection byName(String name) {
        String n = name == null ? "" : name.trim().toLowerCase(Locale.ROOT);
        for (PairDirection d : values()) {
            if (d.configName.equals(n)) {
                return d;
            }
        }
        throw new IllegalArgumentException("unknown pair direction '" + name + "'; valid: "
                + Arrays.stream(values()).map(PairDirection::configName).toList());
    }

    @Override
    public String toString() {
        return configName;
    }
}
