package dev.reflowkit.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.reflowkit.config.Config;
import dev.reflowkit.config.ConfigLoader;
import dev.reflowkit.config.ReflowConfig;
import java.nio.file.Path;
import java.util.Arrays;
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
        assertEquals(List.of("matmul-1024", "mlp-train", "mlp-train-net", "mlp-sample-9", "mlp-sample-9-net",
                "mlp-sample-99", "mlp-sample-99-net", "unet-train", "unet-train-net", "unet-sample-9",
                "unet-sample-9-net", "unet-sample-21", "unet-sample-21-net"), names);
        Workload unetTrain = byName("unet-train");
        assertEquals(64, unetTrain.batch());
        assertEquals(512, byName("mlp-train").batch());
        assertTrue(BenchSuite.standard(true).get(1).count() < BenchSuite.standard(false).get(1).count());
        for (Workload w : BenchSuite.standard(false)) {
            if (w.name().endsWith(Workload.NETWORK_SUFFIX)) {
                Workload whole = byName(w.name().substring(0, w.name().length() - Workload.NETWORK_SUFFIX.length()));
                assertEquals(Workload.Scope.NETWORK, w.scope());
                assertEquals(whole.networkAlone().toSpec(), w.toSpec(), "the network alone of " + whole.name());
                assertEquals(whole.target(), w.target(), "issue 22: the network-alone rows share the whole step's target");
            }
        }
    }

    private static Workload byName(String name) {
        return BenchSuite.standard(false).stream().filter(w -> w.name().equals(name)).findFirst().orElseThrow();
    }

    @Test
    void specCarriesTheNetworkAndOptimizer() {
        Workload w = byName("unet-train");
        Map<String, Object> spec = w.toSpec();
        assertEquals("train", spec.get("kind"));
        assertEquals("step", spec.get("scope"));
        assertEquals("network", w.networkAlone().toSpec().get("scope"));
        assertEquals(Map.of("distribution", "uniform", "eps", 1e-5), spec.get("time"));
        assertEquals(Map.of("type", "mse", "weight", "constant"), spec.get("loss"));
        assertEquals("linear", spec.get("path"));
        assertEquals(Map.of("halflife_samples", 50_000.0, "rampup", 0.05), spec.get("ema"));
        assertEquals(1.0, spec.get("grad_clip"));
        assertEquals(List.of(1L, 16L, 16L), spec.get("shape"));
        @SuppressWarnings("unchecked")
        Map<String, Object> model = (Map<String, Object>) spec.get("model");
        assertEquals("unet", model.get("type"));
        assertEquals(List.of(1, 2, 2), model.get("channel_mult"));
        assertEquals(4, model.get("groups"));
        @SuppressWarnings("unchecked")
        Map<String, Object> opt = (Map<String, Object>) spec.get("optimizer");
        assertEquals(7.0e-4, (double) opt.get("lr"), 1e-12);
        assertEquals("adam", opt.get("name"));
        assertEquals("constant", opt.get("decay"));
        assertEquals(200, opt.get("warmup_steps"));
        assertEquals(w.warmup() + w.count(), opt.get("total_steps"), "ReflowKit's run length");
        assertEquals(0.0, opt.get("weight_decay"));
    }

    /** The sampler's spec is ReflowKit's own plan: solver, last step and grid points. */
    @Test
    void specCarriesTheSamplersPlan() {
        for (String name : List.of("mlp-sample-9", "unet-sample-21")) {
            Workload w = byName(name);
            @SuppressWarnings("unchecked")
            Map<String, Object> solver = (Map<String, Object>) w.toSpec().get("solver");
            assertEquals("heun", solver.get("name"));
            assertEquals("ralston3", solver.get("last_step"), "odd NFE: Ralston's last step");
            @SuppressWarnings("unchecked")
            List<Double> grid = (List<Double>) solver.get("grid");
            assertEquals(w.nfe() / 2 + 1, grid.size());
            assertEquals(Arrays.stream(w.plan().grid()).boxed().toList(), grid);
            assertEquals(1.0, grid.get(0));
            assertEquals(0.0, grid.get(grid.size() - 1));
        }
    }
}
