package dev.reflowkit.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.reflowkit.config.Config;
import dev.reflowkit.config.ConfigLoader;
import dev.reflowkit.config.ReflowConfig;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class BenchSuiteTest {

    /** The benchmark's U-Net must stay the one configs/mnist.yaml trains (all but the data source). */
    @Test
    void unetWorkloadMatchesTheMnistConfig() {
        Config mnist = ConfigLoader.load(ReflowConfig.schema(), Path.of("../configs/mnist.yaml"), List.of());
        Config bench = BenchSuite.config(BenchSuite.UNET);
        Map<String, Object> a = mnist.toFlatMap();
        Map<String, Object> b = bench.toFlatMap();
        for (String key : a.keySet()) {
            boolean compared = key.startsWith("model.") || key.equals("data.resolution") || key.equals("data.channels")
                    || key.equals("train.batch_size") || key.equals("sample.batch_size") || key.startsWith("pairs.nfe")
                    || key.equals("pairs.solver") || key.equals("pairs.batch_size") || key.equals("train.lr")
                    || key.equals("train.grad_clip") || key.equals("train.ema_halflife");
            if (compared) {
                assertEquals(a.get(key), b.get(key), key);
            }
        }
    }

    @Test
    void standardSuiteHasTheIssuesWorkloads() {
        List<String> names = BenchSuite.standard(false).stream().map(Workload::name).toList();
        assertEquals(List.of("matmul-1024", "mlp-train", "mlp-sample-9", "mlp-sample-99", "unet-train",
                "unet-sample-9", "unet-sample-21"), names);
        Workload unetTrain = BenchSuite.standard(false).get(4);
        assertEquals(64, unetTrain.batch());
        assertEquals(512, BenchSuite.standard(false).get(1).batch());
        assertTrue(BenchSuite.standard(true).get(1).count() < BenchSuite.standard(false).get(1).count());
    }

    @Test
    void specCarriesTheNetworkAndOptimizer() {
        Workload w = BenchSuite.standard(false).get(4);
        Map<String, Object> spec = w.toSpec();
        assertEquals("train", spec.get("kind"));
        assertEquals(List.of(1L, 16L, 16L), spec.get("shape"));
        @SuppressWarnings("unchecked")
        Map<String, Object> model = (Map<String, Object>) spec.get("model");
        assertEquals("unet", model.get("type"));
        assertEquals(List.of(1, 2, 2), model.get("channel_mult"));
        assertEquals(4, model.get("groups"));
        @SuppressWarnings("unchecked")
        Map<String, Object> opt = (Map<String, Object>) spec.get("optimizer");
        assertEquals(7.0e-4, (double) opt.get("lr"), 1e-12);
    }
}
