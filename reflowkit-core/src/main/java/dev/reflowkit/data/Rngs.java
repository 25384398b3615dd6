package dev.reflowkit.data;

import java.nio.charset.StandardCharsets;
import java.util.SplittableRandom;

/**
 * Seeded random generators, one independent stream per (seed, purpose), so that for example the
 * points generated with seed 7 and the split shuffled with seed 7 are not correlated.
 */
final class Rngs {

    private Rngs() {}

    /**
     * A generator for a seed and a purpose.
     *
     * @param seed the user's seed
     * @param purpose a fixed label, e.g. {@code "toy2d/moons"}
     * @return a deterministic generator
     */
    static SplittableRandom of(long seed, String purpose) {
        long h = 0xcbf29ce484222325L; // FNV-1a over the purpose's UTF-8 bytes
        for (byte b : purpose.getBytes(StandardCharsets.UTF_8)) {
            h = (h ^ (b & 0xff)) * 0x100000001b3L;
        }
        return new SplittableRandom(mix64(seed ^ mix64(h)));
    }

    /** The SplitMix64 finalizer: a bijective 64-bit mix. */
    private static long mix64(long z) {
        z = (z ^ (z >>> 30)) * 0xbf58476d1ce4e5b9L;
        z = (z ^ (z >>> 27)) * 0x94d049bb133111ebL;
        return z ^ (z >>> 31);
    }
}
