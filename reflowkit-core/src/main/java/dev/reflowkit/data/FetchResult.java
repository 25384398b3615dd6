package dev.reflowkit.data;

import java.nio.file.Path;

/**
 * What a {@link DataFetch} did.
 *
 * @param name the data set name
 * @param dir the data set's folder in the cache
 * @param alreadyPresent true if the folder was already complete and verified, so nothing was done
 * @param replaced true if an existing folder that did not verify was replaced
 * @param archiveBytes the size of the package archive used (0 if nothing was fetched)
 * @param seconds the wall time of the whole fetch
 */
public record FetchResult(String name, Path dir, boolean alreadyPresent, boolean replaced, long archiveBytes,
        double seconds) {}
