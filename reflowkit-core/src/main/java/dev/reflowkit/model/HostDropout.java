package dev.reflowkit.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.util.SplittableRandom;

/**
 * Inverted dropout whose Bernoulli mask is drawn on the host: {@code y = x * m / (1 - p)} with
 * {@code m} 0 with probability {@code p} and 1 otherwise, independently per element.
 *
 * <p>PyTorch draws a dropout mask on the CPU with one serial Mersenne-Twister call per element
 * (about 15 ns each on our machines, measured in docs/PERFORMANCE.md: 8 ms for a 64x32x16x16
 * activation). Here the engine's generator draws one 64-bit seed per call, so masks follow
 * {@code Engine.setRandomSeed} as before and a resumed run draws the same masks, and a
 * {@link SplittableRandom} of that seed fills the mask, already scaled by {@code 1 / (1 - p)}, in a
 * tight loop (two elements per 64-bit draw, each kept when its 24-bit uniform is at least
 * {@code p * 2^24}), straight into a reused direct buffer. The engine copies the mask into its
 * own memory (autograd keeps it for the backward pass), and it multiplies {@code x} as a tensor
 * operand, so the gradient is {@code g * m / (1 - p)}.
 */
public final class HostDropout {

    private static final double TWO_24 = 1 << 24;
    private static final ThreadLocal<Scratch> SCRATCH = ThreadLocal.withInitial(Scratch::new);

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
        long seed;
        try (NDArray s = manager.randomInteger(Long.MIN_VALUE, Long.MAX_VALUE, new Shape(1), DataType.INT64)) {
            seed = s.getLong();
        }
        // The product saves the mask for the backward pass, and scopes may close the mask's handle
        // before that: it must be engine memory, not a view of a Java buffer that GC may free.
        int n = Math.toIntExact(x.size());
        ByteBuffer buffer = SCRATCH.get().ensure(n);
        buffer.clear().limit(4 * n);
        fill(buffer.asFloatBuffer(), seed, n, rate);
        NDArray mask;
        try (NDArray view = manager.create(buffer, x.getShape(), DataType.FLOAT32)) {
            mask = view.duplicate(); // engine memory; the buffer is reused by the next call
        }
        return x.mul(mask);
    }

    /**
     * Writes the scaled mask of a seed: {@code 1 / (1 - p)} where kept, 0 where dropped, each
     * {@code nextLong()} of a {@code new SplittableRandom(seed)} deciding two elements in order
     * (bits 40-63, then bits 8-31); written straight into the buffer the engine copies from.
     *
     * @param out where to write n values, from index 0
     * @param seed the seed
     * @param n the element count
     * @param rate the drop probability p
     */
    static void fill(FloatBuffer out, long seed, int n, float rate) {
        int keep = Float.floatToRawIntBits(1f / (1f - rate));
        int threshold = (int) Math.ceil(rate * TWO_24); // keep when u24 >= threshold: P = 1 - p (to 2^-24)
        SplittableRandom random = new SplittableRandom(seed);
        int i = 0;
        for (; i + 1 < n; i += 2) {
            long bits = random.nextLong();
            out.put(i, masked(keep, (int) (bits >>> 40), threshold));
            out.put(i + 1, masked(keep, (int) ((bits >>> 8) & 0xFFFFFF), threshold));
        }
        if (i < n) {
            out.put(i, masked(keep, (int) (random.nextLong() >>> 40), threshold));
        }
    }

    /**
     * The float with bits {@code keep} when {@code u >= threshold}, else 0, without a branch: for
     * 24-bit {@code u} and {@code threshold} the sign of {@code u - threshold} makes the bit mask
     * (a ternary here mispredicts on every dropped element; the fill takes a third less time,
     * docs/PERFORMANCE.md point 9).
     */
    private static float masked(int keep, int u, int threshold) {
        return Float.intBitsToFloat(keep & ~((u - threshold) >> 31));
    }

    /** Per thread: the direct buffer of the last mask, reused (no garbage per call). */
    private static final class Scratch {
        private ByteBuffer buffer = ByteBuffer.allocateDirect(0);

        ByteBuffer ensure(int n) {
            if (buffer.capacity() < 4 * n) {
                buffer = ByteBuffer.allocateDirect(4 * n).order(ByteOrder.nativeOrder());
            }
            return buffer;
        }
    }
}
