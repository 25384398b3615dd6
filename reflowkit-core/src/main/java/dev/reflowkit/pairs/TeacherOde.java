package dev.reflowkit.pairs;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import dev.reflowkit.field.VelocityField;
import dev.reflowkit.sampling.SamplerDivergedException;
import dev.reflowkit.solver.SampleResult;
import dev.reflowkit.solver.SamplerPlan;
import dev.reflowkit.solver.StepCallback;

/**
 * The teacher's ODE over a fixed direction: integrates flat sample-major start points in batches
 * of a fixed size, each batch in its own sub-manager, so memory is bounded by the batch size.
 * Batches start at the first index handed in, so the same range always splits the same way
 * (results do not depend on which thread runs it). The field is only read, so one instance may
 * be shared by several threads.
 */
final class TeacherOde {

    private final VelocityField field;
    private final SamplerPlan plan;
    private final int batchSize;
    private final long[] sampleShape;
    private final int sampleSize;

    /**
     * Binds the teacher to a plan.
     *
     * @param field the teacher's velocity field
     * @param plan the solver and grid (1 -> 0 for backward, 0 -> 1 for forward)
     * @param batchSize samples per batch
     * @param sampleShape the shape of one sample
     */
    TeacherOde(VelocityField field, SamplerPlan plan, int batchSize, long[] sampleShape) {
        this.field = field;
        this.plan = plan;
        this.batchSize = batchSize;
        this.sampleShape = sampleShape.clone();
        long n = 1;
        for (long s : sampleShape) {
            n *= s;
        }
        this.sampleSize = Math.toIntExact(n);
    }

    /**
     * The number of values in one sample.
     *
     * @return the product of the sample shape
     */
    int sampleSize() {
        return sampleSize;
    }

    /**
     * Integrates samples.
     *
     * @param start the start points, {@code n * sampleSize} values
     * @param firstIndex the global index of the first sample (for messages)
     * @param manager the worker's manager; every batch runs in a sub-manager of it
     * @return the end points and the NFE per sample spent
     * @throws SamplerDivergedException if an end point is NaN or infinite
     */
    Result integrate(float[] start, int firstIndex, NDManager manager) {
        int n = start.length / sampleSize;
        float[] out = new float[start.length];
        long nfe = 0;
        for (int b = 0; b < n; b += batchSize) {
            int m = Math.min(batchSize, n - b);
            long[] shape = new long[sampleShape.length + 1];
            shape[0] = m;
            System.arraycopy(sampleShape, 0, shape, 1, sampleShape.length);
            float[] chunk = new float[m * sampleSize];
            System.arraycopy(start, b * sampleSize, chunk, 0, chunk.length);
            try (NDManager sub = manager.newSubManager()) {
                NDArray x = sub.create(chunk, new Shape(shape));
                SampleResult r = plan.solver().solve(field, x, plan.grid(), false, StepCallback.NONE);
                float[] values = r.x().toFloatArray();
                for (int k = 0; k < values.length; k++) {
                    if (!Float.isFinite(values[k])) {
                        throw new SamplerDivergedException("teacher ODE diverged: pair " + (firstIndex + b + k / sampleSize)
                                + " is " + values[k] + " (" + plan.solver().name() + ", NFE " + r.nfe()
                                + "); the shard was not written");
                    }
                }
                System.arraycopy(values, 0, out, b * sampleSize, values.length);
                nfe += (long) r.nfe() * m;
            }
        }
        return new Result(out, nfe / (double) Math.max(n, 1));
    }

    /**
     * Integrated end points.
     *
     * @param end the end points
     * @param nfe mean network evaluations per sample
     */
    record Result(float[] end, double nfe) {}
}
