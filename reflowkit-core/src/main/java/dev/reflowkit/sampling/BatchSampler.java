package dev.reflowkit.sampling;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import dev.reflowkit.field.VelocityField;
import dev.reflowkit.solver.SampleResult;
import dev.reflowkit.solver.SamplerPlan;

/**
 * Generates samples in batches: per-sample seeded noise at t = 1 ({@link SeededNoise}), integrated
 * to t = 0 with a {@link SamplerPlan}. Each batch runs in its own sub-manager, so memory is bounded
 * by the batch size whatever the count. A non-finite sample stops generation with a clear error
 * instead of being returned as data. An optional {@link BatchObserver} sees each batch's noise, solver
 * steps and result (e.g. to measure trajectories). The reported NFE counts network evaluations, as
 * the solvers do: a guided evaluation counts both networks.
 */
public final class BatchSampler {

    private BatchSampler() {}

    /**
     * Generates samples.
     *
     * @param field the velocity field
     * @param plan the solver, grid and NFE
     * @param count how many samples
     * @param batchSize samples per batch
     * @param seed the noise seed (sample i uses noise i of this seed)
     * @param sampleShape the shape of one sample
     * @param manager a manager for the batches' sub-managers
     * @return the samples and their cost
     * @throws SamplerDivergedException if a sample is NaN or infinite
     */
    public static GeneratedSamples generate(VelocityField field, SamplerPlan plan, int count, int batchSize,
            long seed, long[] sampleShape, NDManager manager) {
        return generate(field, plan, count, batchSize, seed, sampleShape, manager, BatchObserver.NONE);
    }

    /**
     * Generates samples, showing each batch's noise, solver steps and result to an observer.
     *
     * @param field the velocity field
     * @param plan the solver, grid and NFE
     * @param count how many samples
     * @param batchSize samples per batch
     * @param seed the noise seed (sample i uses noise i of this seed)
     * @param sampleShape the shape of one sample
     * @param manager a manager for the batches' sub-managers
     * @param observer sees every batch (its time counts in the reported seconds)
     * @return the samples and their cost; the NFE counts network evaluations (a guided call
     *     counts both networks)
     * @throws SamplerDivergedException if a sample is NaN or infinite
     */
    public static GeneratedSamples generate(VelocityField field, SamplerPlan plan, int count, int batchSize,
            long seed, long[] sampleShape, NDManager manager, BatchObserver observer) {
        if (observer == null) {
            throw new IllegalArgumentException("batch observer must not be null; use BatchObserver.NONE");
        }
        return generate(field, plan, 0, count, batchSize, seed, sampleShape, manager, observer);
    }

    /**
     * Generates samples {@code first} to {@code first + count - 1} of a seed, e.g. one partition
     * of a distributed evaluation. With {@code first} a multiple of {@code batchSize} every batch
     * holds the same samples as in one {@link #generate} of all of them, so the values are the
     * same bits.
     *
     * @param field the velocity field
     * @param plan the solver, grid and NFE
     * @param first the index of the first sample
     * @param count how many samples
     * @param batchSize samples per batch
     * @param seed the noise seed (sample i uses noise i of this seed)
     * @param sampleShape the shape of one sample
     * @param manager a manager for the batches' sub-managers
     * @return the samples (the first is sample {@code first}) and their cost
     * @throws SamplerDivergedException if a sample is NaN or infinite
     */
    public static GeneratedSamples generateRange(VelocityField field, SamplerPlan plan, int first, int count,
            int batchSize, long seed, long[] sampleShape, NDManager manager) {
        if (first < 0) {
            throw new IllegalArgumentException("the first sample index must be >= 0, got " + first);
        }
        return generate(field, plan, first, count, batchSize, seed, sampleShape, manager, BatchObserver.NONE);
    }

    private static GeneratedSamples generate(VelocityField field, SamplerPlan plan, int offset, int count,
            int batchSize, long seed, long[] sampleShape, NDManager manager, BatchObserver observer) {
        int perSample = 1;
        for (long s : sampleShape) {
            perSample = Math.multiplyExact(perSample, (int) s);
        }
        float[] out = new float[Math.multiplyExact(count, perSample)];
        long nfeTotal = 0;
        long t0 = System.nanoTime();
        for (int first = 0; first < count; first += batchSize) {
            int n = Math.min(batchSize, count - first);
            long[] shape = new long[sampleShape.length + 1];
            shape[0] = n;
            System.arraycopy(sampleShape, 0, shape, 1, sampleShape.length);
            try (NDManager sub = manager.newSubManager()) {
                NDArray x = sub.create(SeededNoise.normal(seed, offset + first, n, perSample), new Shape(shape));
                double[] grid = plan.grid();
                observer.startBatch(first, grid[0], x);
                SampleResult r = plan.solver().solve(field, x, grid, false, observer);
                float[] values = r.x().toFloatArray();
                for (int k = 0; k < values.length; k++) {
                    if (!Float.isFinite(values[k])) {
                        throw new SamplerDivergedException("sampler diverged: sample " + (offset + first + k / perSample)
                                + " is " + values[k] + " (" + plan.solver().name() + ", NFE " + r.nfe()
                                + "); nothing was written");
                    }
                }
                observer.endBatch(first, r.x());
                System.arraycopy(values, 0, out, first * perSample, values.length);
                nfeTotal += (long) r.nfe() * n;
            }
        }
        double seconds = (System.nanoTime() - t0) / 1e9;
        return new GeneratedSamples(out, count, sampleShape.clone(), nfeTotal / (double) Math.max(count, 1), seconds);
    }
}
