package dev.reflowkit.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.AbstractBlock;
import ai.djl.nn.Block;
import ai.djl.nn.Parameter;
import ai.djl.pytorch.engine.PtNDManager;
import ai.djl.pytorch.engine.PtSymbolBlock;
import ai.djl.pytorch.jni.JniUtils;
import ai.djl.training.ParameterStore;
import ai.djl.util.Pair;
import dev.reflowkit.engine.Engines;
import java.io.ByteArrayInputStream;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * Exported TorchScript modules compute the DJL networks' velocities (loaded back into the same
 * engine here; the interop tests load them in Python's PyTorch).
 */
class TorchScriptExportTest {

    private static void randomize(Block net, NDManager m) {
        SplittableRandom rng = new SplittableRandom(11);
        for (Pair<String, Parameter> p : net.getParameters()) {
            NDArray a = p.getValue().getArray();
            float[] v = new float[(int) a.size()];
            for (int i = 0; i < v.length; i++) {
                v[i] = (float) (0.2 * rng.nextGaussian());
            }
            a.set(v);
        }
    }

    /** The largest difference between the block's and the exported module's velocities, relative to their scale. */
    private static double difference(AbstractBlock net, long[] sampleShape, int classes, NDManager m)
            throws java.io.IOException {
        byte[] archive = TorchScriptExport.export(net);
        try (NDManager sub = m.newSubManager()) {
            PtSymbolBlock module = JniUtils.loadModule((PtNDManager) sub, new ByteArrayInputStream(archive), false,
                    false);
            NDArray x = sub.randomNormal(new Shape(5).addAll(new Shape(sampleShape)));
            NDArray t = sub.create(new float[] {0.05f, 0.3f, 0.5f, 0.8f, 1f});
            NDList in = classes > 0 ? new NDList(x, t, sub.create(new long[] {0, 1, 2, classes, 1})) : new NDList(x, t);
            NDArray ours = Engines.withoutGradients(() -> net.forward(new ParameterStore(sub, false), in, false)
                    .singletonOrThrow());
            NDArray theirs = Engines.withoutGradients(() -> module.forward(new ParameterStore(sub, false), in, false)
                    .singletonOrThrow());
            assertEquals(ours.getShape(), theirs.getShape());
            double scale = ours.abs().max().getFloat();
            return ours.sub(theirs).abs().max().getFloat() / scale;
        }
    }

    @Test
    void mlpsExportTheirVelocities() throws java.io.IOException {
        try (NDManager m = Engines.newManager()) {
            for (int classes : new int[] {0, 3}) {
                for (ActivationKind a : List.of(ActivationKind.SILU, ActivationKind.GELU)) {
                    MlpVelocityNet net = MlpVelocityNet.builder().setDim(2).optHidden(16).optDepth(2)
                            .optActivation(a).optClasses(classes).optTimeEmbedding(8, 1000f).build();
                    net.initialize(m, DataType.FLOAT32, new Shape(1, 2), new Shape(1));
                    randomize(net, m);
                    double d = difference(net, new long[] {2}, classes, m);
                    assertTrue(d < 1e-5, a + ", " + classes + " classes: relative difference " + d);
                }
            }
        }
    }

    @Test
    void unetsExportTheirVelocities() throws java.io.IOException {
        try (NDManager m = Engines.newManager()) {
            for (int classes : new int[] {0, 4}) {
                UNetVelocityNet net = UNetVelocityNet.builder().setSampleShape(new long[] {1, 8, 8}).optChannels(16)
                        .optChannelMult(1, 2).optGroups(4).optAttentionResolutions(List.of(4)).optMidAttention(true)
                        .optClasses(classes).optZeroInit(false).optTimeEmbedding(16, 1000f).build();
                net.initialize(m, DataType.FLOAT32, new Shape(1, 1, 8, 8), new Shape(1));
                randomize(net, m);
                double d = difference(net, new long[] {1, 8, 8}, classes, m);
                assertTrue(d < 1e-4, classes + " classes: relative difference " + d);
            }
        }
    }

    @Test
    void otherBlocksAreRefused() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> TorchScriptExport.export(GroupNorm.builder().setGroups(2).build()));
        assertTrue(e.getMessage().contains("MLP, U-Net and imported"), e.getMessage());
    }
}
