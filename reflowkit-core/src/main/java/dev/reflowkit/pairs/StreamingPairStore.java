package dev.reflowkit.pairs;

import java.io.Closeable;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;

/**
 * A finished pair store read pair by pair from its shard files, for stores larger than memory
 * (the paper's 1M-8M pairs): opening checks the store as {@link PairStore#open} does (every
 * shard's SHA-256, dtype and shape, reading each file once), then {@link #read} copies one pair
 * with a positional read from the open shard files. Memory stays at one pair per reading thread,
 * whatever the store's size (the operating system's page cache is not the process's), and the
 * values are those of {@link PairStore}, so training samples the same batches either way.
 */
public final class StreamingPairStore implements PairSource, Closeable {

    private final Path dir;
    private final PairManifest manifest;
    private final int shardSize;
    private final int bytesPerSample;
    private final List<FileChannel> x0 = new ArrayList<>();
    private final List<FileChannel> x1 = new ArrayList<>();
    private final long[] x0Offsets;
    private final long[] x1Offsets;
    private final ThreadLocal<ByteBuffer> scratch;
    private final int[] labels;

    private StreamingPairStore(Path dir, PairManifest manifest, List<ShardFiles.Located> shards, int[] labels)
            throws IOException {
        this.dir = dir;
        this.manifest = manifest;
        this.labels = labels;
        this.shardSize = manifest.settings().shardSize();
        this.bytesPerSample = 4 * manifest.settings().sampleSize();
        this.x0Offsets = new long[shards.size()];
        this.x1Offsets = new long[shards.size()];
        try {
            for (int k = 0; k < shards.size(); k++) {
                ShardFiles.Located s = shards.get(k);
                x0.add(FileChannel.open(s.x0(), StandardOpenOption.READ));
                x1.add(FileChannel.open(s.x1(), StandardOpenOption.READ));
                x0Offsets[k] = s.x0Offset();
                x1Offsets[k] = s.x1Offset();
            }
        } catch (IOException | RuntimeException e) {
            close();
            throw e;
        }
        int bytes = bytesPerSample;
        this.scratch = ThreadLocal.withInitial(() -> ByteBuffer.allocateDirect(bytes).order(ByteOrder.LITTLE_ENDIAN));
    }

    /**
     * Opens a finished store for streaming, checking every shard file.
     *
     * @param dir the store directory
     * @return the store; close it to release the files
     * @throws dev.reflowkit.io.DataFormatException naming the file, as {@link PairStore#open}
     * @throws IOException if a file cannot be read
     */
    public static StreamingPairStore open(Path dir) throws IOException {
        PairManifest m = PairStore.finishedManifest(dir);
        List<ShardFiles.Located> shards = new ArrayList<>();
        int[] labels = m.settings().classes() > 0 ? new int[m.settings().count()] : null;
        for (PairManifest.ShardEntry e : m.shards()) {
            shards.add(ShardFiles.locate(dir, e, m.settings().sampleShape()));
            if (labels != null) { // small: one int per pair, held in memory
                int[] l = ShardFiles.labels(dir, e);
                if (l == null) {
                    throw new dev.reflowkit.io.DataFormatException(dir.resolve(PairManifest.FILE), "shard "
                            + e.index() + " lists no labels file, but the store is of a class-conditional teacher");
                }
                System.arraycopy(l, 0, labels, e.first(), l.length);
            }
        }
        return new StreamingPairStore(dir, m, shards, labels);
    }

    /** {@inheritDoc} */
    @Override
    public Path directory() {
        return dir;
    }

    /** {@inheritDoc} */
    @Override
    public PairSettings settings() {
        return manifest.settings();
    }

    /** {@inheritDoc} */
    @Override
    public void read(int index, float[] x0Out, int at0, float[] x1Out, int at1) {
        if (index < 0 || index >= count()) {
            throw new IndexOutOfBoundsException("pair " + index + " of " + count());
        }
        int k = index / shardSize;
        long within = (long) (index - k * shardSize) * bytesPerSample;
        readInto(x0.get(k), x0Offsets[k] + within, x0Out, at0);
        readInto(x1.get(k), x1Offsets[k] + within, x1Out, at1);
    }

    /** {@inheritDoc} */
    @Override
    public int label(int index) {
        return labels == null ? -1 : labels[index];
    }

    private void readInto(FileChannel ch, long position, float[] out, int at) {
        ByteBuffer b = scratch.get();
        b.clear();
        try {
            while (b.hasRemaining()) {
                if (ch.read(b, position + b.position()) < 0) {
                    throw new IOException("unexpected end of " + dir + " shard file at byte " + position);
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        b.flip();
        b.asFloatBuffer().get(out, at, bytesPerSample / 4);
    }

    /** Closes the shard files. */
    @Override
    public void close() {
        for (FileChannel ch : x0) {
            closeQuietly(ch);
        }
        for (FileChannel ch : x1) {
            closeQuietly(ch);
        }
    }

    private static void closeQuietly(FileChannel ch) {
        try {
            ch.close();
        } catch (IOException ignored) {
            // read-only file
        }
    }
}
