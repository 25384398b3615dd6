package dev.reflowkit.features;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.ParameterStore;
import dev.reflowkit.data.PointSet;
import dev.reflowkit.engine.Engines;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

@ExtendWith(OneTorchThread.class)
class FeatureNetworkTrainerTest {

    @Test
    void learnsTwoClassesAndIsDeterministic() {
        LabeledImages train = TestImages.halves(512, 0.6, 1);
        LabeledImages test = TestImages.halves(256, 0.6, 2);
        try (NDManager m = Engines.newManager()) {
            List<String> log = new ArrayList<>();
            TrainedFeatureNetwork a = FeatureNetworkTrainer.train(TestImages.tinyRecipe(40), train, test, "h", m, log::add);
            assertTrue(a.info().testAccuracy() > 0.9, "test accuracy " + a.info().testAccuracy());
            assertTrue(a.info().trainLoss() < 0.4, "train loss " + a.info().trainLoss());
            assertEquals(512, a.info().trainImages());
            assertEquals("h", a.info().dataHash());
            assertTrue(log.size() >= 10 && log.get(log.size() - 1).contains("test accuracy"), log.toString());
            TrainedFeatureNetwork b = FeatureNetworkTrainer.train(TestImages.tinyRecipe(40), train, test, "h", m);
            FeatureExtractor fa = a.extractor(m);
            FeatureExtractor fb = b.extractor(m);
            PointSet probe = test.images().head(40);
            assertArrayEquals(fa.featurePoints(probe).data(), fb.featurePoints(probe).data(), "same seed, same weights");
            TrainedFeatureNetwork c = FeatureNetworkTrainer.train(TestImages.tinyRecipe(40).withSeed(6), train, test, "h", m);
            float[] fc = c.extractor(m).featurePoints(probe).data();
            assertTrue(maxAbsDiff(fa.featurePoints(probe).data(), fc) > 1e-3, "another seed, other weights");
        }
    }

    @Test
    void networkShapesAndExtractorBatches() {
        try (NDManager m = Engines.newManager()) {
            FeatureRecipe recipe = new FeatureRecipe(1, 4, 1e-3, 3, 4, 12);
            FeatureNetwork net = FeatureNetworkTrainer.newNetwork(recipe, new long[] {3, 12, 10}, 5, m);
            NDArray x = m.randomUniform(-1, 1, new Shape(7, 3, 12, 10));
            NDList out = net.forward(new ParameterStore(m, false), new NDList(x), false);
            assertEquals(new Shape(7, 5), out.get(0).getShape());
            assertEquals(new Shape(7, 12), out.get(1).getShape());
            assertTrue(out.get(1).gte(0).all().getBoolean(), "features are ReLU outputs");
            PointSet images = new PointSet(7, 360, x.toFloatArray());
            FeatureExtractor whole = new FeatureExtractor(net, new long[] {3, 12, 10}, m, 64);
            FeatureExtractor chunked = new FeatureExtractor(net, new long[] {3, 12, 10}, m, 3);
            double[][] f = whole.features(images);
            double[][] g = chunked.features(images);
            float[] direct = out.get(1).toFloatArray();
            for (int i = 0; i < 7; i++) {
                assertArrayEquals(f[i], g[i], 1e-6);
                for (int j = 0; j < 12; j++) {
                    assertEquals(direct[i * 12 + j], f[i][j], 1e-6);
                }
            }
            assertThrows(IllegalArgumentException.class, () -> new FeatureExtractor(net, new long[] {1, 12, 10}, m, 8));
            assertThrows(IllegalArgumentException.class, () -> whole.features(new PointSet(2, 10, new float[20])));
        }
    }

    @Test
    void rejectsBadData() {
        PointSet p = new PointSet(2, 64, new float[128]);
        assertThrows(IllegalArgumentException.class, () -> new LabeledImages(p, new int[] {0, 2}, 2, TestImages.SHAPE));
        assertThrows(IllegalArgumentException.class, () -> new LabeledImages(p, new int[] {0}, 2, TestImages.SHAPE));
        assertThrows(IllegalArgumentException.class, () -> new LabeledImages(p, new int[] {0, 1}, 2, new long[] {1, 4, 16}));
        assertThrows(IllegalArgumentException.class, () -> new LabeledImages(p, new int[] {0, 1}, 2, new long[] {1, 8, 9}));
        LabeledImages ok = new LabeledImages(p, new int[] {0, 1}, 2, TestImages.SHAPE);
        assertEquals(ok.contentHash(), new LabeledImages(p, new int[] {0, 1}, 2, TestImages.SHAPE).contentHash());
        assertTrue(!ok.contentHash().equals(new LabeledImages(p, new int[] {1, 1}, 2, TestImages.SHAPE).contentHash()));
    }

    private static double maxAbsDiff(float[] a, float[] b) {
        double m = 0;
        for (int i = 0; i < a.length; i++) {
            m = Math.max(m, Math.abs(a[i] - b[i]));
        }
        return m;
    }
}
