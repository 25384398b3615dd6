package dev.reflowkit.report;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import dev.reflowkit.data.PointSet;
import dev.reflowkit.field.VelocityField;
import dev.reflowkit.sampling.BatchSampler;
import dev.reflowkit.sampling.GeneratedSamples;
import dev.reflowkit.sampling.SeededNoise;
import dev.reflowkit.solver.SampleResult;
import dev.reflowkit.solver.SamplerPlan;
import dev.reflowkit.solver.StepCallback;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Fills a {@link ReportData.Builder} from models: samples and solver trajectories from per-sample
 * seeded noise ({@link SeededNoise}). Every model gets the same seeds, so trajectory {@code i} of
 * the teacher and of a ReFlow model start from the same noise, and trajectory {@code i} ends at
 * sample {@code i} of the same plan.
 *
 * <p>Point data (a one-dimensional sample shape {@code {d}}) gives scatter plots and trajectory
 * charts ({@link ReportData.Builder#addSamples}, {@link ReportData.Builder#addTrajectories}).
 * Images (a sample shape {@code {C, H, W}}) give image grids and trajectory strips instead
 * ({@link ReportData.Builder#addImages}, {@link ReportData.Builder#addImageTrajectories}), from
 * only the first {@code imageCount} samples and {@code stripCount} trajectories, since only those
 * are drawn.
 *
 * <pre>{@code
 * ReportSampler sampler = ReportSampler.builder().optSampleCount(2000).optSeed(seed).build();
 * for (int nfe : List.of(1, 2, 4, 8)) {
 *     SamplerPlan plan = Samplers.plan("heun", new UniformGrid(), nfe, 1.0, 0.0);
 *     sampler.addSamples(report, "teacher", teacher.field(), teacher.sampleShape(), plan, manager);
 * }
 * sampler.addTrajectories(report, "teacher", teacher.field(), teacher.sampleShape(), plan8, manager);
 * }</pre>
 */
public final class ReportSampler {

    private final int sampleCount;
    private final int trajectoryCount;
    private final int batchSize;
    private final long seed;
    private final int imageCount;
    private final int stripCount;

    private ReportSampler(Builder b) {
        sampleCount = b.sampleCount;
        trajectoryCount = b.trajectoryCount;
        imageCount = b.imageCount;
        stripCount = b.stripCount;
        batchSize = b.batchSize;
        seed = b.seed;
    }

    /**
     * A new builder.
     *
     * @return the builder
     */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * Samples a model with a plan and adds the samples at the plan's NFE (for an adaptive plan,
     * the measured mean NFE rounded to an integer): {@code sampleCount} points for a scatter plot,
     * or, for an image sample shape {@code {C, H, W}}, {@code min(sampleCount, imageCount)} images
     * for an image grid.
     *
     * @param report the report to fill
     * @param model the model name
     * @param field the model's velocity field
     * @param sampleShape the shape of one sample: {@code {d}} with {@code d >= 2}, or {@code {C, H, W}}
     * @param plan the sampler plan
     * @param manager a manager for sampling (per-batch sub-managers are closed)
     * @return the NFE the samples were added at
     */
    public int addSamples(ReportData.Builder report, String model, VelocityField field, long[] sampleShape,
            SamplerPlan plan, NDManager manager) {
        boolean image = isImage(sampleShape);
        int count = image ? Math.min(sampleCount, imageCount) : sampleCount;
        GeneratedSamples g = BatchSampler.generate(field, plan, count, batchSize, seed, sampleShape, manager);
        int nfe = plan.isAdaptive() ? (int) Math.max(1, Math.round(g.nfe())) : plan.nfe();
        if (image) {
            report.addImages(model, nfe, sampleShape, g.points());
        } else {
            report.addSamples(model, nfe, g.points());
        }
        return nfe;
    }

    /**
     * Integrates the first {@code trajectoryCount} noise seeds with a plan, keeping every grid
     * point, and adds the paths at the plan's NFE (for an adaptive plan, the NFE it spent); for an
     * image sample shape {@code {C, H, W}} the first {@code min(trajectoryCount, stripCount)}
     * seeds, added as image trajectories for a trajectory strip.
     *
     * @param report the report to fill
     * @param model the model name
     * @param field the model's velocity field
     * @param sampleShape the shape of one sample: {@code {d}} with {@code d >= 2}, or {@code {C, H, W}}
     * @param plan the sampler plan
     * @param manager a manager for sampling (the arrays are freed before returning)
     * @return the NFE the trajectories were added at
     */
    public int addTrajectories(ReportData.Builder report, String model, VelocityField field, long[] sampleShape,
            SamplerPlan plan, NDManager manager) {
        int perSample = perSample(sampleShape);
        boolean image = isImage(sampleShape);
        int count = image ? Math.min(trajectoryCount, stripCount) : trajectoryCount;
        long[] shape = new long[sampleShape.length + 1];
        shape[0] = count;
        System.arraycopy(sampleShape, 0, shape, 1, sampleShape.length);
        try (NDManager sub = manager.newSubManager()) {
            NDArray x = sub.create(SeededNoise.normal(seed, 0, count, perSample), new Shape(shape));
            SampleResult r = plan.sample(field, x, true, StepCallback.NONE);
            int nfe = plan.isAdaptive() ? Math.max(1, r.nfe()) : plan.nfe();
            if (image) {
                report.addImageTrajectories(model, nfe, sampleShape, toPointSets(r.trajectory()));
            } else {
                report.addTrajectories(model, nfe, toPointSets(r.trajectory()));
            }
            return nfe;
        }
    }

    /**
     * Copies a solver trajectory ({@link SampleResult#trajectory()}) into point sets, one per grid
     * point, each sample flattened to one point.
     *
     * @param trajectory the states, each of shape {@code (N, ...)}
     * @return one point set per state
     * @throws IllegalArgumentException if the trajectory is empty (it was not kept)
     */
    public static List<PointSet> toPointSets(List<NDArray> trajectory) {
        if (trajectory == null || trajectory.isEmpty()) {
            throw new IllegalArgumentException("the trajectory is empty: solve with keepTrajectory = true");
        }
        List<PointSet> out = new ArrayList<>(trajectory.size());
        for (NDArray state : trajectory) {
            long[] s = state.getShape().getShape();
            if (s.length < 2) {
                throw new IllegalArgumentException("trajectory states need shape (N, ...), got " + state.getShape());
            }
            int n = (int) s[0];
            float[] values = state.toFloatArray();
            out.add(new PointSet(n, n == 0 ? 1 : values.length / n, values));
        }
        return out;
    }

    /** Whether the samples are images; checks an image shape before any sampling is spent on it. */
    private static boolean isImage(long[] sampleShape) {
        if (!ImageShape.isImage(sampleShape)) {
            return false;
        }
        ImageShape.of(sampleShape);
        return true;
    }

    private static int perSample(long[] sampleShape) {
        int p = 1;
        for (long s : sampleShape) {
            p = Math.multiplyExact(p, (int) s);
        }
        if (p < 2) {
            throw new IllegalArgumentException("report plots need at least two values per sample, sample shape "
                    + Arrays.toString(sampleShape) + " has " + p);
        }
        return p;
    }

    /** Builds a {@link ReportSampler}; every setting is optional. */
    public static final class Builder {

        private int sampleCount = 2000;
        private int trajectoryCount = 64;
        private int batchSize = 1000;
        private long seed = 0;
        private int imageCount = 64;
        private int stripCount = 8;

        private Builder() {}

        /**
         * Sets how many samples each scatter plot gets (default 2000).
         *
         * @param count at least 1
         * @return this builder
         */
        public Builder optSampleCount(int count) {
            this.sampleCount = positive(count, "sample count");
            return this;
        }

        /**
         * Sets how many paths each trajectory chart gets (default 64).
         *
         * @param count at least 1
         * @return this builder
         */
        public Builder optTrajectoryCount(int count) {
            this.trajectoryCount = positive(count, "trajectory count");
            return this;
        }

        /**
         * Sets how many images each image grid gets (default 64), for image models only.
         *
         * @param count in [1, {@link ReportImages#MAX_GRID_IMAGES}]
         * @return this builder
         */
        public Builder optImageCount(int count) {
            this.imageCount = positive(count, "image count");
            if (count > ReportImages.MAX_GRID_IMAGES) {
                throw new IllegalArgumentException("image count must be <= " + ReportImages.MAX_GRID_IMAGES
                        + " (the most a grid shows), got " + count);
            }
            return this;
        }

        /**
         * Sets how many samples (rows) each trajectory strip gets (default 8), for image models only.
         *
         * @param count in [1, {@link ReportImages#MAX_STRIP_SAMPLES}]
         * @return this builder
         */
        public Builder optStripCount(int count) {
            this.stripCount = positive(count, "strip count");
            if (count > ReportImages.MAX_STRIP_SAMPLES) {
                throw new IllegalArgumentException("strip count must be <= " + ReportImages.MAX_STRIP_SAMPLES
                        + " (the most a strip shows), got " + count);
            }
            return this;
        }

        /**
         * Sets the sampling batch size (default 1000).
         *
         * @param size at least 1
         * @return this builder
         */
        public Builder optBatchSize(int size) {
            this.batchSize = positive(size, "batch size");
            return this;
        }

        /**
         * Sets the noise seed shared by every model (default 0).
         *
         * @param seed the seed
         * @return this builder
         */
        public Builder optSeed(long seed) {
            this.seed = seed;
            return this;
        }

        /**
         * Builds the sampler.
         *
         * @return the sampler
         */
        public ReportSampler build() {
            return new ReportSampler(this);
        }

        private static int positive(int v, String what) {
            if (v < 1) {
                throw new IllegalArgumentException(what + " must be >= 1, got " + v);
            }
            return v;
        }
    }
}
