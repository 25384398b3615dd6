package dev.reflowkit.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import ai.djl.nn.Parameter;
import ai.djl.util.Pair;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.reflowkit.config.Config;
import dev.reflowkit.coupling.Coupling;
import dev.reflowkit.coupling.PairBatch;
import dev.reflowkit.engine.Engines;
import dev.reflowkit.io.Npy;
import dev.reflowkit.model.BlockVelocityField;
import dev.reflowkit.pipeline.Components;
import dev.reflowkit.sampling.BatchSampler;
import dev.reflowkit.sampling.SeededNoise;
import dev.reflowkit.time.TimeDistribution;
import dev.reflowkit.train.Checkpoint;
import dev.reflowkit.train.Checkpoints;
import dev.reflowkit.train.FlowTrainer;
import dev.reflowkit.train.ProgressBar;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.random.RandomGenerator;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The benchmark's PyTorch reference ({@code torch_reference.py}, run for real with Debian's
 * {@code /usr/bin/python3} and {@code python3-torch}) computes what ReflowKit computes: ReflowKit's
 * weights are loaded into the reference's MLP and U-Net (small sizes) by ReflowKit's parameter
 * names, which must all match (the networks are block for block the same), and the two sides'
 * velocities, a whole Heun solve, and four training steps on the same batches and times (loss,
 * gradient norm, weights, EMA and Adam's first moment; dropout 0) must agree to 1e-4 relative.
 * Also runs the reference's real environment probe and its refusal of settings it does not
 * implement.
 *
 * <p>Weights and arrays travel as {@code .npy} files ({@link Npy}), as in the interop tests. The
 * test needs {@code /usr/bin/python3} with torch and numpy ({@code .ci/run} installs them) and
 * fails without them: a benchmark whose reference is never checked must not pass quietly.
 */
class ReferenceEqualityTest {

    private static final String PYTHON = "/usr/bin/python3";
    private static final double TOLERANCE = 1e-4;
    private static final int STEPS = 4;
    private static final int BATCH = 16;

    @TempDir
    Path dir;

    @BeforeAll
    static void requirePythonWithTorch() {
        String why;
        try {
            Process p = new ProcessBuilder(PYTHON, "-c", "import torch, numpy; print(torch.__version__)")
                    .redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
            if (p.waitFor(120, TimeUnit.SECONDS) && p.exitValue() == 0) {
                return;
            }
            why = out;
        } catch (IOException | InterruptedException e) {
            why = e.toString();
        }
        fail("ReferenceEqualityTest checks the benchmark's PyTorch reference against ReflowKit and needs " + PYTHON
                + " with torch and numpy (apt-get install python3-torch python3-numpy, as .ci/run does): " + why);
    }

    private static TorchReference reference() {
        return new TorchReference(PYTHON, 600);
    }

    @Test
    void theMlpComputesWhatReflowKitComputes() throws IOException {
        compare("mlp", List.of("data.source=8gaussians", "model.hidden=32", "model.depth=2", "model.time_dim=16"),
                new long[] {2});
    }

    @Test
    void theUNetComputesWhatReflowKitComputes() throws IOException {
        compare("unet", List.of("data.source=synthetic-shapes:200", "data.resolution=8", "data.channels=1",
                "model.type=unet", "model.channels=8", "model.channel_mult=[1,2]", "model.res_blocks=1",
                "model.attention_resolutions=[4]", "model.mid_attention=true", "model.groups=4", "model.time_dim=16",
                "model.zero_init=false", "train.lanes=2"), new long[] {1, 8, 8}); // both sides in two lanes
    }

    /**
     * One network both ways. The training settings exercise every part of the step: warm-up, then
     * cosine decay, clipping (the first steps' gradient norms are over 0.05), Adam's L2 weight decay
     * and the EMA's ramp-up. Adam's epsilon is 1e-3 so that its update is a smooth function of the
     * gradient: with 1e-8 a gradient element that is zero up to rounding moves its weight by up to
     * the learning rate in either direction, on either side.
     */
    private void compare(String label, List<String> overrides, long[] shape) throws IOException {
        List<String> all = new ArrayList<>(overrides);
        all.addAll(List.of("model.dropout=0", "train.lr=1e-2", "train.warmup_steps=2", "train.lr_decay=cosine",
                "train.grad_clip=0.05", "train.weight_decay=0.01", "train.adam_eps=1e-3", "train.ema_halflife=64",
                "train.ema_rampup=0.5", "train.log_every=1"));
        Config c = BenchSuite.config(all);
        Workload train = new Workload(label + "-train", Workload.Kind.TRAIN, c, shape, BATCH, 0, STEPS, 0, Double.NaN);
        Workload sample = new Workload(label + "-sample", Workload.Kind.SAMPLE, c, shape, 8, 0, 1, 9, Double.NaN);
        int perSample = Math.toIntExact(new Shape(shape).size());
        Map<String, Double> worst = new LinkedHashMap<>();
        try (NDManager m = Engines.newManager()) {
            Block net = ReflowKitRunner.network(train, m);
            List<String> names = new ArrayList<>();
            Files.createDirectories(dir.resolve("params"));
            for (Pair<String, Parameter> p : net.getParameters()) {
                names.add(plainName(p.getKey()));
                NDArray a = p.getValue().getArray();
                Npy.write(dir.resolve("params/" + plainName(p.getKey()) + ".npy"), a.toFloatArray(),
                        a.getShape().getShape());
            }
            // Inputs: velocities at six points and times, a solve's noise, the training batches.
            long[] vShape = new Shape(6).addAll(new Shape(shape)).getShape();
            float[] vx = SeededNoise.normal(11, 0, 6, perSample);
            float[] vt = {0.02f, 0.2f, 0.45f, 0.6f, 0.9f, 0.99f};
            Npy.write(dir.resolve("v_x.npy"), vx, vShape);
            Npy.write(dir.resolve("v_t.npy"), vt, new long[] {6});
            Npy.write(dir.resolve("noise.npy"), SeededNoise.normal(3, 0, sample.batch(), perSample),
                    new Shape(sample.batch()).addAll(new Shape(shape)).getShape());
            long[] stepShape = new Shape(STEPS, BATCH).addAll(new Shape(shape)).getShape();
            float[] x0 = SeededNoise.normal(21, 0, STEPS * BATCH, perSample);
            float[] x1 = SeededNoise.normal(22, 0, STEPS * BATCH, perSample);
            float[] t = new float[STEPS * BATCH];
            java.util.SplittableRandom rng = new java.util.SplittableRandom(5);
            for (int i = 0; i < t.length; i++) {
                t[i] = (float) (0.001 + 0.998 * rng.nextDouble());
            }
            Npy.write(dir.resolve("step_x0.npy"), x0, stepShape);
            Npy.write(dir.resolve("step_x1.npy"), x1, stepShape);
            Npy.write(dir.resolve("step_t.npy"), t, new long[] {STEPS, BATCH});

            List<String> log = new ArrayList<>();
            reference().check(List.of(train, sample), 1, dir, Map.of("names", names), log::add);
            Path out = dir.resolve("torch");
            JsonNode result = new ObjectMapper().readTree(out.resolve("result.json").toFile());
            assertEquals(ReflowKitRunner.parameterCount(net), result.path("params").asLong(), "parameter counts");

            BlockVelocityField field = new BlockVelocityField(net, m);
            float[] v = field.velocity(m.create(vx, new Shape(vShape)), m.create(vt)).toFloatArray();
            worst.put("velocity", relativeDifference(v, Npy.read(out.resolve("v.npy")).data()));
            float[] samples = BatchSampler.generate(field, sample.plan(), sample.batch(), sample.batch(), 3, shape, m)
                    .data();
            worst.put("heun solve, 9 NFE", relativeDifference(samples, Npy.read(out.resolve("sample.npy")).data()));

            // The same steps through ReflowKit's trainer, on the same batches and times.
            Path run = dir.resolve("run");
            Config tc = c.with("train.steps", STEPS).with("train.batch_size", BATCH).with("train.checkpoint_every", STEPS);
            FlowTrainer.builder()
                    .setModel(net, m)
                    .setCoupling(new GivenBatches(x0, x1, shape))
                    .setTimeDistribution(new GivenTimes(t))
                    .setLoss(Components.loss(tc))
                    .setSettings(Components.trainSettings(tc))
                    .setOutputDir(run)
                    .optProgress(new ProgressBar(new PrintStream(OutputStream.nullOutputStream()), STEPS, false))
                    .build()
                    .run(false);
            List<JsonNode> records = new ArrayList<>();
            for (String line : Files.readAllLines(run.resolve(FlowTrainer.LOG_FILE))) {
                records.add(new ObjectMapper().readTree(line));
            }
            assertEquals(STEPS, records.size());
            double loss = 0;
            double norm = 0;
            for (int k = 0; k < STEPS; k++) {
                loss = Math.max(loss, relative(records.get(k).path("loss").asDouble(), result.path("loss").get(k).asDouble()));
                norm = Math.max(norm, relative(records.get(k).path("grad_norm").asDouble(),
                        result.path("grad_norm").get(k).asDouble()));
                assertTrue(result.path("grad_norm").get(k).asDouble() > 0.05, "clipping is exercised at step " + k);
            }
            worst.put("loss, " + STEPS + " steps", loss);
            worst.put("gradient norm", norm);
            Checkpoint ckpt = Checkpoints.read(run.resolve(FlowTrainer.FINAL_CHECKPOINT), m);
            worst.put("weights after " + STEPS + " steps", worstOf(ckpt.parameterNames(), ckpt.parameters(), out, "params"));
            worst.put("EMA", worstOf(ckpt.parameterNames(), ckpt.ema(), out, "ema"));
            worst.put("Adam first moment", worstOf(ckpt.parameterNames(), ckpt.adamFirst(), out, "m"));
        }
        StringBuilder report = new StringBuilder(label + ": largest relative differences ReflowKit vs reference:");
        worst.forEach((k, d) -> report.append(String.format(Locale.ROOT, " %s %.2e;", k, d)));
        System.out.println(report);
        worst.forEach((k, d) -> assertTrue(d <= TOLERANCE, report.toString()));
    }

    /**
     * A parameter's name without DJL's child numbers: DJL names a child block {@code NNname} (its
     * position, two digits, then the name given), e.g. {@code 05down0_res0_02conv1_weight}; the
     * reference names its modules as ReflowKit's blocks, {@code down0_res0.conv1.weight}.
     */
    static String plainName(String djlName) {
        return djlName.replaceAll("(^|_)\\d{2}(?=[A-Za-z])", "$1");
    }

    /** The largest relative difference over all parameters (each relative to its own largest value). */
    private static double worstOf(List<String> names, List<NDArray> ours, Path out, String folder) throws IOException {
        double worst = 0;
        for (int i = 0; i < names.size(); i++) {
            float[] theirs = Npy.read(out.resolve(folder).resolve(plainName(names.get(i)) + ".npy")).data();
            worst = Math.max(worst, relativeDifference(ours.get(i).toFloatArray(), theirs));
        }
        return worst;
    }

    private static double relative(double a, double b) {
        return Math.abs(a - b) / Math.max(Math.abs(b), 1e-30);
    }

    /** max |a - b| over max |b| (0 for two all-zero arrays). */
    static double relativeDifference(float[] a, float[] b) {
        assertEquals(b.length, a.length, "array lengths");
        double diff = 0;
        double scale = 0;
        for (int i = 0; i < a.length; i++) {
            diff = Math.max(diff, Math.abs((double) a[i] - b[i]));
            scale = Math.max(scale, Math.abs(b[i]));
        }
        return diff == 0 ? 0 : diff / scale;
    }

    /** The real environment probe reports its BLAS, threads and speeds, and the decision follows them. */
    @Test
    void theEnvironmentProbeReportsWhatTheCheckDecidesOn() throws IOException {
        JsonNode probe = reference().probe(1, dir, l -> { });
        List<String> problems = ReferenceEnvironment.problems(probe, 1, Double.NaN);
        System.out.println("reference environment: " + ReferenceEnvironment.blasText(probe) + ", matmul "
                + probe.path("matmul_gflops").asDouble() + " GFLOP/s, MLP layer " + probe.path("mlp_gflops").asDouble()
                + " GFLOP/s; problems: " + problems);
        assertTrue(probe.path("matmul_gflops").asDouble() > 0 && probe.path("mlp_gflops").asDouble() > 0,
                probe.toString());
        assertEquals(1, probe.path("threads").asInt());
        assertEquals("1", probe.path("env").path("OMP_NUM_THREADS").asText(), "the benchmark's threads reach OpenMP");
        assertTrue(probe.path("parallel_info").asText().contains("omp_get_max_threads() : 1"), probe.toString());
        assertFalse(probe.path("libraries").isEmpty(), "the loaded BLAS is found: " + probe);
        ReferenceEnvironment.Blas blas = ReferenceEnvironment.blas(probe);
        if (blas == ReferenceEnvironment.Blas.NETLIB || blas == ReferenceEnvironment.Blas.UNKNOWN) {
            assertTrue(problems.stream().anyMatch(p -> p.startsWith("BLAS")), problems.toString());
        }
    }

    /**
     * The real script serves every kind of workload in the paired mode (whole steps and the
     * network alone) and reports its own parameter count, which equals ReflowKit's.
     */
    @Test
    void theRealReferenceServesEveryScopeWithReflowKitsParameterCount() throws IOException {
        Config mlp = BenchSuite.config(List.of("data.source=8gaussians", "model.hidden=32", "model.dropout=0.1"));
        Config unet = BenchSuite.config(List.of("data.source=synthetic-shapes:200", "data.resolution=8",
                "model.type=unet", "model.channels=8", "model.channel_mult=[1,2]", "model.dropout=0.1"));
        List<Workload> workloads = new ArrayList<>();
        for (Workload w : List.of(
                new Workload("mlp-train", Workload.Kind.TRAIN, mlp, new long[] {2}, 16, 2, 4, 0, Double.NaN),
                new Workload("unet-train", Workload.Kind.TRAIN, unet, new long[] {1, 8, 8}, 4, 1, 2, 0, Double.NaN),
                new Workload("unet-sample-4", Workload.Kind.SAMPLE, unet, new long[] {1, 8, 8}, 4, 1, 2, 4,
                        Double.NaN))) {
            workloads.add(w);
            workloads.add(w.networkAlone());
        }
        try (NDManager m = Engines.newManager()) {
            for (Workload w : workloads) {
                long ours = ReflowKitRunner.parameterCount(ReflowKitRunner.network(w, m));
                try (TorchSession s = reference().session(w, 1, dir.resolve(w.name()), l -> { })) {
                    assertEquals(ours, s.parameters(), w.name());
                    assertTrue(s.run(2) > 0, w.name());
                }
            }
        }
    }

    /** Settings the reference does not implement fail the run with the reason, before any measuring. */
    @Test
    void theReferenceRefusesWhatItDoesNotImplement() {
        Config huber = BenchSuite.config(List.of("data.source=8gaussians", "loss.type=pseudo-huber"));
        Workload train = new Workload("mlp-train", Workload.Kind.TRAIN, huber, new long[] {2}, 8, 1, 1, 0, Double.NaN);
        IOException e = assertThrows(IOException.class,
                () -> reference().run(List.of(train), 1, dir.resolve("a"), l -> { }, false));
        assertTrue(e.getMessage().contains("refused") && e.getMessage().contains("pseudo-huber"), e.getMessage());

        Config logit = BenchSuite.config(List.of("data.source=8gaussians", "path.time=logit-normal"));
        Workload t2 = new Workload("mlp-train", Workload.Kind.TRAIN, logit, new long[] {2}, 8, 1, 1, 0, Double.NaN);
        IOException e2 = assertThrows(IOException.class, () -> reference().session(t2, 1, dir.resolve("b"), l -> { }));
        assertTrue(e2.getMessage().contains("refused") && e2.getMessage().contains("logit-normal"), e2.getMessage());

        Config rk4 = BenchSuite.config(List.of("data.source=8gaussians", "sample.solver=rk4"));
        Workload s = new Workload("mlp-sample", Workload.Kind.SAMPLE, rk4, new long[] {2}, 8, 0, 1, 8, Double.NaN);
        IOException e3 = assertThrows(IOException.class,
                () -> reference().run(List.of(s), 1, dir.resolve("c"), l -> { }, false));
        assertTrue(e3.getMessage().contains("refused") && e3.getMessage().contains("rk4"), e3.getMessage());
    }

    /** The training batches given to both sides, step by step. */
    private static final class GivenBatches implements Coupling {
        private final float[] x0;
        private final float[] x1;
        private final long[] shape;
        private int step;

        GivenBatches(float[] x0, float[] x1, long[] shape) {
            this.x0 = x0;
            this.x1 = x1;
            this.shape = shape.clone();
        }

        @Override
        public PairBatch sample(RandomGenerator rng, int batchSize) {
            int size = x0.length / STEPS;
            int from = step++ * size;
            return new PairBatch(Arrays.copyOfRange(x0, from, from + size), Arrays.copyOfRange(x1, from, from + size),
                    batchSize, shape);
        }

        @Override
        public long[] sampleShape() {
            return shape.clone();
        }
    }

    /** The training times given to both sides, step by step. */
    private static final class GivenTimes implements TimeDistribution {
        private final float[] t;
        private int step;

        GivenTimes(float[] t) {
            this.t = t;
        }

        @Override
        public float[] sample(RandomGenerator rng, int n) {
            int from = step++ * n;
            return Arrays.copyOfRange(t, from, from + n);
        }

        @Override
        public double sample(RandomGenerator rng) {
            throw new UnsupportedOperationException("given times come in batches");
        }

        @Override
        public double density(double x) {
            return 1;
        }

        @Override
        public String name() {
            return "given";
        }
    }
}
