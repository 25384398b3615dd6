package dev.reflowkit.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import ai.djl.pytorch.jni.JniUtils;
import ai.djl.training.GradientCollector;
import ai.djl.training.ParameterStore;
import ai.djl.util.Pair;
import dev.reflowkit.engine.Engines;
import dev.reflowkit.loss.GeneralizedLoss;
import dev.reflowkit.loss.LossValue;
import dev.reflowkit.loss.LossWeights;
import dev.reflowkit.loss.Losses;
import dev.reflowkit.model.UNetVelocityNet;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class GradientLanesTest {

    /** One step's loss and the gradients it left, with the given lanes, from fresh zero gradients. */
    private record Step(float loss, List<float[]> grads) {}

    private static Step step(UNetVelocityNet net, NDManager m, GradientLanes lanes, float[] x, float[] target,
            float[] times, int[] labels, GeneralizedLoss loss) {
        Engine engine = Engines.engine();
        List<NDArray> weights = new ArrayList<>();
        for (Pair<String, Parameter> p : net.getParameters()) {
            weights.add(p.getValue().getArray());
        }
        try (NDManager sub = m.newSubManager(); NDScope scope = new NDScope()) {
            scope.suppressNotUsedWarning();
            int n = times.length;
            Shape shape = new Shape(n, 1, 8, 8);
            NDArray t = sub.create(times);
            NDList input = new NDList(sub.create(x, shape), t, sub.create(labels));
            LossValue value;
            try (GradientCollector gc = engine.newGradientCollector()) {
                gc.zeroGradients();
                value = lanes.compute(gc, net, new ParameterStore(sub, false), input, sub.create(target, shape), t,
                        loss, 99L);
            }
            List<float[]> grads = new ArrayList<>();
            for (NDArray w : weights) {
                try (NDArray g = w.getGradient()) {
                    grads.add(g.toFloatArray());
                }
            }
            return new Step(value.objective().getFloat(), grads);
        }
    }

    @Test
    void lanesGiveTheWholeBatchsLossAndGradientWithItsDropoutMasks() {
        int n = 10;
        SplittableRandom r = new SplittableRandom(5);
        float[] x = new float[n * 64];
        float[] target = new float[n * 64];
        for (int i = 0; i < x.length; i++) {
            x[i] = (float) r.nextGaussian();
            target[i] = (float) r.nextGaussian();
        }
        float[] times = new float[n];
        int[] labels = new int[n];
        for (int i = 0; i < n; i++) {
            times[i] = (float) r.nextDouble();
            labels[i] = i % 4;
        }
        // Weights without state: each lane evaluates its part of the loss (a stateful weight, whose
        // lanes meet for the loss on the whole batch: FlowTrainerTest).
        for (String weight : List.of("constant", "per-sample")) {
            GeneralizedLoss loss = GeneralizedLoss.builder().setLoss(Losses.byName("mse", Map.of()))
                    .optWeight(LossWeights.byName(weight)).build();
            checkLanes(weight, x, target, times, labels, loss);
        }
    }

    private static void checkLanes(String what, float[] x, float[] target, float[] times, int[] labels,
            GeneralizedLoss loss) {
        boolean gradMode = JniUtils.isGradMode();
        try (NDManager m = Engines.newManager();
                GradientLanes one = GradientLanes.of(1);
                GradientLanes two = GradientLanes.of(2);
                GradientLanes three = GradientLanes.of(3)) {
            Engines.engine().setRandomSeed(1);
            UNetVelocityNet net = UNetVelocityNet.builder().setSampleShape(1, 8, 8).optChannels(8).optGroups(4)
                    .optChannelMult(1, 2).optDropout(0.3f).optZeroInit(false).optTimeEmbedding(8, 1000f)
                    .optClasses(4).build();
            net.initialize(m, DataType.FLOAT32, new Shape(1, 1, 8, 8), new Shape(1));

            Step a = step(net, m, one, x, target, times, labels, loss);
            Step b = step(net, m, two, x, target, times, labels, loss);
            Step c = step(net, m, three, x, target, times, labels, loss); // 3 + 3 + 4 samples
            Step again = step(net, m, two, x, target, times, labels, loss);
            // with other dropout masks the loss moves by far more than rounding
            assertEquals(a.loss(), b.loss(), 1e-5 * Math.abs(a.loss()), what + ", two lanes: the whole batch's loss");
            assertEquals(a.loss(), c.loss(), 1e-5 * Math.abs(a.loss()), what + ", three lanes");
            double worst = 0;
            for (int i = 0; i < a.grads().size(); i++) {
                worst = Math.max(worst, relative(a.grads().get(i), b.grads().get(i)));
                worst = Math.max(worst, relative(a.grads().get(i), c.grads().get(i)));
                assertArrayEquals(b.grads().get(i), again.grads().get(i), "the same lanes: the same gradient, bit for bit");
            }
            assertTrue(worst < 1e-4, what + ": gradients agree to rounding, worst relative difference " + worst);
            assertEquals(gradMode, JniUtils.isGradMode(), "the caller's grad mode is left as it was");
        }
    }

    private static double relative(float[] want, float[] got) {
        double diff = 0;
        double norm = 0;
        for (int i = 0; i < want.length; i++) {
            diff = Math.max(diff, Math.abs(want[i] - got[i]));
            norm = Math.max(norm, Math.abs(want[i]));
        }
        return norm == 0 ? diff : diff / norm;
    }

    @Test
    void laneCountsAreChecked() {
        assertThrows(IllegalArgumentException.class, () -> GradientLanes.of(0));
        assertTrue(GradientLanes.automatic() >= 1);
    }
}
