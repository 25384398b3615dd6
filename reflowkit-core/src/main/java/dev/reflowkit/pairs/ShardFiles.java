package dev.reflowkit.pairs;

import dev.reflowkit.io.Checksums;
import dev.reflowkit.io.DataFormatException;
import dev.reflowkit.io.Npy;
import dev.reflowkit.io.NpyArray;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Writes, checks and reads the two {@code .npy} files of a shard ({@code float32}, shape
 * {@code [n, ...sampleShape]}).
 */
final class ShardFiles {

    private ShardFiles() {}

    /**
     * Writes a shard's two files atomically and returns its manifest entry.
     *
     * @param dir the store directory
     * @param shard the pairs
     * @param sampleShape the shape of one sample
     * @param batchSize the pairs integrated together, recorded in the entry
     * @return the entry, with the SHA-256 of both files as written
     * @throws IOException if writing fails
     */
    static PairManifest.ShardEntry write(Path dir, PairShard shard, long[] sampleShape, int batchSize)
            throws IOException {
        ShardRange r = shard.range();
        long[] shape = new long[sampleShape.length + 1];
        shape[0] = r.size();
        System.arraycopy(sampleShape, 0, shape, 1, sampleShape.length);
        Path x0 = dir.resolve(r.x0File());
        Path x1 = dir.resolve(r.x1File());
        Npy.write(x0, shard.x0(), shape);
        Npy.write(x1, shard.x1(), shape);
        String labelsSha = null;
        if (shard.labels() != null) {
            Path labels = dir.resolve(r.labelsFile());
            float[] values = new float[shard.labels().length];
            for (int i = 0; i < values.length; i++) {
                values[i] = shard.labels()[i];
            }
            Npy.write(labels, values, new long[] {values.length});
            labelsSha = Checksums.sha256(labels);
        }
        return new PairManifest.ShardEntry(r.index(), r.first(), r.end(), r.x0File(), Checksums.sha256(x0),
                r.x1File(), Checksums.sha256(x1), batchSize, labelsSha);
    }

    /**
     * Whether a finished shard's files are present and match their checksums.
     *
     * @param dir the store directory
     * @param e the manifest entry
     * @return true if both files are intact
     * @throws IOException if a present file cannot be read
     */
    static boolean intact(Path dir, PairManifest.ShardEntry e) throws IOException {
        List<String[]> files = new ArrayList<>(List.of(new String[] {e.x0File(), e.x0Sha256()},
                new String[] {e.x1File(), e.x1Sha256()}));
        if (e.labelsSha256() != null) {
            files.add(new String[] {e.range().labelsFile(), e.labelsSha256()});
        }
        for (String[] f : files) {
            Path p = dir.resolve(f[0]);
            if (!Files.isRegularFile(p) || !Checksums.sha256(p).equals(f[1])) {
                return false;
            }
        }
        return true;
    }

    /**
     * Reads and validates a finished shard.
     *
     * @param dir the store directory
     * @param e the manifest entry
     * @param sampleShape the store's sample shape
     * @return the pairs
     * @throws DataFormatException naming the file: missing, checksum mismatch, not float32, or
     *     wrong shape
     * @throws IOException if a file cannot be read
     */
    static PairShard read(Path dir, PairManifest.ShardEntry e, long[] sampleShape) throws IOException {
        ShardRange r = e.range();
        checkNames(dir, e);
        float[] x0 = readOne(dir.resolve(e.x0File()), e.x0Sha256(), r, sampleShape);
        float[] x1 = readOne(dir.resolve(e.x1File()), e.x1Sha256(), r, sampleShape);
        return new PairShard(r, x0, x1, 0, labels(dir, e));
    }

    /**
     * The labels of a finished shard of a class-conditional store (checked), or null.
     *
     * @param dir the store directory
     * @param e the manifest entry
     * @return one class per pair, or null for a store without labels
     * @throws DataFormatException naming the file if it is missing, corrupted or malformed
     * @throws IOException if it cannot be read
     */
    static int[] labels(Path dir, PairManifest.ShardEntry e) throws IOException {
        if (e.labelsSha256() == null) {
            return null;
        }
        ShardRange r = e.range();
        Path file = dir.resolve(r.labelsFile());
        float[] values = readOne(file, e.labelsSha256(), r, new long[0]);
        int[] labels = new int[values.length];
        for (int i = 0; i < labels.length; i++) {
            labels[i] = (int) values[i];
            if (labels[i] != values[i] || labels[i] < 0) {
                throw new DataFormatException(file, "label " + values[i] + " of pair " + (r.first() + i)
                        + " is not a class index");
            }
        }
        return labels;
    }

    /**
     * Validates a finished shard's files without loading them (SHA-256, float32, shape) and gives
     * where their data lie.
     *
     * @param dir the store directory
     * @param e the manifest entry
     * @param sampleShape the store's sample shape
     * @return the x0 and x1 files with the offsets of their first values
     * @throws DataFormatException naming the file, as {@link #read}
     * @throws IOException if a file cannot be read
     */
    static Located locate(Path dir, PairManifest.ShardEntry e, long[] sampleShape) throws IOException {
        ShardRange r = e.range();
        checkNames(dir, e);
        Path x0 = dir.resolve(e.x0File());
        Path x1 = dir.resolve(e.x1File());
        return new Located(x0, checked(x0, e.x0Sha256(), r, sampleShape).dataOffset(), x1,
                checked(x1, e.x1Sha256(), r, sampleShape).dataOffset());
    }

    /**
     * A shard's files and where their values start.
     *
     * @param x0 the x0 file
     * @param x0Offset the byte offset of its first value
     * @param x1 the x1 file
     * @param x1Offset the byte offset of its first value
     */
    record Located(Path x0, long x0Offset, Path x1, long x1Offset) {}

    private static void checkNames(Path dir, PairManifest.ShardEntry e) throws DataFormatException {
        ShardRange r = e.range();
        if (!e.x0File().equals(r.x0File()) || !e.x1File().equals(r.x1File())) {
            throw new DataFormatException(dir.resolve(PairManifest.FILE), "shard " + r.index()
                    + " is listed under the files " + e.x0File() + " and " + e.x1File() + ", expected "
                    + r.x0File() + " and " + r.x1File());
        }
    }

    private static float[] readOne(Path file, String sha256, ShardRange r, long[] sampleShape) throws IOException {
        checked(file, sha256, r, sampleShape);
        return Npy.read(file).data();
    }

    /** The checks of a shard file: present, its SHA-256, float32, the expected shape. */
    private static Npy.Float32Layout checked(Path file, String sha256, ShardRange r, long[] sampleShape)
            throws IOException {
        if (!Files.isRegularFile(file)) {
            throw new DataFormatException(file, "missing shard file (shard " + r.index() + ", pairs ["
                    + r.first() + ", " + r.end() + ")); rerun the pairs command to regenerate it");
        }
        String actual = Checksums.sha256(file);
        if (!actual.equals(sha256)) {
            throw new DataFormatException(file, "checksum mismatch (SHA-256 " + actual + ", manifest says "
                    + sha256 + "): the shard is corrupted; rerun the pairs command to regenerate it");
        }
        String descr = descr(file);
        if (!"<f4".equals(descr)) {
            throw new DataFormatException(file, "wrong dtype " + descr + ", a pair shard must be float32 ('<f4')");
        }
        Npy.Float32Layout a = Npy.float32Layout(file);
        long[] expected = new long[sampleShape.length + 1];
        expected[0] = r.size();
        System.arraycopy(sampleShape, 0, expected, 1, sampleShape.length);
        if (!Arrays.equals(a.shape(), expected)) {
            throw new DataFormatException(file, "wrong shape " + Arrays.toString(a.shape()) + ", expected "
                    + Arrays.toString(expected));
        }
        return a;
    }

    /** The {@code descr} of a {@code .npy} header, or {@code "unknown"}. */
    private static String descr(Path file) throws IOException {
        byte[] head = new byte[256];
        int n;
        try (InputStream in = Files.newInputStream(file)) {
            n = in.readNBytes(head, 0, head.length);
        }
        String text = new String(head, 0, n, StandardCharsets.ISO_8859_1);
        int k = text.indexOf("'descr':");
        if (k < 0) {
            return "unknown";
        }
        int open = text.indexOf('\'', k + 8);
        int close = open < 0 ? -1 : text.indexOf('\'', open + 1);
        return close < 0 ? "unknown" : text.substring(open + 1, close);
    }
}
