package dev.reflowkit.cli;

import dev.reflowkit.bench.Bench;
import dev.reflowkit.bench.BenchReport;
import dev.reflowkit.bench.BenchResult;
import dev.reflowkit.bench.BenchSuite;
import dev.reflowkit.bench.TorchReference;
import dev.reflowkit.bench.Workload;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.regex.Pattern;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code reflow bench}: measures training, sampling and pair generation, side by side with an
 * equivalent PyTorch script run in the same invocation, and checks memory over long runs.
 */
@Command(name = "bench", mixinStandardHelpOptions = true, versionProvider = VersionProvider.class,
        header = "Benchmark ReflowKit against PyTorch on the same machine, and check memory over long runs.",
        description = {
            "Measures the 2-D MLP (batch 512) and the MNIST U-Net of configs/mnist.yaml (batch 64, synthetic 16x16"
                + " images): training samples/s, sampling samples/s at 9 NFE and at the pair-generation NFE, each as"
                + " the whole step or batch and as the network alone (names ending in -net), peak RSS, and a matmul"
                + " for the machine's peak GFLOP/s; then runs torch_reference.py (the same networks, parameter for"
                + " parameter, and every setting of the step and the sampler, written for speed in PyTorch 1.13) with"
                + " --python, never concurrently with ReflowKit: within each of --rounds rounds the two sides take"
                + " turns on a workload in --chunks chunks of its timed steps or batches (the reference serving it"
                + " from one process; ReflowKit first in odd rounds, the reference in even ones), and each figure is"
                + " reported as a ratio ReflowKit / PyTorch of medians over the rounds, next to the two PyTorch"
                + " builds it compares.",
            "Before measuring, the reference's environment is checked (BLAS build, threads, OMP_*/OPENBLAS_*"
                + " variables, a matmul and an MLP layer's speed): a reference not set up for speed fails the"
                + " benchmark, unless --allow-slow-reference, which marks every ratio invalid. A difference in the"
                + " two networks' parameter counts fails it too. Around each timed chunk the report records where the"
                + " CPU went (the side's own cores, other processes, the hypervisor's steal) and counts the chunks"
                + " something else disturbed.",
            "Memory checks: RSS every 100 steps over a 10 000-step training run (slope after warm-up), and peak RSS"
                + " of generating 100 000 and 1 000 000 2-D pairs (at 9 NFE; memory does not depend on the NFE).",
            "Writes DIR/bench.md and DIR/bench.json. The reference needs Debian's python3-torch: run bench/setup.sh"
                + " once (docs/PERFORMANCE.md). 11 to 14 minutes on 2 cores with the network-alone"
                + " rows (639 to 820 s measured); --quick about 3."
        })
final class BenchCommand implements Callable<Integer> {

    @Option(names = {"-o", "--out"}, paramLabel = "DIR", defaultValue = "runs/bench",
            description = "Output directory (default: ${DEFAULT-VALUE}).")
    Path out;

    @Option(names = "--quick", description = "Fewer timed steps, one round, short memory checks (a smoke run).")
    boolean quick;

    @Option(names = "--rounds", description = "Rounds per side; medians are reported (default: 3, 1 with --quick).")
    Integer rounds;

    @Option(names = "--chunks", paramLabel = "N", description = "Turns each side takes within a round of a"
            + " training or sampling workload (default: " + Bench.DEFAULT_CHUNKS + "); 0 runs each side's whole"
            + " workload in one piece, the reference in a process of its own per round.")
    Integer chunks;

    @Option(names = "--threads", description = "Intra-op threads for both sides (default: the available cores).")
    Integer threads;

    @Option(names = "--python", defaultValue = "/usr/bin/python3",
            description = "Python with PyTorch for the reference (default: ${DEFAULT-VALUE}).")
    String python;

    @Option(names = "--no-reference", description = "Measure ReflowKit only.")
    boolean noReference;

    @Option(names = "--allow-slow-reference", description = "Measure even if the reference's environment check"
            + " fails (e.g. a pthread OpenBLAS); every ratio is then reported invalid.")
    boolean allowSlowReference;

    @Option(names = "--no-memory", description = "Skip the memory checks.")
    boolean noMemory;

    @Option(names = "--lanes", paramLabel = "L", description = "Lanes of the training workloads on both sides"
            + " (train.lanes: each batch split into L parts run at the same time; default 0, ReflowKit's"
            + " automatic choice: 2 for the U-Net on 2 or more cores, 1 for the MLP).")
    int lanes;

    @Option(names = "--only", paramLabel = "REGEX", description = "Run only the workloads whose name matches,"
            + " e.g. 'unet-.*' (names: matmul-1024, mlp-train, mlp-sample-9, mlp-sample-99, unet-train,"
            + " unet-sample-9, unet-sample-21, and each of these but the matmul with -net: the network alone).")
    String only;

    /** {@inheritDoc} */
    @Override
    public Integer call() throws Exception {
        int n = threads == null ? Runtime.getRuntime().availableProcessors() : threads;
        if (n < 1) {
            throw new IllegalArgumentException("--threads must be >= 1, got " + n);
        }
        // Before the engine starts: both sides get the same intra-op threads and one inter-op thread.
        System.setProperty("ai.djl.pytorch.num_threads", Integer.toString(n));
        System.setProperty("ai.djl.pytorch.num_interop_threads", "1");
        if (lanes < 0) {
            throw new IllegalArgumentException("--lanes must be >= 0 (0: automatic), got " + lanes);
        }
        List<Workload> workloads = BenchSuite.standard(quick, lanes);
        if (only != null) {
            Pattern p = Pattern.compile(only);
            workloads = workloads.stream().filter(w -> p.matcher(w.name()).matches()).toList();
            if (workloads.isEmpty()) {
                throw new IllegalArgumentException("--only " + only + " matches no workload");
            }
        }
        Files.createDirectories(out);
        Map<String, Object> settings = new LinkedHashMap<>();
        settings.put("date", ZonedDateTime.now().format(DateTimeFormatter.ISO_OFFSET_DATE_TIME));
        settings.put("quick", quick);
        settings.put("only", only);
        settings.put("lanes", lanes);
        int turns = chunks == null ? Bench.DEFAULT_CHUNKS : chunks;
        if (turns < 0) {
            throw new IllegalArgumentException("--chunks must be >= 0, got " + turns);
        }
        settings.put("chunks", turns);
        settings.put("allow_slow_reference", allowSlowReference);
        Bench.MemorySettings memory = noMemory ? new Bench.MemorySettings(0, new int[0])
                : quick ? new Bench.MemorySettings(2_000, new int[] {20_000, 100_000})
                : new Bench.MemorySettings(10_000, new int[] {100_000, 1_000_000});
        BenchResult result = Bench.builder()
                .optWorkloads(workloads)
                .optRounds(rounds != null ? rounds : quick ? 1 : 3)
                .optThreads(n)
                .optChunks(turns)
                .optAllowSlowReference(allowSlowReference)
                .optReference(noReference ? null : new TorchReference(python, 3600))
                .optMemory(memory)
                .setWorkDir(out.resolve("work"))
                .optLog(System.err::println)
                .optSettings(settings)
                .build()
                .run();
        BenchReport.write(result, out);
        System.out.print(BenchReport.markdown(result));
        System.err.println("wrote " + out.resolve("bench.md") + " and " + out.resolve("bench.json"));
        return 0;
    }
}
