package dev.reflowkit.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.IntBuffer;
import java.util.SplittableRandom;
import java.util.function.Supplier;

/**
 * Inverted dropout whose Bernoulli mask is drawn on the host: {@code y = x * m / (1 - p)} with
 * {@code m} 0 with probability {@code p} and 1 otherwise, independently per element.
 *
 * <p>PyTorch draws a dropout mask on the CPU with one serial Mersenne-Twister call per element
 * (about 15 ns each on our machines, measured in docs/PERFORMANCE.md: 8 ms for a 64x32x16x16
 * activation). Here the engine's generator draws one 64-bit seed per call, so masks follow
 * {@code Engine.setRandomSeed} as before and a resumed run draws the same masks, and element
 * {@code i} of the mask is a counter-based hash of the seed and {@code i}: with {@code lo} and
 * {@code hi} the seed's low and high 32 bits and all arithmetic modulo 2^32,
 * <pre>
 * h_i = mix(mix(i * 0x9E3779B9 + lo) ^ hi)
 * mix(z): z ^= z >>> 16; z *= 0x21F0AAAD; z ^= z >>> 15; z *= 0x735A2D97; z ^= z >>> 15
 * m_i = 1 if (h_i >>> 8) >= p * 2^24, else 0
 * </pre>
 * ({@code mix} is a bijective 32-bit integer hash with low bias; the golden-ratio multiplier
 * spreads neighbouring counters). Every element is independent of the others' computation, so the
 * fill runs as a vectorizable loop over blocks of 4096 elements (three to five times as fast as the
 * serial {@link java.util.SplittableRandom} draws it replaced, docs/PERFORMANCE.md), the scaled
 * mask written straight into a reused direct buffer. The engine copies the mask into its own
 * memory (autograd keeps it for the backward pass), and it multiplies {@code x} as a tensor
 * operand, so the gradient is {@code g * m / (1 - p)}.
 *
 * <p>Inside {@link #withStream} the seeds come from the stream instead of the engine: call
 * {@code j} of the body uses the {@code j}-th {@code nextLong()} of a {@link SplittableRandom}
 * seeded with the stream's seed, and element {@code i} of an input of {@code N} samples of
 * {@code D} elements gets counter {@code first * D + i}: the mask the whole batch would get where
 * these {@code N} samples start at its sample {@code first}. A training step split into lanes (the
 * trainer's {@code GradientLanes}) so draws the same masks as the unsplit step.
 */
public final class HostDropout {

    private static final double TWO_24 = 1 << 24;
    private static final int BLOCK = 4096;
    private static final int PHI = 0x9E3779B9;
    /** {@code j * PHI} for {@code j < BLOCK}: the counters of a block, indexed like its output. */
    private static final int[] COUNTERS = new int[BLOCK];
    private static final ThreadLocal<Scratch> SCRATCH = ThreadLocal.withInitial(Scratch::new);
    private static final ThreadLocal<Stream> STREAM = new ThreadLocal<>();

    static {
        for (int j = 0; j < BLOCK; j++) {
            COUNTERS[j] = j * PHI;
        }
    }

    private HostDropout() {}

    /**
     * Applies dropout.
     *
     * @param x the input
     * @param rate the drop probability p, in [0, 1)
     * @param training false returns {@code x} unchanged
     * @return the result (x itself when not training or p = 0)
     */
    public static NDArray apply(NDArray x, float rate, boolean training) {
        if (!(rate >= 0f && rate < 1f)) {
            throw new IllegalArgumentException("dropout rate must be in [0, 1), got " + rate);
        }
        if (!training || rate == 0f) {
            return x;
        }
        NDManager manager = x.getManager();
        Stream stream = STREAM.get();
        long seed;
        int first = 0;
        if (stream != null) {
            seed = stream.next();
            first = Math.toIntExact(stream.first * (x.size() / x.getShape().get(0)));
        } else {
            try (NDArray s = manager.randomInteger(Long.MIN_VALUE, Long.MAX_VALUE, new Shape(1), DataType.INT64)) {
                seed = s.getLong();
            }
        }
        // The product saves the mask for the backward pass, and scopes may close the mask's handle
        // before that: it must be engine memory, not a view of a Java buffer that GC may free.
        int n = Math.toIntExact(x.size());
        ByteBuffer buffer = SCRATCH.get().ensure(n);
        buffer.clear().limit(4 * n);
        fill(buffer.asIntBuffer(), seed, first, n, rate);
        NDArray mask;
        try (NDArray view = manager.create(buffer, x.getShape(), DataType.FLOAT32)) {
            mask = view.duplicate(); // engine memory; the buffer is reused by the next call
        }
        return x.mul(mask);
    }

    /**
     * Runs {@code body} with the masks of its dropout calls on this thread drawn from a stream (class
     * comment): the same stream seed gives the same masks, and samples {@code first, first + 1, ...}
     * of a batch get the masks the whole batch's would have there.
     *
     * @param seed the stream's seed
     * @param first the index in the whole batch of the body's first sample
     * @param body the forward pass
     * @param <T> its result type
     * @return its result
     */
    public static <T> T withStream(long seed, long first, Supplier<T> body) {
        Stream previous = STREAM.get();
        STREAM.set(new Stream(seed, first));
        try {
            return body.get();
        } finally {
            STREAM.set(previous);
        }
    }

    /** Writes the scaled mask of a seed for counters {@code 0 .. n - 1} (see the other overload). */
    static void fill(IntBuffer out, long seed, int n, float rate) {
        fill(out, seed, 0, n, rate);
    }

    /**
     * Writes the scaled mask of a seed as float bits: {@code 1 / (1 - p)} where kept, 0 where
     * dropped, element {@code i} decided by the hash {@code h_i} of the class comment; block by
     * block, straight into the buffer the engine copies from.
     *
     * @param out where to write n float bit patterns, from index 0
     * @param seed the seed
     * @param first the counter of the first element written
     * @param n the element count
     * @param rate the drop probability p
     */
    static void fill(IntBuffer out, long seed, int first, int n, float rate) {
        int keep = Float.floatToRawIntBits(1f / (1f - rate));
        int threshold = (int) Math.ceil(rate * TWO_24); // keep when u24 >= threshold: P = 1 - p (to 2^-24)
        int[] block = SCRATCH.get().block;
        for (int base = 0; base < n; base += BLOCK) {
            maskBlock(block, (first + base) * PHI + (int) seed, (int) (seed >>> 32), keep, threshold);
            out.put(base, block, 0, Math.min(BLOCK, n - base));
        }
    }

    /**
     * One block of the mask: {@code block[j]} for the element at counter {@code base + j}, given
     * {@code offset = base * PHI + lo}. A loop C2 vectorizes (every array indexed by {@code j}).
     * The select has no branch: for 24-bit {@code u} and {@code threshold} the sign of
     * {@code u - threshold} makes the bit mask (a ternary mispredicts on every dropped element,
     * docs/PERFORMANCE.md point 9).
     */
    private static void maskBlock(int[] block, int offset, int hi, int keep, int threshold) {
        int[] counters = COUNTERS;
        for (int j = 0; j < BLOCK; j++) {
            int h = mix(mix(counters[j] + offset) ^ hi);
            block[j] = keep & ~(((h >>> 8) - threshold) >> 31);
        }
    }

    /** The 32-bit integer hash {@code mix} of the class comment (bijective). */
    private static int mix(int z) {
        z ^= z >>> 16;
        z *= 0x21F0AAAD;
        z ^= z >>> 15;
        z *= 0x735A2D97;
        return z ^ (z >>> 15);
    }

    /** The seeds of one {@link #withStream} body and where its samples start in the batch. */
    private static final class Stream {
        private final SplittableRandom seeds;
        private final long first;

        Stream(long seed, long first) {
            this.seeds = new SplittableRandom(seed);
            this.first = first;
        }

        long next() {
            return seeds.nextLong();
        }
    }

    /** Per thread: the direct buffer of the last mask and a block, reused (no garbage per call). */
    private static final class Scratch {
        private ByteBuffer buffer = ByteBuffer.allocateDirect(0);
        private final int[] block = new int[BLOCK];

        ByteBuffer ensure(int n) {
            if (buffer.capacity() < 4 * n) {
                buffer = ByteBuffer.allocateDirect(4 * n).order(ByteOrder.nativeOrder());
            }
            return buffer;
        }
    }
}
