package dev.reflowkit.pairs;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** Writes pair stores from given arrays, without a teacher, for tests of reading and mixing. */
public final class TestStores {

    private TestStores() {}

    /**
     * Writes a complete store.
     *
     * @param dir the store directory
     * @param x0 the data endpoints, {@code count * prod(sampleShape)} values
     * @param x1 the noise endpoints, same layout
     * @param sampleShape the shape of one sample
     * @param shardSize pairs per shard
     * @return the store, opened
     * @throws IOException if writing or reading fails
     */
    public static PairStore write(Path dir, float[] x0, float[] x1, long[] sampleShape, int shardSize)
            throws IOException {
        int size = 1;
        for (long s : sampleShape) {
            size *= (int) s;
        }
        int count = x0.length / size;
        PairSettings settings = new PairSettings("0".repeat(64), PairDirection.BACKWARD, "heun",
                "heun(euler last step)", "uniform", List.of(1.0, 0.5, 0.0), 3, java.util.Map.of(), "ema", 0, count, shardSize, 10, sampleShape,
                new PairSettings.TeacherData("8gaussians", count, 10, 0, 0), null, null, 0);
        PairManifest m = new PairManifest(settings, "teacher.ckpt", "test", "2026-01-01T00:00:00Z", List.of(), false);
        List<PairManifest.ShardEntry> done = new ArrayList<>();
        for (ShardRange r : settings.shards()) {
            float[] a = new float[r.size() * size];
            float[] b = new float[r.size() * size];
            System.arraycopy(x0, r.first() * size, a, 0, a.length);
            System.arraycopy(x1, r.first() * size, b, 0, b.length);
            done.add(ShardFiles.write(dir, new PairShard(r, a, b, 0), sampleShape, 10));
        }
        m.withShards(done).write(dir);
        return PairStore.open(dir);
    }
}
