package dev.reflowkit.pipeline;

import dev.reflowkit.data.DataSpec;
import dev.reflowkit.data.LabeledPoints;
import dev.reflowkit.data.PointSet;
import dev.reflowkit.data.Toy2d;
import dev.reflowkit.eval.EvalData;
import java.io.IOException;
import dev.reflowkit.train.StepRandom;
import java.util.SplittableRandom;

/**
 * The training and evaluation data of a point-cloud run. Built-in generators give fresh,
 * independent draws for training, every evaluation reference and every floor partner (seeds
 * derived from the run seed); a user file is shuffled once and split into a held-out part (two
 * disjoint halves: reference and floor partner) and the training rest.
 *
 * @param train the training points
 * @param eval the held-out evaluation data
 */
public record PointData(PointSet train, EvalData eval) {

    /**
     * Loads the data of a run.
     *
     * @param source the data spec ({@code 8gaussians}, {@code file:points.csv}, ...)
     * @param trainCount points to generate for a built-in set
     * @param evalCount the evaluation sample size
     * @param seed the run seed
     * @return the data
     * @throws IOException if a data file is unreadable or malformed
     */
    public static PointData load(String source, int trainCount, int evalCount, long seed) throws IOException {
        DataSpec spec = DataSpec.parse(source);
        if (spec.isBuiltin()) {
            PointSet train = spec.load(trainCount, StepRandom.derive(seed, 0, Streams.TRAIN_DATA));
            return new PointData(train, new GeneratedEval(spec, seed));
        }
        PointSet all = shuffle(spec.load(Integer.MAX_VALUE, seed), StepRandom.derive(seed, 0, Streams.DATA_SPLIT));
        int held = 2 * evalCount;
        if (all.n() <= held) {
            throw new IllegalArgumentException(spec.describe() + " has " + all.n() + " points; evaluation"
                    + " holds out 2 x eval.count = " + held + " of them and needs more for training"
                    + " (lower eval.count)");
        }
        PointSet reference = all.slice(0, evalCount);
        PointSet partner = all.slice(evalCount, held);
        return new PointData(all.slice(held, all.n()), new FileEval(spec.describe(), reference, partner));
    }

    /**
     * The class-labeled training points of a built-in data set: the same points as {@link
     * #load}'s {@code train()} for the same arguments, with their labels.
     *
     * @param source the data spec, a built-in set
     * @param trainCount points to generate
     * @param seed the run seed
     * @return the labeled training points
     * @throws IllegalArgumentException if the source is not a built-in set (files carry no labels)
     */
    public static LabeledPoints labeledTrain(String source, int trainCount, long seed) {
        DataSpec spec = DataSpec.parse(source);
        if (!spec.isBuiltin()) {
            throw new IllegalArgumentException("class labels are available only for the built-in data sets ("
                    + String.join(", ", Toy2d.NAMES) + "), not " + spec.describe());
        }
        return Toy2d.generateLabeled(spec.name().orElseThrow(), trainCount,
                StepRandom.derive(seed, 0, Streams.TRAIN_DATA));
    }

    private static PointSet shuffle(PointSet p, long seed) {
        int[] order = new int[p.n()];
        for (int i = 0; i < order.length; i++) {
            order[i] = i;
        }
        SplittableRandom rng = new SplittableRandom(seed);
        for (int i = order.length - 1; i > 0; i--) {
            int j = rng.nextInt(i + 1);
            int tmp = order[i];
            order[i] = order[j];
            order[j] = tmp;
        }
        float[] out = new float[p.data().length];
        for (int i = 0; i < order.length; i++) {
            System.arraycopy(p.data(), order[i] * p.d(), out, i * p.d(), p.d());
        }
        return new PointSet(p.n(), p.d(), out);
    }

    private record GeneratedEval(DataSpec spec, long seed) implements EvalData {
        @Override
        public PointSet reference(int repeat, int count) {
            return generate(count, StepRandom.derive(seed, repeat, Streams.EVAL_REFERENCE));
        }

        @Override
        public PointSet floorPartner(int repeat, int count) {
            return generate(count, StepRandom.derive(seed, repeat, Streams.EVAL_FLOOR));
        }

        private PointSet generate(int count, long s) {
            return Toy2d.generate(spec.name().orElseThrow(), count, s);
        }

        @Override
        public String describe() {
            return spec.describe();
        }
    }

    private record FileEval(String name, PointSet reference, PointSet partner) implements EvalData {
        @Override
        public PointSet reference(int repeat, int count) {
            return sized(reference, count);
        }

        @Override
        public PointSet floorPartner(int repeat, int count) {
            return sized(partner, count);
        }

        @Override
        public String describe() {
            return name;
        }

        private static PointSet sized(PointSet p, int count) {
            if (count > p.n()) {
                throw new IllegalArgumentException("asked for " + count + " held-out points, only " + p.n()
                        + " were held out");
            }
            return p.head(count);
        }
    }
}
