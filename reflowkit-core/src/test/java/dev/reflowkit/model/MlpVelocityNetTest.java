package dev.reflowkit.model;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.ParameterStore;
import dev.reflowkit.engine.Engines;
import dev.reflowkit.engine.FusedKernels;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

class MlpVelocityNetTest {

    private static MlpVelocityNet net(NDManager m, float dropout) {
        MlpVelocityNet n = MlpVelocityNet.builder().setDim(3).optHidden(16).optDepth(2)
                .optActivation(ActivationKind.GELU).optDropout(dropout).optTimeEmbedding(8, 1000f).build();
        n.initialize(m, DataType.FLOAT32, new Shape(1, 3), new Shape(1));
        return n;
    }

    @Test
    void mapsXAndTToAVelocityOfTheShapeOfX() {
        try (NDManager m = Engines.newManager()) {
            MlpVelocityNet n = net(m, 0f);
            NDArray x = m.randomNormal(new Shape(7, 3));
            NDArray t = m.randomUniform(0, 1, new Shape(7));
            NDArray v = new BlockVelocityField(n, m).velocity(x, t);
            assertEquals(new Shape(7, 3), v.getShape());
            // 2 hidden layers + output, each weight and bias.
            assertEquals(6, n.getParameters().size());
            assertEquals(new Shape(16, 3 + 8), n.getParameters().get(0).getValue().getShape());
        }
    }

    @Test
    void theOneCallForwardOfSamplingEqualsTheBlockByBlockForward() {
        try (NDManager m = Engines.newManager()) {
            MlpVelocityNet n = MlpVelocityNet.builder().setDim(3).optHidden(16).optDepth(3).optDropout(0.2f)
                    .optTimeEmbedding(8, 1000f).build(); // SiLU, the default
            n.initialize(m, DataType.FLOAT32, new Shape(1, 3), new Shape(1));
            Engines.engine().setRandomSeed(6);
            NDArray x = m.randomNormal(new Shape(9, 3));
            NDArray t = m.randomUniform(0f, 1f, new Shape(9));
            ParameterStore ps = new ParameterStore(m, false);
            NDArray fused = Engines.withoutGradients(() -> n.forward(ps, new NDList(x, t), false).singletonOrThrow());
            NDArray blocks = FusedKernels.withComposite(() -> Engines.withoutGradients(
                    () -> n.forward(ps, new NDList(x, t), false).singletonOrThrow()));
            assertArrayEquals(blocks.toFloatArray(), fused.toFloatArray(), 1e-5f);
            assertEquals(x.getManager(), fused.getManager());
            float[] before = fused.toFloatArray();
            fused.addi(fused); // an ordinary tensor: solvers and guidance may update it in place
            assertEquals(2 * before[0], fused.toFloatArray()[0], 0f);
        }
    }

    @Test
    void theOneCallForwardKeepsItsTimeFrequenciesWithTheParameters() {
        try (NDManager m = Engines.newManager()) {
            MlpVelocityNet n = MlpVelocityNet.builder().setDim(2).optHidden(8).optDepth(2).optTimeEmbedding(8, 1000f)
                    .build();
            n.initialize(m, DataType.FLOAT32, new Shape(1, 2), new Shape(1));
            BlockVelocityField f = new BlockVelocityField(n, m);
            ParameterStore ps = new ParameterStore(m, false);
            float[] first = null;
            // Each evaluation in a manager closed right after (as a solver step's): what the first
            // one keeps must live with the parameters, not with that manager.
            for (int call = 0; call < 3; call++) {
                try (NDManager step = m.newSubManager()) {
                    NDArray x = step.create(new float[] {0.5f, -1f, 2f, 0.25f}, new Shape(2, 2));
                    NDArray t = step.create(new float[] {0.2f, 0.7f});
                    float[] v = f.velocity(x, t).toFloatArray();
                    if (first == null) {
                        first = v;
                        NDArray blocks = FusedKernels.withComposite(() -> Engines.withoutGradients(
                                () -> n.forward(ps, new NDList(x, t), false).singletonOrThrow()));
                        assertArrayEquals(blocks.toFloatArray(), v, 1e-5f);
                    }
                    assertArrayEquals(first, v, 0f);
                }
            }
        }
    }

    @Test
    void dependsOnTime() {
        try (NDManager m = Engines.newManager()) {
            BlockVelocityField f = new BlockVelocityField(net(m, 0f), m);
            NDArray x = m.ones(new Shape(2, 3));
            float[] a = f.velocity(x, m.create(new float[] {0.1f, 0.1f})).toFloatArray();
            float[] b = f.velocity(x, m.create(new float[] {0.9f, 0.9f})).toFloatArray();
            assertFalse(Arrays.equals(a, b));
        }
    }

    @Test
    void inferenceIgnoresDropoutButTrainingUsesIt() {
        try (NDManager m = Engines.newManager()) {
            MlpVelocityNet n = net(m, 0.5f);
            NDArray x = m.randomNormal(new Shape(4, 3));
            NDArray t = m.randomUniform(0, 1, new Shape(4));
            BlockVelocityField f = new BlockVelocityField(n, m);
            assertArrayEquals(f.velocity(x, t).toFloatArray(), f.velocity(x, t).toFloatArray());
            ParameterStore ps = new ParameterStore(m, false);
            float[] train = n.forward(ps, new NDList(x, t), true).singletonOrThrow().toFloatArray();
            assertFalse(Arrays.equals(train, f.velocity(x, t).toFloatArray()));
        }
    }

    @Test
    void activationsAreTheTextbookFunctions() {
        try (NDManager m = Engines.newManager()) {
            NDArray x = m.create(new float[] {-2f, 0f, 1.5f});
            assertArrayEquals(new float[] {(float) (-2 / (1 + Math.exp(2))), 0f, (float) (1.5 / (1 + Math.exp(-1.5)))},
                    ActivationKind.SILU.apply(x).toFloatArray(), 1e-6f);
            assertArrayEquals(new float[] {0f, 0f, 1.5f}, ActivationKind.RELU.apply(x).toFloatArray());
            assertEquals(ActivationKind.TANH, ActivationKind.byName("Tanh"));
            assertThrows(IllegalArgumentException.class, () -> ActivationKind.byName("swish"));
        }
    }

    @Test
    void rejectsBadSettings() {
        assertThrows(IllegalArgumentException.class, () -> MlpVelocityNet.builder().build());
        assertThrows(IllegalArgumentException.class, () -> MlpVelocityNet.builder().setDim(2).optDropout(1f).build());
        assertThrows(IllegalArgumentException.class, () -> new SinusoidalTimeEmbedding(7, 1f));
    }

    private static MlpVelocityNet conditional(NDManager m, int classes) {
        MlpVelocityNet n = MlpVelocityNet.builder().setDim(3).optHidden(16).optDepth(2)
                .optTimeEmbedding(8, 1000f).optClasses(classes).build();
        n.initialize(m, DataType.FLOAT32, new Shape(1, 3), new Shape(1));
        return n;
    }

    @Test
    void unconditionalNetworkKeepsItsParametersAndOutputs() {
        try (NDManager m = Engines.newManager()) {
            Engines.engine().setRandomSeed(11);
            MlpVelocityNet a = net(m, 0f);
            assertEquals(java.util.List.of("01hidden0_weight", "01hidden0_bias", "02hidden1_weight",
                    "02hidden1_bias", "03out_weight", "03out_bias"), a.getParameters().keys());
            assertEquals(0, a.classes());
            Engines.engine().setRandomSeed(11);
            MlpVelocityNet b = MlpVelocityNet.builder().setDim(3).optHidden(16).optDepth(2)
                    .optActivation(ActivationKind.GELU).optTimeEmbedding(8, 1000f).optClasses(0).build();
            b.initialize(m, DataType.FLOAT32, new Shape(1, 3), new Shape(1));
            NDArray x = m.randomNormal(new Shape(5, 3));
            NDArray t = m.randomUniform(0, 1, new Shape(5));
            assertArrayEquals(new BlockVelocityField(a, m).velocity(x, t).toFloatArray(),
                    new BlockVelocityField(b, m).velocity(x, t).toFloatArray());
            assertThrows(IllegalArgumentException.class,
                    () -> a.forward(new ParameterStore(m, false), new NDList(x, t, m.zeros(new Shape(5))), false));
        }
    }

    @Test
    void conditionalNetworkAddsOneClassTableWithANullRow() {
        try (NDManager m = Engines.newManager()) {
            MlpVelocityNet n = conditional(m, 4);
            assertEquals(7, n.getParameters().size());
            assertEquals("class_embedding", n.getParameters().get(0).getKey());
            assertEquals(new Shape(5, 8), n.getParameters().get(0).getValue().getShape());
            assertEquals(new Shape(16, 3 + 8), n.getParameters().get("01hidden0_weight").getShape());
            BlockConditionalField f = new BlockConditionalField(n, 4, m);
            NDArray x = m.randomNormal(new Shape(4, 3));
            NDArray t = m.randomUniform(0, 1, new Shape(4));
            float[] c0 = f.velocity(x, t, m.zeros(new Shape(4), DataType.INT32)).toFloatArray();
            float[] c1 = f.velocity(x, t, m.ones(new Shape(4), DataType.INT32)).toFloatArray();
            float[] nullClass = f.velocity(x, t, m.full(new Shape(4), 4, DataType.INT32)).toFloatArray();
            assertFalse(Arrays.equals(c0, c1), "labels change the velocity");
            assertArrayEquals(nullClass, f.velocity(x, t).toFloatArray(), "no labels = the null class");
            assertArrayEquals(c1, f.velocity(x, t, m.ones(new Shape(4))).toFloatArray(), "float labels work too");
            assertEquals(4, f.classes());
        }
        assertThrows(IllegalArgumentException.class, () -> MlpVelocityNet.builder().setDim(2).optClasses(-1).build());
    }
}
