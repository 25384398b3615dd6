package dev.reflowkit.bench;

import ai.djl.ndarray.NDManager;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import ai.djl.nn.Block;
import dev.reflowkit.engine.Engines;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Consumer;
import java.util.stream.Collectors;

/**
 * The benchmark: the reference's environment check and the memory checks first (in this
 * process), then every workload through ReflowKit and through the PyTorch reference, never both at
 * once, over several rounds, so that each ratio compares medians taken on the same machine at the
 * same time. Training and sampling workloads run paired: within each round the sides alternate in
 * chunks of a few seconds (see {@link Builder#optChunks}), ReflowKit taking the first turn in odd
 * rounds and the reference in even ones; the matrix multiply, and every workload with
 * {@code optChunks(0)}, alternate per workload with the first side alternating.
 *
 * <p>Like for like by construction: both sides report their network's parameter count and a
 * difference fails the benchmark; the reference receives every setting it uses in its spec and
 * refuses what it does not implement; and before anything is measured its environment is checked
 * ({@link ReferenceEnvironment}): a reference that is not set up for speed fails the benchmark, or
 * with {@link Builder#optAllowSlowReference} has every ratio marked invalid.
 */
public final class Bench {

    /** Chunks per side and round in the paired mode, unless set. */
    public static final int DEFAULT_CHUNKS = 5;

    private final List<Workload> workloads;
    private final int rounds;
    private final TorchReference reference;
    private final int threads;
    private final MemorySettings memory;
    private final Path workDir;
    private final Consumer<String> log;
    private final Map<String, Object> settings;
    private final boolean explain;
    private final int chunks;
    private final boolean allowSlowReference;
    private final List<Double> torchStartups = new ArrayList<>();

    /**
     * The memory checks to run.
     *
     * @param trainSteps training steps of the RSS-slope check (0 skips it)
     * @param pairCounts pair counts of the pair-generation check (empty skips it)
     */
    public record MemorySettings(int trainSteps, int[] pairCounts) {}

    private Bench(Builder b) {
        this.workloads = List.copyOf(b.workloads);
        this.rounds = b.rounds;
        this.reference = b.reference;
        this.threads = b.threads;
        this.memory = b.memory;
        this.workDir = b.workDir;
        this.log = b.log;
        this.settings = b.settings;
        this.explain = b.explain;
        this.chunks = b.chunks;
        this.allowSlowReference = b.allowSlowReference;
    }

    /**
     * A new builder.
     *
     * @return the builder
     */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * Runs the benchmark.
     *
     * @return the result
     * @throws IOException if scratch files cannot be written or the reference fails
     */
    public BenchResult run() throws IOException {
        Files.createDirectories(workDir);
        long t0 = System.nanoTime();
        Engines.engine();
        try (NDManager m = Engines.newManager()) {
            m.ones(new ai.djl.ndarray.types.Shape(4)).sum().getFloat();
        }
        double startup = (System.nanoTime() - t0) / 1e9;
        Map<String, Object> referenceInfo = new LinkedHashMap<>();
        String unavailable = reference == null ? "not requested (--no-reference)" : reference.unavailableReason();
        if (unavailable != null) {
            referenceInfo.put("unavailable", unavailable);
            log.accept("PyTorch reference: " + unavailable);
        } else {
            checkEnvironment(referenceInfo);
        }
        torchStartups.clear();
        Map<String, List<Measurement>> ours = new LinkedHashMap<>();
        Map<String, List<Measurement>> theirs = new LinkedHashMap<>();
        workloads.forEach(w -> {
            ours.put(w.name(), new ArrayList<>());
            theirs.put(w.name(), new ArrayList<>());
            theirs.put(w.name() + TorchReference.COMPOSITE, new ArrayList<>());
        });
        // Memory first: later, the allocator keeps the speed workloads' memory for reuse, which
        // would hide the memory checks' own growth under a high floor.
        List<RssTrend> trends = new ArrayList<>();
        if (memory.trainSteps() > 0) {
            log.accept("memory: training " + memory.trainSteps() + " steps");
            Path dir = Files.createTempDirectory(workDir, "memory-train-");
            trends.add(MemoryChecks.training(BenchSuite.config(BenchSuite.MLP), memory.trainSteps(), 100,
                    dir.resolve("run")));
            ReflowKitRunner.deleteTree(dir);
        }
        if (memory.pairCounts().length > 0) {
            Path dir = Files.createTempDirectory(workDir, "memory-pairs-");
            trends.addAll(MemoryChecks.pairs(BenchSuite.config(BenchSuite.MLP), memory.pairCounts(), dir, log));
            ReflowKitRunner.deleteTree(dir);
        }
        try (NDManager manager = Engines.newManager()) {
            ReflowKitRunner runner = new ReflowKitRunner(manager);
            for (int round = 0; round < rounds; round++) {
                for (int i = 0; i < workloads.size(); i++) {
                    Workload w = workloads.get(i);
                    if (chunks > 0 && unavailable == null && w.kind() != Workload.Kind.MATMUL) {
                        runPaired(w, runner, ours, theirs, referenceInfo, round, referenceFirst(round));
                        continue;
                    }
                    // Interleaved per workload, the first side alternating, so that a slow spell
                    // of a shared machine hits both sides of a ratio alike.
                    boolean torchFirst = (round + i) % 2 == 1 && unavailable == null;
                    if (torchFirst) {
                        runReference(w, theirs, referenceInfo, round);
                    }
                    Measurement r = runner.run(w);
                    ours.get(w.name()).add(r);
                    log.accept(String.format(java.util.Locale.ROOT, "round %d  reflowkit %-16s %s", round + 1,
                            w.name(), BenchReport.describe(w, r)));
                    if (!torchFirst && unavailable == null) {
                        runReference(w, theirs, referenceInfo, round);
                    }
                    if (unavailable == null) {
                        List<Measurement> t = theirs.get(w.name());
                        ReflowKitRunner.requireSameNetwork(w, r, t.get(t.size() - 1));
                    }
                }
            }
            List<BenchRow> rows = new ArrayList<>();
            for (Workload w : workloads) {
                rows.add(new BenchRow(w, ours.get(w.name()), theirs.get(w.name()),
                        theirs.get(w.name() + TorchReference.COMPOSITE), flopsPerItem(w, manager)));
            }
            if (!torchStartups.isEmpty()) {
                referenceInfo.put("startup_s_per_run", List.copyOf(torchStartups));
            }
            Map<String, Object> s = new LinkedHashMap<>(settings);
            s.put("rounds", rounds);
            s.put("threads", threads);
            s.put("allow_slow_reference", allowSlowReference);
            return new BenchResult(s, MachineInfo.describe(), referenceInfo, startup, rows, trends);
        }
    }

    /**
     * Whether the reference takes the first turn of a round in the paired mode: in the even rounds
     * (2, 4, ...), ReflowKit in the odd ones.
     *
     * @param round the round, from 0
     * @return true in rounds 2, 4, ...
     */
    static boolean referenceFirst(int round) {
        return round % 2 == 1;
    }

    /**
     * The environment check, before anything is measured: the reference's probe against
     * ReflowKit's matmul at the same size. Problems fail the benchmark unless slow references are
     * allowed, when they are recorded and every ratio is reported invalid.
     */
    private void checkEnvironment(Map<String, Object> info) throws IOException {
        JsonNode probe = reference.probe(threads, workDir.resolve("probe"), line -> log.accept("probe  " + line));
        double ours;
        try (NDManager m = Engines.newManager()) {
            ours = new ReflowKitRunner(m).run(new Workload("probe-matmul", Workload.Kind.MATMUL, null, new long[0],
                    TorchReference.PROBE_SIZE, 3, 20, 0, Double.NaN)).itemsPerSecond() / 1e9;
        }
        List<String> problems = ReferenceEnvironment.problems(probe, threads, ours);
        Map<String, Object> env = new LinkedHashMap<>();
        env.put("blas", ReferenceEnvironment.blasText(probe));
        env.put("matmul_gflops", probe.path("matmul_gflops").asDouble(Double.NaN));
        env.put("reflowkit_matmul_gflops", ours);
        env.put("mlp_layer_gflops", probe.path("mlp_gflops").asDouble(Double.NaN));
        env.put("env", new ObjectMapper().convertValue(probe.path("env"), Map.class));
        env.put("parallel_info", probe.path("parallel_info").asText(""));
        env.put("problems", problems);
        info.put("environment", env);
        log.accept(String.format(Locale.ROOT, "PyTorch reference environment: %s; matmul %.1f GFLOP/s at %d"
                + " (ReflowKit %.1f), MLP layer %.1f GFLOP/s: %s", env.get("blas"), env.get("matmul_gflops"),
                TorchReference.PROBE_SIZE, ours, env.get("mlp_layer_gflops"),
                problems.isEmpty() ? "set up for speed" : String.join("; ", problems)));
        if (!problems.isEmpty() && !allowSlowReference) {
            throw new IOException("the PyTorch reference is not set up for speed: " + String.join("; ", problems)
                    + ". Fix its environment (bench/setup.sh, docs/PERFORMANCE.md), or measure anyway with"
                    + " --allow-slow-reference: every ratio is then marked invalid");
        }
    }

    /**
     * One round of a workload in the paired mode: the two sides alternate in chunks within it
     * (the reference serving the workload from one process); in the first round, when explaining,
     * the reference's run with ReflowKit's op graph follows.
     */
    private void runPaired(Workload w, ReflowKitRunner runner, Map<String, List<Measurement>> ours,
            Map<String, List<Measurement>> theirs, Map<String, Object> info, int round, boolean referenceFirst)
            throws IOException {
        Path dir = workDir.resolve("torch-round" + (round + 1)).resolve(w.name());
        String prefix = "round " + (round + 1) + "  ";
        ReflowKitRunner.Paired p;
        try (TorchSession session = reference.session(w, threads, dir, line -> log.accept(prefix + line))) {
            info.putAll(session.info());
            torchStartups.add(session.startupSeconds());
            p = runner.runPaired(w, session, chunks, referenceFirst);
        }
        ours.get(w.name()).add(p.ours());
        theirs.get(w.name()).add(p.theirs());
        log.accept(String.format(Locale.ROOT, "%sreflowkit %-16s %s", prefix, w.name(), BenchReport.describe(w, p.ours())));
        log.accept(String.format(Locale.ROOT, "%storch     %-16s %s  (%d alternating chunks each, %s first; ratio per"
                + " chunk %s; seconds per chunk, ReflowKit %s, PyTorch %s; cores busy in each side's chunks,"
                + " its own/others': ReflowKit %s; PyTorch %s)", prefix, w.name(),
                BenchReport.describe(w, p.theirs()), p.ourChunks().size(), referenceFirst ? "PyTorch" : "ReflowKit",
                joined(p.chunkRatios()), joined(p.ourChunks()), joined(p.theirChunks()), cores(p.ours()),
                cores(p.theirs())));
        if (explain && round == 0) {
            Path compositeDir = Files.createDirectories(dir.resolve("composite"));
            TorchReference.Run run = reference.runComposite(List.of(w), threads, compositeDir,
                    line -> log.accept(prefix + line));
            run.results().forEach((name, m) -> theirs.get(name).add(m));
            ReflowKitRunner.requireSameNetwork(w, p.ours(), run.results().get(w.name() + TorchReference.COMPOSITE));
        }
    }

    private static String cores(Measurement m) {
        return m.cpu().isEmpty() ? "–" : m.cpu().stream().map(CpuUse.Stretch::describe)
                .collect(Collectors.joining(", "));
    }

    private static String joined(List<Double> xs) {
        return xs.stream().map(x -> String.format(Locale.ROOT, "%.2f", x)).collect(Collectors.joining(" "));
    }

    private void runReference(Workload w, Map<String, List<Measurement>> theirs, Map<String, Object> info, int round)
            throws IOException {
        Path dir = workDir.resolve("torch-round" + (round + 1)).resolve(w.name());
        Files.createDirectories(dir);
        TorchReference.Run run = reference.run(List.of(w), threads, dir,
                line -> log.accept("round " + (round + 1) + "  " + line), explain && round == 0);
        run.results().forEach((name, m) -> theirs.get(name).add(m));
        info.putAll(run.info());
        torchStartups.add(run.startupSeconds());
    }

    private static double flopsPerItem(Workload w, NDManager manager) {
        if (w.kind() == Workload.Kind.MATMUL) {
            return 1;
        }
        try (NDManager m = manager.newSubManager()) {
            Block net = ReflowKitRunner.network(w, m);
            double forward = FlopCount.forwardPerSample(net);
            return w.kind() == Workload.Kind.TRAIN ? 3 * forward : w.nfe() * forward;
        }
    }

    /** The builder of {@link Bench}. */
    public static final class Builder {
        private List<Workload> workloads = BenchSuite.standard(false);
        private int rounds = 3;
        private TorchReference reference;
        private int threads = Runtime.getRuntime().availableProcessors();
        private MemorySettings memory = new MemorySettings(10_000, new int[] {100_000, 1_000_000});
        private Path workDir;
        private Consumer<String> log = line -> { };
        private Map<String, Object> settings = Map.of();
        private boolean explain = true;
        private int chunks = DEFAULT_CHUNKS;
        private boolean allowSlowReference;

        private Builder() {}

        /**
         * Measures even when the reference's environment check finds problems (default off: the
         * benchmark fails before measuring); the report then marks every ratio invalid.
         *
         * @param allow whether to measure anyway
         * @return this builder
         */
        public Builder optAllowSlowReference(boolean allow) {
            this.allowSlowReference = allow;
            return this;
        }

        /**
         * Sets the paired mode (default {@link Bench#DEFAULT_CHUNKS}): each round of a training or
         * sampling workload alternates between the two sides this many times, in chunks of its
         * timed steps or batches, the reference serving the workload from one process (at most
         * one chunk per step or batch). 0 measures each side's whole workload in one piece, the
         * reference in a process of its own, the first side alternating per workload and round.
         *
         * @param chunks at least 0
         * @return this builder
         */
        public Builder optChunks(int chunks) {
            this.chunks = chunks;
            return this;
        }

        /**
         * Also runs the reference with ReflowKit's op graph in the first round, which shows how
         * much of a gap comes from the operations DJL lacks (default on).
         *
         * @param explain whether to run the composite variant
         * @return this builder
         */
        public Builder optExplain(boolean explain) {
            this.explain = explain;
            return this;
        }

        /**
         * Sets the workloads (default: {@link BenchSuite#standard} full).
         *
         * @param workloads the workloads
         * @return this builder
         */
        public Builder optWorkloads(List<Workload> workloads) {
            this.workloads = workloads;
            return this;
        }

        /**
         * Sets the number of rounds (default 3); medians are taken over them.
         *
         * @param rounds at least 1
         * @return this builder
         */
        public Builder optRounds(int rounds) {
            this.rounds = rounds;
            return this;
        }

        /**
         * Sets the PyTorch reference (default none: ReflowKit only).
         *
         * @param reference the reference runner, or null
         * @return this builder
         */
        public Builder optReference(TorchReference reference) {
            this.reference = reference;
            return this;
        }

        /**
         * Sets the intra-op thread count given to the reference (ReflowKit's is the engine's,
         * {@code ai.djl.pytorch.num_threads}; the command sets both).
         *
         * @param threads at least 1
         * @return this builder
         */
        public Builder optThreads(int threads) {
            this.threads = threads;
            return this;
        }

        /**
         * Sets the memory checks (default: 10 000 training steps, 100 000 and 1 000 000 pairs).
         *
         * @param memory the checks
         * @return this builder
         */
        public Builder optMemory(MemorySettings memory) {
            this.memory = memory;
            return this;
        }

        /**
         * Sets the scratch directory (specs, reference results, memory-check runs).
         *
         * @param workDir the directory
         * @return this builder
         */
        public Builder setWorkDir(Path workDir) {
            this.workDir = workDir;
            return this;
        }

        /**
         * Sets where progress lines go (default: nowhere).
         *
         * @param log the sink
         * @return this builder
         */
        public Builder optLog(Consumer<String> log) {
            this.log = log;
            return this;
        }

        /**
         * Sets extra settings recorded with the result (the command line, say).
         *
         * @param settings JSON-ready values
         * @return this builder
         */
        public Builder optSettings(Map<String, Object> settings) {
            this.settings = settings;
            return this;
        }

        /**
         * Builds the benchmark.
         *
         * @return the benchmark
         */
        public Bench build() {
            if (workDir == null) {
                throw new IllegalStateException("Bench needs a work directory");
            }
            if (chunks < 0) {
                throw new IllegalArgumentException("chunks must be >= 0, got " + chunks);
            }
            if (rounds < 1 || threads < 1) {
                throw new IllegalArgumentException("rounds and threads must be >= 1, got " + rounds + ", " + threads);
            }
            return new Bench(this);
        }
    }
}
