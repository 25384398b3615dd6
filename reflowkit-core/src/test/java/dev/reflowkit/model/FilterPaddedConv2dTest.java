package dev.reflowkit.model;

import static org.junit.jupiter.api.Assertions.assertEquals;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.convolutional.Conv2d;
import ai.djl.training.GradientCollector;
import ai.djl.training.ParameterStore;
import dev.reflowkit.engine.Engines;
import org.junit.jupiter.api.Test;

/**
 * The filter-padded convolution: the same values and gradients as a plain one, and finite input
 * gradients where oneDNN's narrow-output backward pass turns some of them into NaN.
 */
class FilterPaddedConv2dTest {

    /**
     * Values, input and weight gradients against the same convolution in float64 (which PyTorch
     * computes without oneDNN), for narrow, wide and partly filled channel blocks.
     */
    @Test
    void gradientsMatchFloat64DirectionalDerivatives() {
        int[] ins = {1, 3, 8, 16, 20, 24, 40, 48};
        int[] outs = {1, 3, 8, 16, 24};
        try (NDManager m = Engines.newManager()) {
            Engines.engine().setRandomSeed(5);
            for (int k = 0; k < ins.length * outs.length * 2; k++) {
                int[] c = {ins[k % ins.length], outs[k / ins.length % outs.length]};
                boolean oneByOne = k >= ins.length * outs.length;
                Conv2d conv = oneByOne ? Convs.conv1x1(c[1]) : Convs.conv3x3(c[1], 1);
                Shape in = new Shape(3, c[0], 8, 8);
                conv.initialize(m, DataType.FLOAT32, in);
                NDArray w = conv.getParameters().get("weight").getArray();
                NDArray x = m.randomNormal(in);
                NDArray r = m.randomNormal(new Shape(3, c[1], 8, 8));
                NDArray dx = m.randomNormal(in);
                NDArray dw = m.randomNormal(w.getShape());
                x.setRequiresGradient(true);
                try (GradientCollector gc = Engines.engine().newGradientCollector()) {
                    gc.zeroGradients();
                    NDArray y = conv.forward(new ParameterStore(m, false), new NDList(x), true).singletonOrThrow();
                    gc.backward(y.mul(r).sum());
                }
                double analyticX = dot(x.getGradient(), dx);
                double analyticW = dot(w.getGradient(), dw);
                // the objective is linear in x and in w: one float64 difference is exact
                NDArray x64 = x.stopGradient().toType(DataType.FLOAT64, false);
                NDArray w64 = w.stopGradient().toType(DataType.FLOAT64, false);
                NDArray r64 = r.toType(DataType.FLOAT64, false);
                int pad = oneByOne ? 0 : 1;
                double base = objective64(x64, w64, r64, pad);
                double inference = conv.forward(new ParameterStore(m, false), new NDList(x.stopGradient()), false)
                        .singletonOrThrow().toType(DataType.FLOAT64, false).mul(r64).sum().getDouble();
                double numericX = objective64(x64.add(dx.toType(DataType.FLOAT64, false)), w64, r64, pad) - base;
                double numericW = objective64(x64, w64.add(dw.toType(DataType.FLOAT64, false)), r64, pad) - base;
                String what = c[0] + " -> " + c[1] + " channels, " + (oneByOne ? "1x1" : "3x3");
                assertEquals(base, inference, 1e-4 * (1 + Math.abs(base)), "inference forward, " + what);
                assertEquals(numericX, analyticX, 1e-4 * (1 + Math.abs(numericX)), "input gradient, " + what);
                assertEquals(numericW, analyticW, 1e-4 * (1 + Math.abs(numericW)), "weight gradient, " + what);
            }
        }
    }

    private static double objective64(NDArray x, NDArray w, NDArray r, int pad) {
        NDArray y = Conv2d.conv2d(x, w, null, new Shape(1, 1), new Shape(pad, pad), new Shape(1, 1), 1)
                .singletonOrThrow();
        return y.mul(r).sum().getDouble();
    }

    private static double dot(NDArray a, NDArray b) {
        return a.toType(DataType.FLOAT64, false).mul(b.toType(DataType.FLOAT64, false)).sum().getDouble();
    }

    @Test
    void narrowOutputsGiveFiniteInputGradients() {
        // 16 -> 1 channels on 64x16x16x16: a plain convolution gave a NaN input gradient in 2-8 of
        // 200 passes on an AVX-512 machine, so 300 passes catch the bug with probability > 0.95.
        try (NDManager m = Engines.newManager()) {
            Conv2d conv = Convs.conv3x3(1, 1);
            Shape in = new Shape(64, 16, 16, 16);
            conv.initialize(m, DataType.FLOAT32, in);
            ParameterStore ps = new ParameterStore(m, false);
            int bad = 0;
            for (int i = 0; i < 300; i++) {
                try (NDManager sub = m.newSubManager()) {
                    NDArray x = sub.randomNormal(in);
                    x.setRequiresGradient(true);
                    try (GradientCollector gc = Engine.getEngine("PyTorch").newGradientCollector()) {
                        NDArray y = conv.forward(ps, new NDList(x), true).singletonOrThrow();
                        gc.backward(y.mul(sub.randomNormal(y.getShape())).sum());
                    }
                    if (!finite(x.getGradient())) {
                        bad++;
                    }
                    conv.getParameters().forEach(p -> p.getValue().getArray().getGradient().subi(
                            p.getValue().getArray().getGradient()));
                }
            }
            assertEquals(0, bad, "backward passes with a non-finite input gradient");
        }
    }

    private static boolean finite(NDArray a) {
        for (float f : a.toFloatArray()) {
            if (!Float.isFinite(f)) {
                return false;
            }
        }
        return true;
    }
}
