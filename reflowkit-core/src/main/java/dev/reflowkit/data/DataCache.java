package dev.reflowkit.data;

import java.nio.file.Path;

/**
 * The data cache: the directory where fetched data sets live, one subdirectory per data set
 * (e.g. {@code <cache>/mnist/}).
 *
 * <p>Resolution order: an explicit directory (e.g. {@code --cache DIR}), else the environment
 * variable {@value #ENV} if set and not blank, else {@code ~/.cache/reflowkit/data}.
 */
public final class DataCache {

    /** The environment variable naming the cache directory. */
    public static final String ENV = "REFLOWKIT_DATA";

    private DataCache() {}

    /**
     * The cache directory.
     *
     * @param explicit a directory given by the user, or null
     * @return {@code explicit}, else {@code $REFLOWKIT_DATA}, else {@code ~/.cache/reflowkit/data}
     */
    public static Path resolve(Path explicit) {
        return resolve(explicit, System.getenv(ENV), System.getProperty("user.home"));
    }

    /** {@link #resolve(Path)} with the environment and home directory given, for tests. */
    static Path resolve(Path explicit, String env, String home) {
        if (explicit != null) {
            return explicit;
        }
        if (env != null && !env.isBlank()) {
            return Path.of(env.strip());
        }
        return Path.of(home, ".cache", "reflowkit", "data");
    }

    /**
     * The directory of one data set in a cache.
     *
     * @param cache the cache directory
     * @param name the data set name, e.g. {@code "mnist"}
     * @return {@code cache/name}
     */
    public static Path datasetDir(Path cache, String name) {
        return cache.resolve(name);
    }
}
