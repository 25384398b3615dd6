package dev.reflowkit.engine;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.convolutional.Conv2d;
import ai.djl.training.GradientCollector;
import dev.reflowkit.model.ActivationKind;
import dev.reflowkit.model.GroupNorm;
import org.junit.jupiter.api.Test;

class FusedKernelsTest {

    private static float[] composite(NDArray x, NDArray w, NDArray b) {
        return ActivationKind.SILU.apply(GroupNorm.groupNorm(x, 4, w, b, 1e-5f)).toFloatArray();
    }

    @Test
    void groupNormSiluMatchesTheCompositeForwardAndBackward() {
        assertTrue(FusedKernels.enabled(), "the PyTorch engine loads ReflowKit's TorchScript modules");
        Engine engine = Engines.engine();
        try (NDManager m = Engines.newManager()) {
            engine.setRandomSeed(3);
            NDArray x = m.randomNormal(new Shape(3, 8, 5, 5)).mul(m.create(2f)).add(m.create(0.5f));
            NDArray w = m.randomNormal(new Shape(8));
            NDArray b = m.randomNormal(new Shape(8));
            NDArray fused = Engines.withoutGradients(() -> FusedKernels.groupNormSilu(x, 4, w, b, 1e-5f));
            assertNotNull(fused);
            assertSame(x.getManager(), fused.getManager());
            assertArrayEquals(composite(x, w, b), fused.toFloatArray(), 1e-5f);
            float[] before = fused.toFloatArray();
            Engines.withoutGradients(() -> fused.addi(fused)); // a plain tensor: in-place updates allowed
            assertArrayEquals(before, fused.div(m.create(2f)).toFloatArray(), 0f);

            float[][] grads = new float[2][];
            for (int k = 0; k < 2; k++) {
                for (NDArray a : new NDArray[] {x, w, b}) {
                    a.setRequiresGradient(true);
                }
                try (GradientCollector gc = engine.newGradientCollector()) {
                    gc.zeroGradients();
                    NDArray y = k == 0 ? FusedKernels.groupNormSilu(x, 4, w, b, 1e-5f)
                            : ActivationKind.SILU.apply(GroupNorm.groupNorm(x, 4, w, b, 1e-5f));
                    gc.backward(y.mul(y).sum());
                }
                grads[k] = NDArrayConcat.of(x.getGradient(), w.getGradient(), b.getGradient());
            }
            assertArrayEquals(grads[1], grads[0], 1e-3f, "gradients of x, gamma and beta");
        }
    }

    @Test
    void inferenceLayoutKeepsTheValuesAndMakesWideActivationsChannelsLast() {
        try (NDManager m = Engines.newManager()) {
            Engines.engine().setRandomSeed(5);
            NDArray wide = m.randomNormal(new Shape(2, 32, 4, 3));
            NDArray narrow = m.randomNormal(new Shape(2, 16, 4, 3));
            NDArray arrangedWide = FusedKernels.inferenceLayout(wide);
            NDArray arrangedNarrow = FusedKernels.inferenceLayout(narrow);
            assertTrue(FusedKernels.isChannelsLast(arrangedWide), "32 channels: channels-last");
            assertFalse(FusedKernels.isChannelsLast(wide), "the argument is left as it was");
            assertFalse(FusedKernels.isChannelsLast(arrangedNarrow), "16 channels: NCHW");
            assertArrayEquals(wide.toFloatArray(), arrangedWide.toFloatArray(), 0f);
            assertArrayEquals(narrow.toFloatArray(), arrangedNarrow.toFloatArray(), 0f);
            assertEquals(wide.getShape(), arrangedWide.getShape());
            NDArray again = FusedKernels.inferenceLayout(arrangedWide);
            assertTrue(FusedKernels.isChannelsLast(again), "arranging twice changes nothing");
            arrangedWide.close(); // a handle of its own: the second arrangement stays valid
            assertArrayEquals(wide.toFloatArray(), again.toFloatArray(), 0f);
            NDArray flat = m.randomNormal(new Shape(3, 40));
            assertArrayEquals(flat.toFloatArray(), FusedKernels.inferenceLayout(flat).toFloatArray(), 0f);
        }
    }

    @Test
    void inferenceConcatEqualsTheConcatenationInTheLayoutOfItsWidth() {
        try (NDManager m = Engines.newManager()) {
            Engines.engine().setRandomSeed(7);
            // The U-Net's case: wide channels-last features and a narrow NCHW skip.
            NDArray features = FusedKernels.inferenceLayout(m.randomNormal(new Shape(2, 32, 4, 3)));
            NDArray skip = m.randomNormal(new Shape(2, 16, 4, 3));
            NDArray wide = FusedKernels.inferenceConcat(features, skip);
            assertEquals(new Shape(2, 48, 4, 3), wide.getShape());
            assertTrue(FusedKernels.isChannelsLast(wide), "48 channels: channels-last");
            assertArrayEquals(NDArrays.concat(new NDList(features, skip), 1).toFloatArray(), wide.toFloatArray(), 0f);
            assertFalse(FusedKernels.isChannelsLast(skip), "the arguments are left as they were");
            assertTrue(FusedKernels.isChannelsLast(features));
            NDArray a = m.randomNormal(new Shape(2, 8, 4, 3));
            NDArray narrow = FusedKernels.inferenceConcat(a, skip);
            assertFalse(FusedKernels.isChannelsLast(narrow), "24 channels: NCHW");
            assertArrayEquals(NDArrays.concat(new NDList(a, skip), 1).toFloatArray(), narrow.toFloatArray(), 0f);
            NDArray twoNarrow = FusedKernels.inferenceConcat(skip, skip);
            assertTrue(FusedKernels.isChannelsLast(twoNarrow), "two NCHW parts, 32 channels: channels-last");
            assertArrayEquals(NDArrays.concat(new NDList(skip, skip), 1).toFloatArray(), twoNarrow.toFloatArray(), 0f);
        }
    }

    @Test
    void groupNormSiluAndUpsamplingGiveTheSameValuesForChannelsLastInputs() {
        try (NDManager m = Engines.newManager()) {
            Engines.engine().setRandomSeed(6);
            NDArray wide = m.randomNormal(new Shape(3, 48, 5, 4)).mul(m.create(1.5f)).add(m.create(0.3f));
            NDArray wideLast = FusedKernels.inferenceLayout(wide);
            // A convolution from a channels-last input keeps that order, also when it narrows the
            // channels: the U-Net's 48 -> 16 residual blocks make such 16-channel activations.
            NDArray kernel = m.randomNormal(new Shape(16, 48, 1, 1)).mul(m.create(0.2f));
            NDArray bias = m.randomNormal(new Shape(16));
            NDArray narrow = Conv2d.conv2d(wide, kernel, bias).singletonOrThrow();
            NDArray narrowLast = Conv2d.conv2d(wideLast, kernel, bias).singletonOrThrow();
            assertTrue(FusedKernels.isChannelsLast(narrowLast));
            assertArrayEquals(narrow.toFloatArray(), narrowLast.toFloatArray(), 1e-5f);
            for (NDArray[] pair : new NDArray[][] {{wide, wideLast}, {narrow, narrowLast}}) {
                long c = pair[0].getShape().get(1);
                NDArray g = m.randomNormal(new Shape(c));
                NDArray b = m.randomNormal(new Shape(c));
                float[] expected = Engines.withoutGradients(() -> FusedKernels.groupNormSilu(pair[0], 4, g, b, 1e-5f))
                        .toFloatArray();
                NDArray fromLast = Engines.withoutGradients(() -> FusedKernels.groupNormSilu(pair[1], 4, g, b, 1e-5f));
                assertArrayEquals(expected, fromLast.toFloatArray(), 1e-5f, c + " channels");
                assertEquals(c >= 32, FusedKernels.isChannelsLast(fromLast),
                        "narrow channels-last activations are normalized in NCHW order");
                float[] up = Engines.withoutGradients(() -> FusedKernels.upsampleNearest2x(pair[0])).toFloatArray();
                NDArray upLast = Engines.withoutGradients(() -> FusedKernels.upsampleNearest2x(pair[1]));
                assertArrayEquals(up, upLast.toFloatArray(), 1e-5f, c + " channels, upsampled");
                assertTrue(FusedKernels.isChannelsLast(upLast), "upsampling keeps channels-last");
            }
        }
    }

    @Test
    void archivesAreTheSameBytesEveryTime() {
        String body = "  def forward(self: __torch__.Probe,\n    x: Tensor) -> Tensor:\n    return torch.silu(x)\n";
        assertArrayEquals(TorchScriptArchive.module("Probe", body), TorchScriptArchive.module("Probe", body));
    }

    /** Flattens gradients for one comparison. */
    private static final class NDArrayConcat {
        static float[] of(NDArray... arrays) {
            int n = 0;
            for (NDArray a : arrays) {
                n += (int) a.size();
            }
            float[] out = new float[n];
            int at = 0;
            for (NDArray a : arrays) {
                float[] v = a.toFloatArray();
                System.arraycopy(v, 0, out, at, v.length);
                at += v.length;
            }
            return out;
        }
    }
}
