package dev.reflowkit.path;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import dev.reflowkit.engine.Engines;
import org.junit.jupiter.api.Test;

class LinearPathTest {

    @Test
    void interpolatesAndTargetsTheDisplacement() {
        try (NDManager m = Engines.newManager()) {
            NDArray x0 = m.create(new float[] {1, 2, 3, 4}, new Shape(2, 2));
            NDArray x1 = m.create(new float[] {-1, 0, 5, 8}, new Shape(2, 2));
            NDArray t = m.create(new float[] {0.25f, 1f});
            PathSample s = LinearPath.sample(x0, x1, t);
            assertArrayEquals(new float[] {0.5f, 1.5f, 5, 8}, s.xt().toFloatArray(), 1e-6f);
            assertArrayEquals(new float[] {-2, -2, 2, 4}, s.target().toFloatArray(), 1e-6f);
        }
    }

    @Test
    void predictionsRecoverTheEndpointsFromTheExactVelocity() {
        try (NDManager m = Engines.newManager()) {
            NDArray x0 = m.randomNormal(new Shape(5, 1, 3, 3));
            NDArray x1 = m.randomNormal(new Shape(5, 1, 3, 3));
            NDArray t = m.create(new float[] {0.01f, 0.3f, 0.5f, 0.77f, 0.99f});
            PathSample s = LinearPath.sample(x0, x1, t);
            assertArrayEquals(x0.toFloatArray(), LinearPath.predictData(s.xt(), t, s.target()).toFloatArray(), 1e-5f);
            assertArrayEquals(x1.toFloatArray(), LinearPath.predictNoise(s.xt(), t, s.target()).toFloatArray(), 1e-5f);
        }
    }
}
