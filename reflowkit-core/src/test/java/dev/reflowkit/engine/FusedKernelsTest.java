package dev.reflowkit.engine;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
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
