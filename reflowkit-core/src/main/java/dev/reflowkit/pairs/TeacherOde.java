package dev.reflowkit.pairs;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import dev.reflowkit.field.ConditionalField;
import dev.reflowkit.field.CostedField;
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
    private final ConditionalField conditional;
    private final double guidance;
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
        this(field, null, 1.0, plan, batchSize, sampleShape);
    }

    private TeacherOde(VelocityField field, ConditionalField conditional, double guidance, SamplerPlan plan,
            int batchSize, long[] sampleShape) {
        this.field = field;
        this.conditional = conditional;
        this.guidance = guidance;
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
    /**
     * The same ODE for a class-conditional teacher: each pair integrates the field of its class,
     * with classifier-free guidance weight {@code guidance} (1: the conditional field alone).
     *
     * @param field the teacher's class-conditional field
     * @param guidance the guidance weight
     * @return the conditional ODE
     */
    TeacherOde conditional(ConditionalField field, double guidance) {
        return new TeacherOde(this.field, field, guidance, plan, batchSize, sampleShape);
    }

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
    Result integrate(float[] start, int[] labels, int firstIndex, NDManager manager) {
        if ((conditional != null) != (labels != null)) {
            throw new IllegalArgumentException(conditional != null ? "a class-conditional teacher's pairs need labels"
                    : "labels given to an unconditional teacher's ODE");
        }
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
                VelocityField f = field;
                if (conditional != null) {
                    NDArray y = sub.create(java.util.Arrays.copyOfRange(labels, b, b + m));
                    f = new LabeledField(conditional, y, guidance);
                }
                SampleResult r = plan.solver().solve(f, x, plan.grid(), false, StepCallback.NONE);
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

    /**
     * A class-conditional field at fixed per-sample labels, with classifier-free guidance: {@code
     * v = v(x, t, null) + w (v(x, t, y) - v(x, t, null))}, costing 2 network evaluations per call
     * unless {@code w = 1}.
     */
    private record LabeledField(ConditionalField model, NDArray labels, double weight) implements CostedField {
        @Override
        public NDArray velocity(NDArray x, NDArray t) {
            NDArray vc = model.velocity(x, t, labels);
            if (weight == 1) {
                return vc;
            }
            NDArray vu = model.velocity(x, t);
            return vu.add(vc.sub(vu).mul(x.getManager().create((float) weight)));
        }

        @Override
        public int evaluationsPerCall() {
            return weight == 1 ? 1 : 2;
        }
    }
}
