package dev.reflowkit.features;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDManager;
import dev.reflowkit.data.PointSet;
import dev.reflowkit.engine.Engines;
import dev.reflowkit.metrics.ImageMetrics;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** {@link ImageMetrics} over a trained {@link FeatureExtractor}. */
@ExtendWith(OneTorchThread.class)
class FeatureImageMetricsTest {

    @Test
    void identicalSetsScoreZeroAndOtherClassesDoNot() {
        LabeledImages train = TestImages.halves(256, 0.6, 1);
        LabeledImages test = TestImages.halves(200, 0.6, 2);
        try (NDManager m = Engines.newManager()) {
            TrainedFeatureNetwork net = FeatureNetworkTrainer.train(TestImages.tinyRecipe(40), train, test, "h", m);
            ImageMetrics metrics = ImageMetrics.builder().optFeatureMap(net.extractor(m)).optKidSubsets(20)
                    .optKidSubsetSize(50).build();
            PointSet reference = test.images();
            Map<String, Double> same = metrics.evaluate(reference, reference);
            assertEquals(0, same.get(ImageMetrics.FD), 1e-6, same.toString());
            assertEquals(1, same.get(ImageMetrics.PRECISION), 0);
            assertEquals(1, same.get(ImageMetrics.RECALL), 0);
            assertEquals(0, same.get(ImageMetrics.SW2), 0);

            // Only class-0 images (bright top) against the two-class reference: a mode dropped.
            PointSet topOnly = onlyClass(TestImages.halves(400, 0.6, 3), 0);
            Map<String, Double> dropped = metrics.evaluate(topOnly, reference);
            // A fresh sample of both classes: the floor.
            Map<String, Double> floor = metrics.evaluate(TestImages.halves(200, 0.6, 4).images(), reference);
            assertTrue(dropped.get(ImageMetrics.FD) > 5 * floor.get(ImageMetrics.FD) && dropped.get(ImageMetrics.FD) > 0,
                    "dropped " + dropped + " floor " + floor);
            assertTrue(dropped.get(ImageMetrics.KID) > floor.get(ImageMetrics.KID) + 3 * dropped.get(ImageMetrics.KID_STD),
                    "dropped " + dropped + " floor " + floor);
            assertTrue(dropped.get(ImageMetrics.RECALL) < 0.7 && floor.get(ImageMetrics.RECALL) > 0.8,
                    "dropped " + dropped + " floor " + floor);
        }
    }

    private static PointSet onlyClass(LabeledImages data, int label) {
        int count = 0;
        for (int l : data.labels()) {
            count += l == label ? 1 : 0;
        }
        int d = data.images().d();
        float[] out = new float[count * d];
        int k = 0;
        for (int i = 0; i < data.size(); i++) {
            if (data.labels()[i] == label) {
                System.arraycopy(data.images().data(), i * d, out, k++ * d, d);
            }
        }
        return new PointSet(count, d, out);
    }
}
