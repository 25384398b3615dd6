package dev.reflowkit.pairs;

import dev.reflowkit.io.DataFormatException;
import java.io.IOException;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.List;

/**
 * A finished pair store, validated and loaded into memory: {@code count} pairs
 * {@code (x0_i, x1_i)} of one sample shape, with the manifest that describes how they were made.
 *
 * <p>Layout of a store directory: {@code manifest.json} ({@link PairManifest}) and
 * {@code shards/pairs-FIRST-END.x0.npy} / {@code .x1.npy}, float32 arrays of shape
 * {@code [END - FIRST, ...sampleShape]} readable by {@code numpy.load}; shard {@code k} holds pairs
 * {@code [k S, min((k+1) S, count))} ({@link ShardRange}). Opening checks that the store is
 * complete, that every shard is listed with its expected range and file names, and that every
 * file exists, matches its SHA-256, is float32 and has the expected shape; any failure is a
 * {@link DataFormatException} whose one-line message names the file.
 *
 * <pre>{@code
 * PairStore store = PairStore.open(Path.of("runs/demo/pairs/backward"));
 * float[] x0 = store.x0();   // count * sampleSize values, sample-major
 * }</pre>
 */
public final class PairStore implements PairSource {

    private final Path dir;
    private final PairManifest manifest;
    private final float[] x0;
    private final float[] x1;
    private final int[] labels;

    private PairStore(Path dir, PairManifest manifest, float[] x0, float[] x1, int[] labels) {
        this.dir = dir;
        this.manifest = manifest;
        this.x0 = x0;
        this.x1 = x1;
        this.labels = labels;
    }

    /**
     * Opens, validates and loads a finished store.
     *
     * @param dir the store directory
     * @return the store
     * @throws DataFormatException naming the file if the store is missing its manifest, incomplete,
     *     or has a missing, corrupted or malformed shard
     * @throws IOException if a file cannot be read
     */
    public static PairStore open(Path dir) throws IOException {
        PairManifest m = finishedManifest(dir);
        PairSettings s = m.settings();
        List<ShardRange> ranges = s.shards();
        long total = (long) s.count() * s.sampleSize();
        if (total > Integer.MAX_VALUE - 8) {
            throw new DataFormatException(dir.resolve(PairManifest.FILE), "the store holds " + total
                    + " values per endpoint, too many to load into memory at once (training streams it:"
                    + " reflow.streaming)");
        }
        float[] x0 = new float[(int) total];
        float[] x1 = new float[(int) total];
        int[] labels = s.classes() > 0 ? new int[s.count()] : null;
        for (int k = 0; k < ranges.size(); k++) {
            ShardRange r = ranges.get(k);
            PairShard shard = ShardFiles.read(dir, m.shards().get(k), s.sampleShape());
            System.arraycopy(shard.x0(), 0, x0, r.first() * s.sampleSize(), shard.x0().length);
            System.arraycopy(shard.x1(), 0, x1, r.first() * s.sampleSize(), shard.x1().length);
            if (labels != null) {
                System.arraycopy(requireLabels(dir, shard), 0, labels, r.first(), r.size());
            }
        }
        return new PairStore(dir, m, x0, x1, labels);
    }

    /** A shard's labels, which a store of a class-conditional teacher must have. */
    static int[] requireLabels(Path dir, PairShard shard) throws DataFormatException {
        if (shard.labels() == null) {
            throw new DataFormatException(dir.resolve(PairManifest.FILE), "shard " + shard.range().index()
                    + " lists no labels file, but the store is of a class-conditional teacher");
        }
        return shard.labels();
    }

    /**
     * The manifest of a finished store, checked: complete, and every shard listed in order with
     * its expected range.
     *
     * @param dir the store directory
     * @return the manifest
     * @throws DataFormatException if there is no store or it is unfinished or inconsistent
     * @throws IOException if the manifest cannot be read
     */
    static PairManifest finishedManifest(Path dir) throws IOException {
        Path file = dir.resolve(PairManifest.FILE);
        PairManifest m;
        try {
            m = PairManifest.read(dir);
        } catch (NoSuchFileException e) {
            throw new DataFormatException(file, "no pair store here (missing " + PairManifest.FILE + ")");
        }
        List<ShardRange> ranges = m.settings().shards();
        if (!m.complete() || m.shards().size() != ranges.size()) {
            throw new DataFormatException(file, "incomplete pair store: " + m.shards().size() + " of "
                    + ranges.size() + " shards finished; rerun the pairs command to finish it");
        }
        for (int k = 0; k < ranges.size(); k++) {
            PairManifest.ShardEntry e = m.shards().get(k);
            ShardRange r = ranges.get(k);
            if (e.index() != k || e.first() != r.first() || e.end() != r.end()) {
                throw new DataFormatException(file, "shard entry " + k + " covers [" + e.first() + ", " + e.end()
                        + ") as shard " + e.index() + ", expected shard " + k + " [" + r.first() + ", " + r.end() + ")");
            }
        }
        return m;
    }

    /**
     * The store directory.
     *
     * @return the directory as given to {@link #open}
     */
    @Override
    public Path directory() {
        return dir;
    }

    /**
     * The manifest.
     *
     * @return the manifest
     */
    public PairManifest manifest() {
        return manifest;
    }

    /**
     * The settings the pairs were made with.
     *
     * @return the settings
     */
    @Override
    public PairSettings settings() {
        return manifest.settings();
    }

    /**
     * The pair direction.
     *
     * @return backward, forward or projected
     */
    @Override
    public PairDirection direction() {
        return manifest.settings().direction();
    }

    /**
     * The number of pairs.
     *
     * @return the count
     */
    @Override
    public int count() {
        return manifest.settings().count();
    }

    /**
     * The shape of one sample.
     *
     * @return e.g. {@code [2]}
     */
    @Override
    public long[] sampleShape() {
        return manifest.settings().sampleShape();
    }

    /**
     * The number of values in one sample.
     *
     * @return the product of the sample shape
     */
    @Override
    public int sampleSize() {
        return manifest.settings().sampleSize();
    }

    /**
     * All data endpoints, sample-major ({@code count * sampleSize} values). The array is shared,
     * not copied: do not modify it.
     *
     * @return x0 of every pair
     */
    /** {@inheritDoc} */
    @Override
    public void read(int index, float[] x0, int at0, float[] x1, int at1) {
        int d = sampleSize();
        System.arraycopy(this.x0, index * d, x0, at0, d);
        System.arraycopy(this.x1, index * d, x1, at1, d);
    }

    /** {@inheritDoc} */
    @Override
    public int label(int index) {
        return labels == null ? -1 : labels[index];
    }

    public float[] x0() {
        return x0;
    }

    /**
     * All noise endpoints, sample-major, shared like {@link #x0()}.
     *
     * @return x1 of every pair
     */
    public float[] x1() {
        return x1;
    }
}
