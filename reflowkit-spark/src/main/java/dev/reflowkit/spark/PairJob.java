package dev.reflowkit.spark;

import dev.reflowkit.config.Config;
import dev.reflowkit.pairs.PairDirection;
import dev.reflowkit.pairs.PairGeneration;
import java.io.Serializable;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * What a distributed pair-generation run makes: the same inputs as {@code reflow pairs}, plus the
 * number of Spark partitions. Serializable, so it travels to the executors, where
 * {@link #generation(Path)} rebuilds the identical {@link PairGeneration} around a local copy of
 * the teacher.
 */
public final class PairJob implements Serializable {

    private static final long serialVersionUID = 1L;

    private final String teacher;
    private final String store;
    private final PairDirection direction;
    private final Integer count;
    private final Long seed;
    private final List<String> overrides;
    private final int partitions;
    private final int shardsPerTask;

    private PairJob(Builder b) {
        this.teacher = b.teacher;
        this.store = b.store;
        this.direction = b.direction;
        this.count = b.count;
        this.seed = b.seed;
        this.overrides = List.copyOf(b.overrides);
        this.partitions = b.partitions;
        this.shardsPerTask = b.shardsPerTask;
    }

    /**
     * A new builder; {@code setTeacher}, {@code setStore} and {@code setDirection} are required.
     *
     * @return the builder
     */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * The teacher checkpoint as the driver sees it.
     *
     * @return the path
     */
    public Path teacher() {
        return Path.of(teacher);
    }

    /**
     * The pair store directory, on a file system every executor sees at the same path.
     *
     * @return the path
     */
    public Path store() {
        return Path.of(store);
    }

    /**
     * The number of Spark partitions (tasks) of a wave; 0 for the default parallelism.
     *
     * @return the partition count
     */
    public int partitions() {
        return partitions;
    }

    /**
     * How many shards one task generates per wave (the teacher is loaded once per task).
     *
     * @return shards per task
     */
    public int shardsPerTask() {
        return shardsPerTask;
    }

    /**
     * The pair generation this job describes, reading the teacher from a given file: the teacher's
     * stored configuration with the job's {@code pairs.*}/{@code sample.*} overrides, as
     * {@code reflow pairs} builds it.
     *
     * @param teacherFile the teacher checkpoint (the driver's, or an executor's local copy)
     * @return the generation
     * @throws dev.reflowkit.train.CheckpointException if the teacher cannot be read or its
     *     configuration is invalid
     */
    public PairGeneration generation(Path teacherFile) {
        Config c = PairGeneration.teacherConfig(teacherFile, overrides);
        PairGeneration.Builder b = PairGeneration.builder().setTeacher(teacherFile).setDirection(direction).optConfig(c);
        if (count != null) {
            b.optCount(count);
        }
        if (seed != null) {
            b.optSeed(seed);
        }
        return b.build();
    }

    /** The builder of {@link PairJob}. */
    public static final class Builder {
        private String teacher;
        private String store;
        private PairDirection direction;
        private Integer count;
        private Long seed;
        private final List<String> overrides = new ArrayList<>();
        private int partitions;
        private int shardsPerTask = 4;

        private Builder() {}

        /**
         * Sets the teacher checkpoint (read by the driver, broadcast to the executors).
         *
         * @param checkpoint the {@code model.ckpt}
         * @return this builder
         */
        public Builder setTeacher(Path checkpoint) {
            this.teacher = checkpoint.toAbsolutePath().toString();
            return this;
        }

        /**
         * Sets the pair store directory: a path every executor sees (local disk in local mode, a
         * shared file system such as NFS on a cluster).
         *
         * @param dir the store directory
         * @return this builder
         */
        public Builder setStore(Path dir) {
            this.store = dir.toAbsolutePath().toString();
            return this;
        }

        /**
         * Sets the pair direction.
         *
         * @param direction backward, forward or projected
         * @return this builder
         */
        public Builder setDirection(PairDirection direction) {
            this.direction = direction;
            return this;
        }

        /**
         * Sets the pair count (default: the configuration's, as for {@code reflow pairs}).
         *
         * @param count at least 1
         * @return this builder
         */
        public Builder optCount(int count) {
            if (count < 1) {
                throw new IllegalArgumentException("the pair count must be >= 1, got " + count);
            }
            this.count = count;
            return this;
        }

        /**
         * Sets the pair seed (default: the configuration's).
         *
         * @param seed the seed
         * @return this builder
         */
        public Builder optSeed(long seed) {
            this.seed = seed;
            return this;
        }

        /**
         * Adds a {@code pairs.*} or {@code sample.*} override, e.g. {@code pairs.nfe=63}.
         *
         * @param keyValue the override
         * @return this builder
         * @throws IllegalArgumentException for any other key
         */
        public Builder addOverride(String keyValue) {
            if (!keyValue.startsWith("pairs.") && !keyValue.startsWith("sample.")) {
                throw new IllegalArgumentException("pairs accepts only pairs.* and sample.* overrides, got " + keyValue);
            }
            overrides.add(keyValue);
            return this;
        }

        /**
         * Sets the number of partitions (tasks) per wave (default 0: the default parallelism).
         *
         * @param partitions at least 0
         * @return this builder
         */
        public Builder optPartitions(int partitions) {
            if (partitions < 0) {
                throw new IllegalArgumentException("partitions must be >= 0, got " + partitions);
            }
            this.partitions = partitions;
            return this;
        }

        /**
         * Sets how many shards each task of a wave generates (default 4): more loads the teacher
         * less often, fewer loses less work when a job dies.
         *
         * @param n at least 1
         * @return this builder
         */
        public Builder optShardsPerTask(int n) {
            if (n < 1) {
                throw new IllegalArgumentException("shards per task must be >= 1, got " + n);
            }
            this.shardsPerTask = n;
            return this;
        }

        /**
         * Builds the job.
         *
         * @return the job
         * @throws IllegalArgumentException if a required setting is missing
         */
        public PairJob build() {
            if (teacher == null || store == null || direction == null) {
                throw new IllegalArgumentException("a pair job needs a teacher, a store and a direction");
            }
            return new PairJob(this);
        }
    }
}
