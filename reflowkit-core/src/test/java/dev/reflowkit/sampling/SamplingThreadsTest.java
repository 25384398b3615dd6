package dev.reflowkit.sampling;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.pytorch.jni.JniUtils;
import dev.reflowkit.engine.Engines;
import dev.reflowkit.field.VelocityField;
import dev.reflowkit.model.BlockVelocityField;
import dev.reflowkit.model.UNetVelocityNet;
import dev.reflowkit.solver.DormandPrinceSolver;
import dev.reflowkit.solver.HeunSolver;
import dev.reflowkit.solver.OdeSolver;
import dev.reflowkit.solver.StepCallback;
import dev.reflowkit.solver.grid.UniformGrid;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * Sampling gives the same bits on one and on two engine threads, and when a request for more
 * threads ({@link Engines#requestSamplingThreads}) arrives in the middle of a solve: what a
 * pipeline's stage left alone relies on.
 */
class SamplingThreadsTest {

    @Test
    void aUNetSamplesTheSameBitsOnOneTwoAndChangingThreads() {
        Engines.engine();
        int threads = JniUtils.getNumThreads();
        try (NDManager m = Engines.newManager()) {
            // The pipeline's U-Net in small: three levels, attention at the bottleneck, dropout.
            Engines.engine().setRandomSeed(5);
            UNetVelocityNet net = UNetVelocityNet.builder().setSampleShape(1, 16, 16).optChannels(8)
                    .optChannelMult(1, 2, 2).optMidAttention(true).optGroups(4).optDropout(0.1f)
                    .optZeroInit(false).optTimeEmbedding(16, 1000f).build();
            net.initialize(m, DataType.FLOAT32, new Shape(1, 1, 16, 16), new Shape(1));
            VelocityField field = new BlockVelocityField(net, m);
            // 130 x 256 values: above PyTorch's grain for splitting a sum among threads (32 768).
            NDArray x = m.randomNormal(new Shape(130, 1, 16, 16));
            OdeSolver dopri5 = DormandPrinceSolver.builder().optAtol(1e-2).optRtol(1e-2).build();
            OdeSolver heun = new HeunSolver();
            double[] adaptive = {1.0, 0.0};
            double[] fixed = new UniformGrid().points(1.0, 0.0, 4);
            for (OdeSolver solver : new OdeSolver[] {dopri5, heun}) {
                double[] grid = solver == dopri5 ? adaptive : fixed;
                float[] one = solveOn(1, solver, field, x, grid, -1);
                float[] two = solveOn(2, solver, field, x, grid, -1);
                float[] widened = solveOn(1, solver, field, x, grid, 3);
                assertEquals(2, JniUtils.getNumThreads(), "the request was followed in the middle of the solve");
                assertArrayEquals(one, two, solver.name() + ": one thread = two threads, bit for bit");
                assertArrayEquals(one, widened, solver.name() + ": a request in the middle changes nothing");
            }
        } finally {
            Engines.requestSamplingThreads(0);
            JniUtils.setNumThreads(threads);
        }
    }

    /** Solves on {@code threads} threads; after {@code requestAfter} evaluations (if >= 0) asks for two. */
    private static float[] solveOn(int threads, OdeSolver solver, VelocityField field, NDArray x, double[] grid,
            int requestAfter) {
        Engines.requestSamplingThreads(0);
        JniUtils.setNumThreads(threads);
        AtomicInteger calls = new AtomicInteger();
        VelocityField counting = (state, t) -> {
            if (calls.getAndIncrement() == requestAfter) {
                Engines.requestSamplingThreads(2);
            }
            return field.velocity(state, t);
        };
        float[] out = solver.solve(counting, x, grid, false, StepCallback.NONE).x().toFloatArray();
        assertTrue(calls.get() > requestAfter + 1, "the request came before the last evaluation");
        return out;
    }
}
