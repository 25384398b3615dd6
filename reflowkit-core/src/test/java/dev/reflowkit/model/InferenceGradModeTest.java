package dev.reflowkit.model;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.ndarray.types.DataType;
import ai.djl.nn.LambdaBlock;
import ai.djl.training.ParameterStore;
import ai.djl.pytorch.jni.JniUtils;
import dev.reflowkit.engine.Engines;
import dev.reflowkit.engine.FusedKernels;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/**
 * Velocity fields run their network with the engine's gradient recording off (PyTorch's
 * {@code no_grad}), so no autograd graph can keep a solver's activations alive; the thread's mode
 * is restored afterwards. Checked in a worker thread with grad mode on, as PyTorch starts new
 * native threads (pair workers are such threads: that is where the graph was recorded before).
 */
class InferenceGradModeTest {

    @Test
    void fieldsEvaluateWithGradientRecordingOff() throws Exception {
        Engines.engine(); // loaded by this (JUnit's) thread, whose grad mode the engine turns off
        List<Boolean> seen = new ArrayList<>();
        AtomicReference<Throwable> failure = new AtomicReference<>();
        boolean[] modeBefore = new boolean[1];
        boolean[] modeAfter = new boolean[1];
        float[][] values = new float[2][];
        Thread worker = new Thread(() -> {
            try (NDManager m = Engines.newManager()) {
                JniUtils.setGradMode(true); // as in a fresh native thread (PyTorch's default)
                LambdaBlock probe = new LambdaBlock(in -> {
                    seen.add(JniUtils.isGradMode());
                    return new NDList(in.get(0).mul(in.get(1).reshape(-1, 1)));
                });
                NDArray x = m.create(new float[] {1, 2, 3, 4}, new Shape(2, 2));
                NDArray t = m.create(new float[] {0.5f, 2f});
                modeBefore[0] = JniUtils.isGradMode();
                values[0] = new BlockVelocityField(probe, m).velocity(x, t).toFloatArray();
                values[1] = new BlockConditionalField(probe, 3, m).velocity(x, t, m.create(new int[] {0, 1}))
                        .toFloatArray();
                modeAfter[0] = JniUtils.isGradMode();
            } catch (Throwable e) {
                failure.set(e);
            }
        });
        worker.start();
        worker.join();
        if (failure.get() != null) {
            throw new AssertionError(failure.get());
        }
        assertTrue(modeBefore[0], "grad mode is on before (the test is not vacuous)");
        assertEquals(List.of(false, false), seen, "both fields ran the network with recording off");
        assertTrue(modeAfter[0], "the thread's mode is restored");
        assertArrayEquals(new float[] {0.5f, 1, 6, 8}, values[0]);
        assertArrayEquals(values[0], values[1]);
    }

    /**
     * Without a graph, blocks update their own intermediates in place (EagerScope.inPlace): the
     * result must equal the ordinary path's bit for bit, and the caller's input must be untouched.
     */
    @Test
    void inPlaceInferenceMatchesTheOrdinaryPath() {
        Engines.engine();
        boolean before = JniUtils.isGradMode();
        try (NDManager m = Engines.newManager()) {
            UNetVelocityNet unet = UNetVelocityNet.builder().setSampleShape(1, 8, 8).optChannels(8).optGroups(4)
                    .optChannelMult(1, 2).optTimeEmbedding(8, 1000f).optZeroInit(false).build();
            unet.initialize(m, DataType.FLOAT32, new Shape(1, 1, 8, 8), new Shape(1));
            MlpVelocityNet mlp = MlpVelocityNet.builder().setDim(2).optHidden(16).optDepth(2).build();
            mlp.initialize(m, DataType.FLOAT32, new Shape(4, 2), new Shape(4));
            for (ai.djl.nn.Block net : new ai.djl.nn.Block[] {unet, mlp}) {
                NDArray x = net == unet ? m.randomNormal(new Shape(3, 1, 8, 8)) : m.randomNormal(new Shape(3, 2));
                NDArray t = m.create(new float[] {0.1f, 0.5f, 0.9f});
                float[] input = x.toFloatArray();
                JniUtils.setGradMode(false);
                assertTrue(EagerScope.inPlace(), "no graph: in place");
                // Fused kernels (the MLP's one-call sampling forward, GroupNorm+SiLU) round a little
                // differently: the bitwise comparison is between DJL's operations in place and not.
                float[] inPlace = FusedKernels.withComposite(() -> new BlockVelocityField(net, m).velocity(x, t))
                        .toFloatArray();
                float[] sampling = new BlockVelocityField(net, m).velocity(x, t).toFloatArray();
                assertArrayEquals(inPlace, sampling, 1e-5f, net.toString());
                JniUtils.setGradMode(true);
                assertFalse(EagerScope.inPlace(), "recording: never in place");
                float[] ordinary = FusedKernels.withComposite(() -> net.forward(new ParameterStore(m, false),
                        new NDList(x, t), false).singletonOrThrow()).toFloatArray();
                assertArrayEquals(ordinary, inPlace, net.toString());
                assertArrayEquals(input, x.toFloatArray(), "the input is untouched");
                assertTrue(Math.abs(ordinary[0]) + Math.abs(ordinary[ordinary.length - 1]) > 0, "not vacuous");
            }
        } finally {
            JniUtils.setGradMode(before);
        }
    }
}
