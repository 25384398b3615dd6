package dev.reflowkit.pairs;

import java.io.Serializable;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The fixed index range of one shard of a pair store: shard {@code k} of a store of {@code count}
 * pairs with shard size {@code S} holds pairs {@code [k S, min((k + 1) S, count))}, in the files
 * {@code shards/pairs-FIRST-END.x0.npy} and {@code .x1.npy} (ten-digit, zero-padded), so a shard's
 * name depends only on its range.
 *
 * @param index the shard number {@code k}
 * @param first the first pair index (inclusive)
 * @param end the last pair index (exclusive)
 */
public record ShardRange(int index, int first, int end) implements Serializable {

    /** The folder of the shard files inside a store. */
    public static final String FOLDER = "shards";

    /** Checks the range. */
    public ShardRange {
        if (index < 0 || first < 0 || end <= first) {
            throw new IllegalArgumentException("invalid shard " + index + " [" + first + ", " + end + ")");
        }
    }

    /**
     * The shards of a store.
     *
     * @param count the number of pairs, at least 1
     * @param shardSize pairs per shard, at least 1
     * @return the ranges, in order
     */
    public static List<ShardRange> of(int count, int shardSize) {
        if (count < 1 || shardSize < 1) {
            throw new IllegalArgumentException("a pair store needs count >= 1 and shard size >= 1, got "
                    + count + " and " + shardSize);
        }
        List<ShardRange> out = new ArrayList<>();
        for (int k = 0; (long) k * shardSize < count; k++) {
            int first = k * shardSize;
            out.add(new ShardRange(k, first, (int) Math.min((long) first + shardSize, count)));
        }
        return out;
    }

    /**
     * The number of pairs in the shard.
     *
     * @return {@code end - first}
     */
    public int size() {
        return end - first;
    }

    /**
     * The relative path of the x0 (data-end) file.
     *
     * @return e.g. {@code shards/pairs-0000000000-0000010000.x0.npy}
     */
    public String x0File() {
        return file("x0");
    }

    /**
     * The relative path of the x1 (noise-end) file.
     *
     * @return e.g. {@code shards/pairs-0000000000-0000010000.x1.npy}
     */
    public String x1File() {
        return file("x1");
    }

    /**
     * The relative path of the labels file of a class-conditional store.
     *
     * @return e.g. {@code shards/pairs-0000000000-0000010000.labels.npy}
     */
    public String labelsFile() {
        return file("labels");
    }

    private String file(String end) {
        return String.format(Locale.ROOT, "%s/pairs-%010d-%010d.%s.npy", FOLDER, first, this.end, end);
    }
}
