package dev.reflowkit.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * The PyTorch side of the benchmark: runs {@code torch_reference.py} (shipped in this jar) with a
 * Python that has PyTorch, on the same workloads, threads and environment, in a child process,
 * never at the same time as ReflowKit's own measurements: a batch run of workloads ({@link #run}),
 * a session serving one workload in chunks ({@link #session}), the environment probe
 * ({@link #probe}) and the equality check of {@code ReferenceEqualityTest}. The spec it writes
 * carries every setting the script uses ({@link Workload#toSpec}); the script refuses what it does
 * not implement (exit 2, its reason in the exception's message).
 */
public final class TorchReference {

    /** The suffix of the results run with ReflowKit's op graph. */
    public static final String COMPOSITE = "@composite";

    private static final String NATIVE = "native";

    /** The matrix size of the environment probe's matmul (ReflowKit measures the same). */
    public static final int PROBE_SIZE = 512;

    /** The script's resource path. */
    public static final String SCRIPT = "/dev/reflowkit/bench/torch_reference.py";

    private final String python;
    private final long timeoutSeconds;

    /**
     * Creates a reference runner.
     *
     * @param python the Python executable (Debian's {@code /usr/bin/python3} with
     *     {@code python3-torch})
     * @param timeoutSeconds the limit for one run of all workloads
     */
    public TorchReference(String python, long timeoutSeconds) {
        this.python = python;
        this.timeoutSeconds = timeoutSeconds;
    }

    /**
     * What one reference run reported.
     *
     * @param results one measurement per workload name
     * @param info the reference's versions and settings (torch, Python, BLAS, threads)
     * @param startupSeconds {@code import torch} and a first operation
     */
    public record Run(Map<String, Measurement> results, Map<String, Object> info, double startupSeconds) {}

    /**
     * Checks that the Python can import torch.
     *
     * @return null if it can, else the reason (with the set-up command to run)
     */
    public String unavailableReason() {
        try {
            Process p = new ProcessBuilder(python, "-c", "import torch; print(torch.__version__)")
                    .redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
            if (!p.waitFor(120, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                return python + " did not answer within 120 s";
            }
            return p.exitValue() == 0 ? null : python + " cannot import torch (" + lastLine(out)
                    + "); install it with bench/setup.sh (apt-get install python3-torch libopenblas0-openmp)";
        } catch (IOException e) {
            return "cannot run " + python + ": " + e.getMessage();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return "interrupted";
        }
    }

    /**
     * Runs the reference on the workloads.
     *
     * @param workloads the workloads (same order as ReflowKit's)
     * @param threads intra-op threads
     * @param workDir a directory for the spec and result files
     * @param log receives the script's progress lines
     * @param composite also run every network with ReflowKit's op graph (SiLU as {@code x *
     *     sigmoid(x)}, GroupNorm as layer norm + affine), reported under {@code NAME@composite}
     * @return the results
     * @throws IOException if the script fails or its result is unreadable
     */
    public Run run(List<Workload> workloads, int threads, Path workDir, Consumer<String> log, boolean composite)
            throws IOException {
        return run(workloads, threads, workDir, log, composite ? List.of(NATIVE, "composite") : List.of(NATIVE));
    }

    /**
     * Runs the reference on the workloads with ReflowKit's op graph only (the results named
     * {@code NAME@composite}): the explaining column when the native figures come from a
     * {@link #session}.
     *
     * @param workloads the workloads
     * @param threads intra-op threads
     * @param workDir a directory for the spec and result files
     * @param log receives the script's progress lines
     * @return the results, named with {@link #COMPOSITE}
     * @throws IOException if the script fails or its result is unreadable
     */
    public Run runComposite(List<Workload> workloads, int threads, Path workDir, Consumer<String> log)
            throws IOException {
        return run(workloads, threads, workDir, log, List.of("composite"));
    }

    /**
     * Starts a reference process serving one training or sampling workload in chunks (the paired
     * mode), with this runner's Python and time limit.
     *
     * @param w the workload
     * @param threads intra-op threads
     * @param workDir a directory for the script and its spec
     * @param log receives the script's output other than its answers
     * @return the session, warmed up
     * @throws IOException if the process cannot start or fails
     */
    public TorchSession session(Workload w, int threads, Path workDir, Consumer<String> log) throws IOException {
        if (w.kind() == Workload.Kind.MATMUL) {
            throw new IllegalArgumentException(w.name() + ": only training and sampling workloads run in chunks");
        }
        return TorchSession.start(process(List.of(w), threads, workDir, Map.of(), "--serve"),
                timeoutSeconds, log);
    }

    /**
     * Writes the script and its spec into a directory and prepares the reference's process
     * ({@code python SCRIPT SPEC ARGS...}, output and errors merged, the given threads also
     * as {@code OMP_NUM_THREADS}): shared by the batch runs and the sessions.
     *
     * @param workloads the workloads of the spec
     * @param threads intra-op threads
     * @param dir where the script and {@code spec.json} are written (created if missing)
     * @param extra further spec entries
     * @param args the script's arguments after the spec file
     * @return the process builder, not started
     * @throws IOException if a file cannot be written
     */
    private ProcessBuilder process(List<Workload> workloads, int threads, Path dir, Map<String, Object> extra,
            String... args) throws IOException {
        Files.createDirectories(dir);
        Path script = dir.resolve("torch_reference.py");
        try (InputStream in = TorchReference.class.getResourceAsStream(SCRIPT)) {
            if (in == null) {
                throw new IOException("resource " + SCRIPT + " is missing from the jar");
            }
            Files.write(script, in.readAllBytes());
        }
        Map<String, Object> spec = new LinkedHashMap<>();
        spec.put("threads", threads);
        spec.put("interop_threads", 1);
        spec.put("seed", 0);
        spec.putAll(extra);
        List<Map<String, Object>> specs = new ArrayList<>();
        workloads.forEach(w -> specs.add(w.toSpec()));
        spec.put("workloads", specs);
        Path specFile = dir.resolve("spec.json");
        new ObjectMapper().writerWithDefaultPrettyPrinter().writeValue(specFile.toFile(), spec);
        List<String> command = new ArrayList<>(List.of(python, script.toString(), specFile.toString()));
        command.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true);
        pb.environment().put("OMP_NUM_THREADS", Integer.toString(threads));
        return pb;
    }

    private Run run(List<Workload> workloads, int threads, Path workDir, Consumer<String> log, List<String> variants)
            throws IOException {
        Path outFile = workDir.resolve("torch.json");
        Files.deleteIfExists(outFile);
        execute(process(workloads, threads, workDir, Map.of("variants", variants), outFile.toString()), outFile, log);
        JsonNode root = new ObjectMapper().readTree(outFile.toFile());
        Map<String, Measurement> results = new LinkedHashMap<>();
        for (Workload w : workloads) {
            if (variants.contains(NATIVE)) {
                results.put(w.name(), measurement(w, root.path("results").path(w.name()), w.name()));
            }
            JsonNode c = root.path("results").path(w.name() + COMPOSITE);
            if (!c.isMissingNode()) {
                results.put(w.name() + COMPOSITE, measurement(w, c, w.name() + COMPOSITE));
            }
        }
        return new Run(results, info(root), root.path("startup_s").asDouble(Double.NaN));
    }

    /**
     * Runs the reference's environment probe ({@code --probe}) with the benchmark's threads and
     * environment: its BLAS (build information and the libraries it loaded), thread settings, the
     * relevant environment variables, a matmul's GFLOP/s and an MLP layer's (see
     * {@link ReferenceEnvironment}).
     *
     * @param threads intra-op threads
     * @param workDir a directory for the script, spec and report
     * @param log receives the script's output
     * @return the probe's report
     * @throws IOException if the script fails or its report is unreadable
     */
    public JsonNode probe(int threads, Path workDir, Consumer<String> log) throws IOException {
        Path outFile = workDir.resolve("probe.json");
        Files.deleteIfExists(outFile);
        execute(process(List.of(), threads, workDir, Map.of("probe_size", PROBE_SIZE), "--probe", outFile.toString()),
                outFile, log);
        return new ObjectMapper().readTree(outFile.toFile());
    }

    /**
     * Runs the reference's equality check ({@code --check DIR}): it loads ReflowKit's weights and
     * inputs from {@code DIR} (written by the equality test) into its own networks and writes back
     * their velocities, a solve and training steps under {@code DIR/torch}.
     *
     * @param workloads a training and a sampling workload
     * @param threads intra-op threads
     * @param dir the exchange directory
     * @param check the check's own spec entries (the parameter names)
     * @param log receives the script's output
     * @throws IOException if the script fails or refuses
     */
    void check(List<Workload> workloads, int threads, Path dir, Map<String, Object> check, Consumer<String> log)
            throws IOException {
        Path result = dir.resolve("torch").resolve("result.json");
        Files.deleteIfExists(result);
        execute(process(workloads, threads, dir, Map.of("check", check), "--check", dir.toString()), result, log);
    }

    /** Runs a prepared reference process to its end; it must exit 0 and leave {@code outFile}. */
    private void execute(ProcessBuilder pb, Path outFile, Consumer<String> log) throws IOException {
        Process p = pb.start();
        List<String> lines = java.util.Collections.synchronizedList(new ArrayList<>());
        Thread reader = new Thread(() -> {
            try (var in = p.inputReader(StandardCharsets.UTF_8)) {
                String line;
                while ((line = in.readLine()) != null) {
                    lines.add(line);
                    log.accept(line);
                }
            } catch (IOException e) {
                lines.add("(output unreadable: " + e.getMessage() + ")");
            }
        }, "torch-reference-output");
        reader.setDaemon(true);
        reader.start();
        try {
            if (!p.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new IOException("the PyTorch reference did not finish within " + timeoutSeconds + " s");
            }
            reader.join(5000);
        } catch (InterruptedException e) {
            p.destroyForcibly();
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while waiting for the PyTorch reference", e);
        }
        if (p.exitValue() != 0 || !Files.exists(outFile)) {
            throw new IOException("the PyTorch reference failed (exit " + p.exitValue() + "): "
                    + lastLine(String.join("\n", List.copyOf(lines))));
        }
    }

    /**
     * The reference's versions and settings from its report (a batch run's result file or a
     * session's ready line): torch, Python, threads, inter-op threads, BLAS, oneDNN.
     *
     * @param root the report
     * @return the entries, numbers as doubles
     */
    static Map<String, Object> info(JsonNode root) {
        Map<String, Object> info = new LinkedHashMap<>();
        for (String key : List.of("torch", "python", "threads", "interop_threads", "blas", "mkldnn")) {
            JsonNode v = root.path(key);
            info.put(key, v.isNumber() ? (Object) v.asDouble() : v.asText());
        }
        return info;
    }

    private static Measurement measurement(Workload w, JsonNode r, String name) throws IOException {
        if (r.isMissingNode()) {
            throw new IOException("the PyTorch reference reported nothing for " + name);
        }
        double seconds = r.path("seconds").asDouble();
        double items = w.kind() == Workload.Kind.MATMUL ? r.path("gflops").asDouble() * 1e9
                : r.path("items_per_s").asDouble();
        return new Measurement(seconds, w.count() / seconds, items, r.path("peak_rss_mb").asDouble(Double.NaN),
                r.path("params").asLong());
    }

    private static String lastLine(String text) {
        String[] lines = text.strip().split("\n");
        return lines.length == 0 ? "" : lines[lines.length - 1];
    }
}
