package dev.reflowkit.pipeline;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import ai.djl.training.ParameterStore;
import dev.reflowkit.config.Config;
import dev.reflowkit.config.ConfigLoader;
import dev.reflowkit.config.ReflowConfig;
import dev.reflowkit.engine.Engines;
import dev.reflowkit.io.Npy;
import dev.reflowkit.io.NpyArray;
import dev.reflowkit.model.ImportedModule;
import dev.reflowkit.model.TorchScriptExport;
import dev.reflowkit.pairs.PairDirection;
import dev.reflowkit.pairs.PairGeneration;
import dev.reflowkit.pairs.PairStore;
import dev.reflowkit.pairs.TinyTeacher;
import dev.reflowkit.sampling.BatchSampler;
import dev.reflowkit.sampling.SeededNoise;
import dev.reflowkit.solver.DormandPrinceSolver;
import dev.reflowkit.solver.SamplerPlan;
import dev.reflowkit.train.Checkpoints;
import dev.reflowkit.train.FlowTrainer;
import dev.reflowkit.train.ProgressBar;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * ReflowKit against real PyTorch (Debian's {@code /usr/bin/python3} with {@code python3-torch},
 * which {@code .ci/run} installs): modules scripted in Python import with ReflowKit's velocities
 * equal to PyTorch's in every convention, ReFlow pairs equal a Heun loop written in Python, ReFlow
 * of an imported module resumes exactly, exports load in Python with ReflowKit's velocities, and
 * an EDM denoiser known in closed form samples its exact flow.
 */
class PyTorchInteropTest {

    private static final String PYTHON = "/usr/bin/python3";

    @TempDir
    static Path dir;

    private static Path script;

    @BeforeAll
    static void makeModules() throws Exception {
        Assumptions.assumeTrue(hasTorch(), "needs " + PYTHON + " with torch (apt-get install python3-torch)");
        script = dir.resolve("torch_models.py");
        try (InputStream in = PyTorchInteropTest.class.getResourceAsStream("/interop/torch_models.py")) {
            Files.copy(in, script);
        }
        python("make", dir.toString());
    }

    private static boolean hasTorch() {
        try {
            Process p = new ProcessBuilder(PYTHON, "-c", "import torch, numpy").redirectErrorStream(true).start();
            p.getInputStream().readAllBytes();
            return p.waitFor(120, TimeUnit.SECONDS) && p.exitValue() == 0;
        } catch (IOException | InterruptedException e) {
            return false;
        }
    }

    private static void python(String... args) throws Exception {
        List<String> cmd = new ArrayList<>(List.of(PYTHON, script.toString()));
        cmd.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true);
        pb.environment().put("OMP_NUM_THREADS", "1");
        Process p = pb.start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(300, TimeUnit.SECONDS), "python timed out");
        assertEquals(0, p.exitValue(), "python " + args[0] + " failed:\n" + out);
    }

    /** Imports a module made by {@code make}, as its {@code .meta} line describes. */
    private static ImportedModule module(String name) throws IOException {
        String[] meta = Files.readString(dir.resolve(name + ".meta")).trim().split(" ");
        long[] shape = Arrays.stream(meta[2].split(",")).mapToLong(Long::parseLong).toArray();
        return ImportedModule.of(Files.readAllBytes(dir.resolve(name + ".pt")),
                ImportedModule.Convention.byName(meta[0]), meta[1], 1.0, "int", shape, meta[1].endsWith(",y") ? 3 : 0);
    }

    private static Path imported(String name, String data) throws IOException {
        Path out = dir.resolve("imported-" + name);
        if (!Files.exists(out.resolve(FlowTrainer.FINAL_CHECKPOINT))) {
            ModelImport.run(module(name), data, out, List.of());
        }
        return out.resolve(FlowTrainer.FINAL_CHECKPOINT);
    }

    private static double relativeDifference(float[] a, float[] b) {
        assertEquals(a.length, b.length);
        double diff = 0;
        double scale = 0;
        for (int i = 0; i < a.length; i++) {
            diff = Math.max(diff, Math.abs((double) a[i] - b[i]));
            scale = Math.max(scale, Math.abs(b[i]));
        }
        return diff / scale;
    }

    @Test
    void importedVelocitiesEqualPyTorchsInEveryConvention() throws Exception {
        for (String name : List.of("mlp_rf", "mlp_fm", "mlp_torchcfm", "unet_rf", "unet_fm", "class_rf",
                "edm_gauss")) {
            try (NDManager m = Engines.newManager()) {
                Block net = TrainedModel.network(imported(name, null), true, m);
                NpyArray x = Npy.read(dir.resolve(name + ".x.npy"));
                NDList in = new NDList(m.create(x.data(), new Shape(x.shape())),
                        m.create(Npy.read(dir.resolve(name + ".t.npy")).data()));
                if (Files.exists(dir.resolve(name + ".y.npy"))) {
                    in.add(m.create(Npy.read(dir.resolve(name + ".y.npy")).data())); // the net takes labels as int64
                }
                float[] ours = Engines.withoutGradients(() -> net.forward(new ParameterStore(m, false), in, false)
                        .singletonOrThrow()).toFloatArray();
                double d = relativeDifference(ours, Npy.read(dir.resolve(name + ".v.npy")).data());
                assertTrue(d <= 1e-5, name + ": relative difference " + d);
            }
        }
    }

    @Test
    void pairsEqualAHeunLoopWrittenInPython() throws Exception {
        for (String name : List.of("mlp_rf", "unet_fm")) {
            for (int nfe : new int[] {8, 9}) {
                Path store = dir.resolve("pairs-" + name + "-" + nfe);
                Config c = ReflowConfig.schema().defaults().with("pairs.nfe", nfe).with("pairs.workers", 1)
                        .with("pairs.shard_size", 20).with("pairs.batch_size", 20).with("pairs.count", 20);
                PairGeneration.builder().setTeacher(imported(name, null)).setDirection(PairDirection.BACKWARD)
                        .optConfig(c).build().run(store);
                PairStore s = PairStore.open(store);
                long[] shape = new Shape(20).addAll(new Shape(s.settings().sampleShape())).getShape();
                Npy.write(dir.resolve("noise.npy"), s.x1(), shape);
                ImportedModule mod = module(name);
                python("heun", dir.resolve(name + ".pt").toString(), dir.resolve("noise.npy").toString(),
                        Integer.toString(nfe), mod.convention().configName(), mod.inputs(),
                        dir.resolve("heun.npy").toString());
                double d = relativeDifference(s.x0(), Npy.read(dir.resolve("heun.npy")).data());
                assertTrue(d <= 1e-4, name + " at NFE " + nfe + ": relative difference " + d);
            }
        }
    }

    @Test
    void reflowOfAnImportedModuleResumesExactly() throws Exception {
        Path teacher = imported("mlp_rf", "8gaussians");
        Path pairs = dir.resolve("reflow-pairs");
        Config base = ConfigLoader.fromMap(ReflowConfig.schema(), Checkpoints.read(teacher, Engines.newManager())
                .config());
        PairGeneration.builder().setTeacher(teacher).setDirection(PairDirection.BACKWARD)
                .optConfig(base.with("pairs.count", 200).with("pairs.shard_size", 100).with("pairs.nfe", 5))
                .build().run(pairs);
        Config c = base.with("reflow.teacher", teacher.toString()).with("reflow.pairs", List.of(pairs.toString()))
                .with("train.steps", 10L).with("train.batch_size", 32).with("train.checkpoint_every", 5)
                .with("train.warmup_steps", 0L);
        ProgressBar quiet = new ProgressBar(new PrintStream(new ByteArrayOutputStream()), 1, false);
        FlowTraining.run(c, dir.resolve("straight"), false, List.of(), quiet);
        FlowTraining.run(c.with("train.steps", 5L), dir.resolve("resumed"), false, List.of(), quiet);
        FlowTraining.run(c, dir.resolve("resumed"), true, List.of(), quiet);
        try (NDManager m = Engines.newManager()) {
            var a = Checkpoints.read(dir.resolve("straight").resolve(FlowTrainer.FINAL_CHECKPOINT), m);
            var b = Checkpoints.read(dir.resolve("resumed").resolve(FlowTrainer.FINAL_CHECKPOINT), m);
            assertEquals(10, b.state().step());
            assertTrue(a.module() != null && Arrays.equals(a.module(), b.module()), "checkpoints carry the module");
            for (int i = 0; i < a.parameters().size(); i++) {
                assertArrayEquals(a.parameters().get(i).toFloatArray(), b.parameters().get(i).toFloatArray(),
                        "parameter " + a.parameterNames().get(i));
            }
            var t0 = Checkpoints.read(teacher, m);
            assertTrue(!Arrays.equals(t0.parameters().get(0).toFloatArray(), a.parameters().get(0).toFloatArray()),
                    "ReFlow changed the module's weights");
        }
    }

    @Test
    void exportsLoadInPythonWithReflowKitsVelocities() throws Exception {
        Path tiny = TinyTeacher.checkpoint(23);
        List<Path> models = List.of(tiny, imported("class_rf", null));
        for (Path ckpt : models) {
            try (NDManager m = Engines.newManager()) {
                Block net = TrainedModel.network(ckpt, true, m);
                Path pt = dir.resolve("export-" + ckpt.getParent().getFileName() + ".pt");
                Files.write(pt, TorchScriptExport.export(net));
                boolean conditional = ckpt.toString().contains("class_rf");
                float[] x = SeededNoise.normal(3, 0, 6, 2);
                float[] t = {0.02f, 0.2f, 0.45f, 0.6f, 0.9f, 1f};
                Npy.write(dir.resolve("ex.x.npy"), x, new long[] {6, 2});
                Npy.write(dir.resolve("ex.t.npy"), t, new long[] {6});
                NDList in = new NDList(m.create(x, new Shape(6, 2)), m.create(t));
                if (conditional) {
                    Npy.write(dir.resolve("ex.y.npy"), new float[] {0, 1, 2, 3, 1, 0}, new long[] {6});
                    in.add(m.create(new long[] {0, 1, 2, 3, 1, 0}));
                }
                python(conditional
                        ? new String[] {"exported", pt.toString(), dir.resolve("ex.x.npy").toString(),
                            dir.resolve("ex.t.npy").toString(), dir.resolve("ex.v.npy").toString(),
                            dir.resolve("ex.y.npy").toString()}
                        : new String[] {"exported", pt.toString(), dir.resolve("ex.x.npy").toString(),
                            dir.resolve("ex.t.npy").toString(), dir.resolve("ex.v.npy").toString()});
                float[] ours = Engines.withoutGradients(() -> net.forward(new ParameterStore(m, false), in, false)
                        .singletonOrThrow()).toFloatArray();
                double d = relativeDifference(ours, Npy.read(dir.resolve("ex.v.npy")).data());
                assertTrue(d <= 1e-5, ckpt + ": relative difference " + d);
            }
        }
    }

    /** An analytic module has nothing to fine-tune: refused, and distilled into a ReflowKit MLP instead. */
    @Test
    void aModuleWithoutParametersIsDistilledIntoAReflowKitNetwork() throws Exception {
        Path teacher = imported("edm_gauss", "8gaussians");
        Path pairs = dir.resolve("edm-pairs");
        Config base = ConfigLoader.fromMap(ReflowConfig.schema(), Checkpoints.read(teacher, Engines.newManager())
                .config());
        PairGeneration.builder().setTeacher(teacher).setDirection(PairDirection.BACKWARD)
                .optConfig(base.with("pairs.count", 100).with("pairs.shard_size", 100).with("pairs.nfe", 9))
                .build().run(pairs);
        Config c = base.with("reflow.teacher", teacher.toString()).with("reflow.pairs", List.of(pairs.toString()))
                .with("train.steps", 5L).with("train.batch_size", 16).with("train.checkpoint_every", 5);
        ProgressBar quiet = new ProgressBar(new PrintStream(new ByteArrayOutputStream()), 1, false);
        IllegalArgumentException e = org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class,
                () -> FlowTraining.run(c, dir.resolve("edm-finetune"), false, List.of(), quiet));
        assertTrue(e.getMessage().contains("no parameters") && e.getMessage().contains("model.type=mlp"),
                e.getMessage());
        Path distilled = dir.resolve("edm-distilled");
        FlowTraining.run(c.with("model.type", "mlp").with("model.hidden", 16), distilled, false, List.of(), quiet);
        assertTrue(Files.readString(distilled.resolve("run.json")).contains("from scratch"));
        try (NDManager m = Engines.newManager()) {
            assertEquals(null, Checkpoints.read(distilled.resolve(FlowTrainer.FINAL_CHECKPOINT), m).module(),
                    "a ReflowKit network carries no module");
        }
    }

    /**
     * EDM end to end: for data N(mu, s^2 I) the denoiser is known in closed form and the exact flow
     * maps noise n to mu + s n; an imported denoiser sampled with dopri5 must land there (up to
     * EDM's sigma range [0.002, 80], which the adapter clamps to).
     */
    @Test
    void anEdmDenoiserOfGaussianDataSamplesItsExactFlow() throws Exception {
        try (NDManager m = Engines.newManager()) {
            TrainedModel model = TrainedModel.load(imported("edm_gauss", null), true, m);
            SamplerPlan plan = new SamplerPlan(DormandPrinceSolver.builder().optAtol(1e-6).optRtol(1e-6).build(),
                    new double[] {1, 0}, 0);
            float[] x = BatchSampler.generate(model.field(), plan, 200, 200, 5, new long[] {2}, m).data();
            float[] n = SeededNoise.normal(5, 0, 200, 2);
            double worst = 0;
            for (int i = 0; i < x.length; i++) {
                worst = Math.max(worst, Math.abs(x[i] - (0.5 + 0.8 * n[i])));
            }
            assertTrue(worst < 0.02, "largest distance to the exact sample mu + s n: " + worst);
        }
    }
}
