package dev.reflowkit.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.reflowkit.io.AtomicFiles;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** Writes a {@link BenchResult} as a Markdown table ({@code bench.md}) and as {@code bench.json}. */
public final class BenchReport {

    private BenchReport() {}

    /**
     * Writes {@code bench.md} and {@code bench.json} into a directory, atomically.
     *
     * @param result the result
     * @param dir the output directory
     * @throws IOException if a file cannot be written
     */
    public static void write(BenchResult result, Path dir) throws IOException {
        AtomicFiles.writeString(dir.resolve("bench.md"), markdown(result));
        AtomicFiles.writeString(dir.resolve("bench.json"),
                new ObjectMapper().writerWithDefaultPrettyPrinter().writeValueAsString(toJson(result)) + "\n");
    }

    /**
     * One measurement as a log line.
     *
     * @param w the workload
     * @param m the measurement
     * @return e.g. {@code 85.4 steps/s (43 735 samples/s), peak RSS 315 MiB}
     */
    static String describe(Workload w, Measurement m) {
        return switch (w.kind()) {
            case TRAIN -> String.format(Locale.ROOT, "%.2f steps/s (%.0f samples/s), peak RSS %.0f MiB",
                    m.unitsPerSecond(), m.itemsPerSecond(), m.peakRssMb());
            case SAMPLE -> String.format(Locale.ROOT, "%.0f samples/s, peak RSS %.0f MiB", m.itemsPerSecond(),
                    m.peakRssMb());
            case MATMUL -> String.format(Locale.ROOT, "%.1f GFLOP/s", m.itemsPerSecond() / 1e9);
        };
    }

    /**
     * The Markdown report.
     *
     * @param r the result
     * @return the text
     */
    public static String markdown(BenchResult r) {
        StringBuilder sb = new StringBuilder();
        boolean torch = !r.reference().containsKey("unavailable");
        sb.append("# ReflowKit benchmark\n\n");
        sb.append("- date: ").append(r.settings().get("date")).append('\n');
        sb.append("- machine: ").append(r.machine().get("cpu")).append(", ").append(r.machine().get("cores"))
                .append(" cores, ").append(r.machine().get("memory_gib")).append(" GiB, ")
                .append(r.machine().get("os")).append('\n');
        sb.append("- ReflowKit: ").append(r.machine().get("engine")).append(", threads ")
                .append(r.settings().get("threads")).append(", allocator ").append(r.machine().get("malloc_env"))
                .append('\n');
        if (torch) {
            sb.append("- PyTorch reference: torch ").append(r.reference().get("torch")).append(", Python ")
                    .append(r.reference().get("python")).append(", BLAS ").append(r.reference().get("blas"))
                    .append(", oneDNN ").append(r.reference().get("mkldnn")).append(", threads ")
                    .append(r.reference().get("threads")).append('\n');
            if (r.reference().get("environment") instanceof Map<?, ?> env) {
                sb.append(String.format(Locale.ROOT, "- reference environment check: %s; matmul %.1f GFLOP/s (ReflowKit"
                        + " %.1f), MLP layer %.1f GFLOP/s: ", env.get("blas"), env.get("matmul_gflops"),
                        env.get("reflowkit_matmul_gflops"), env.get("mlp_layer_gflops")));
                sb.append(r.ratiosValid() ? "set up for speed\n" : "**not set up for speed** ("
                        + String.join("; ", r.environmentProblems()) + "): **every ratio below is invalid**\n");
            }
            sb.append("- builds: every ratio compares ").append(r.builds()).append(" (Debian's build); the version"
                    + " difference is part of every figure\n");
        } else {
            sb.append("- PyTorch reference: ").append(r.reference().get("unavailable")).append('\n');
        }
        Object chunks = r.settings().get("chunks");
        boolean paired = torch && chunks instanceof Number c && c.intValue() > 0;
        sb.append("- rounds: ").append(r.settings().get("rounds")).append(paired
                ? " (within each round the two sides take turns on a training or sampling workload, " + chunks
                        + " chunks of its timed steps or batches each, the reference serving it from one process;"
                        + " the matmul alternates per workload; never concurrent;"
                        + " figures are medians, the ratio range is over rounds)\n\n"
                : " (interleaved workload by workload, the first side alternating, never concurrent;"
                        + " figures are medians, the ratio range is over rounds)\n\n");
        sb.append("| workload | unit | ReflowKit | PyTorch | ratio (range) | target | ReflowKit GFLOP/s | PyTorch GFLOP/s"
                + " | peak RSS MiB, round 1 (ReflowKit / PyTorch) | PyTorch with ReflowKit's ops (ratio) |\n");
        sb.append("|---|---|---:|---:|---:|---:|---:|---:|---:|---:|\n");
        double peak = r.peakGflops(false);
        double torchPeak = r.peakGflops(true);
        for (BenchRow row : r.rows()) {
            Workload w = row.workload();
            boolean matmul = w.kind() == Workload.Kind.MATMUL;
            double scale = matmul ? 1e9 : 1;
            String unit = matmul ? "GFLOP/s (" + w.batch() + "x" + w.batch() + ")"
                    : w.kind() == Workload.Kind.TRAIN ? "train samples/s, batch " + w.batch()
                            + (w.lanes() > 1 ? " in " + w.lanes() + " lanes" : "")
                    : "samples/s at " + w.nfe() + " NFE, batch " + w.batch();
            double[] range = row.ratioRange();
            boolean valid = r.ratiosValid();
            sb.append("| ").append(w.name()).append(" | ").append(unit).append(" | ")
                    .append(num(row.reflowkitItemsPerSecond() / scale)).append(" | ")
                    .append(torch ? num(row.torchItemsPerSecond() / scale) : "–").append(" | ")
                    .append(torch ? String.format(Locale.ROOT, valid ? "**%.2f** (%.2f–%.2f), %s" : "%.2f (%.2f–%.2f), %s,"
                            + " **invalid**", row.ratio(), range[0], range[1], r.builds()) : "–")
                    .append(" | ").append(Double.isNaN(row.target()) ? "–" : String.format(Locale.ROOT, "≥ %.1f%s",
                            row.target(), !torch ? "" : !valid ? " (invalid)"
                                    : row.ratio() >= row.target() ? " met" : " **not met**"))
                    .append(" | ").append(matmul ? "–" : gflops(row.gflops(row.reflowkit()), peak))
                    .append(" | ").append(matmul || !torch ? "–" : gflops(row.gflops(row.torch()), torchPeak))
                    .append(" | ").append(num(BenchRow.peakRss(row.reflowkit()))).append(" / ")
                    .append(torch ? num(BenchRow.peakRss(row.torch())) : "–").append(" | ")
                    .append(row.torchComposite().isEmpty() ? "–" : String.format(Locale.ROOT, "%s (%.2f, %s%s)",
                            num(BenchRow.median(row.torchComposite()) / scale),
                            row.compositeRatio(), r.builds(), valid ? "" : ", **invalid**"))
                    .append(" |\n");
        }
        sb.append('\n').append(String.format(Locale.ROOT, "Engine start-up (load PyTorch, first operation): ReflowKit"
                + " %.2f s", r.startupSeconds()));
        if (torch) {
            sb.append(", PyTorch (import torch, first operation) ")
                    .append(startups(r.reference().get("startup_s_per_run")));
        }
        sb.append(".\nRows ending in " + Workload.NETWORK_SUFFIX + " time the network alone (training: forward, loss and"
                + " backward on a fixed batch; sampling: the batch's NFE forward passes without a graph); the others"
                + " the whole step or batch. ReflowKit takes the first turn in odd rounds, the reference in even ones."
                + " A training row \"in L lanes\" splits each batch into L parts whose forward and backward passes"
                + " run at the same time on L threads (train.lanes, as ReflowKit's trainer resolves it here), on both"
                + " sides: ReflowKit's GradientLanes, the reference's Python threads.");
        sb.append("\nGFLOP/s counts linear, convolution and attention products (a training step = 3 forward"
                + " passes); the percentage is of the same side's measured matmul peak. The last column runs the"
                + " PyTorch networks with ReflowKit's op graph (a SiLU alone as x * sigmoid(x), a GroupNorm alone"
                + " as layer norm + per-channel affine: DJL exposes no fused kernel for either; a GroupNorm followed"
                + " by SiLU native, as ReflowKit fuses that pair through TorchScript), first round only, in its own process;"
                + " its ratio is ReflowKit's first round over it.\n");
        cpu(r, sb);
        if (!r.memory().isEmpty()) {
            sb.append("\n## Memory (run first, in the same process, before the speed workloads)\n\n| check | RSS after warm-up MiB | RSS at end MiB"
                    + " | after warm-up (training: 20% of the steps; pairs: 10% of the time) | peak MiB |\n"
                    + "|---|---:|---:|---:|---:|\n");
            for (RssTrend t : r.memory()) {
                boolean steps = t.unit().equals("steps");
                sb.append("| ").append(t.name()).append(" | ").append(num(t.rssAt(t.warmup()))).append(" | ")
                        .append(num(t.lastMb())).append(" | ")
                        .append(steps ? String.format(Locale.ROOT, "%+.2f MiB / 1000 steps", t.slope(1000))
                                : String.format(Locale.ROOT, "stays in %s–%s MiB", num(t.rangeAfterWarmup()[0]),
                                        num(t.rangeAfterWarmup()[1])))
                        .append(" | ").append(num(t.peakMb())).append(" |\n");
            }
            List<RssTrend> pairs = r.memory().stream().filter(t -> t.name().startsWith("pairs-")).toList();
            if (pairs.size() >= 2) {
                RssTrend first = pairs.get(0);
                RssTrend last = pairs.get(pairs.size() - 1);
                sb.append(String.format(Locale.ROOT, "%nPair generation: peak RSS %s MiB for %s and %s MiB for %s"
                        + " (%+.0f MiB for %.0fx the pairs).%n", num(first.peakMb()), first.name(), num(last.peakMb()),
                        last.name(), last.peakMb() - first.peakMb(), last.size() / (double) first.size()));
            }
        }
        return sb.toString();
    }

    /**
     * The CPU table: per workload, the cores each side kept busy during its own timed chunks
     * (median and minimum over chunks and rounds), the most that other processes and the
     * hypervisor took meanwhile, and how many chunks were disturbed ({@link CpuUse.Stretch#disturbed}).
     */
    private static void cpu(BenchResult r, StringBuilder sb) {
        List<BenchRow> rows = r.rows().stream().filter(row -> !BenchRow.chunks(row.reflowkit()).isEmpty()).toList();
        if (rows.isEmpty()) {
            return;
        }
        sb.append("\n## CPU during the timed chunks\n\n| workload | ReflowKit cores, median (min) | PyTorch cores,"
                + " median (min) | others' cores, max | steal, max | disturbed chunks |\n|---|---:|---:|---:|---:|---:|\n");
        int disturbed = 0;
        int total = 0;
        for (BenchRow row : rows) {
            List<CpuUse.Stretch> ours = BenchRow.chunks(row.reflowkit());
            List<CpuUse.Stretch> theirs = BenchRow.chunks(row.torch());
            List<CpuUse.Stretch> all = new ArrayList<>(ours);
            all.addAll(theirs);
            long d = all.stream().filter(CpuUse.Stretch::disturbed).count();
            disturbed += (int) d;
            total += all.size();
            sb.append("| ").append(row.workload().name()).append(" | ").append(cores(ours)).append(" | ")
                    .append(cores(theirs)).append(" | ")
                    .append(String.format(Locale.ROOT, "%.2f | %.2f | %d of %d |%n",
                            all.stream().mapToDouble(CpuUse.Stretch::otherCores).max().orElse(Double.NaN),
                            all.stream().mapToDouble(CpuUse.Stretch::stealCores).max().orElse(Double.NaN), d,
                            all.size()));
        }
        sb.append(String.format(Locale.ROOT, "%nCores busy: a side's CPU seconds per wall second during its own chunks"
                + " (%s threads each); others': every other process and the kernel meanwhile, from /proc/stat. A chunk"
                + " is disturbed when others or the hypervisor's steal took more than %.2f of a core: %d of %d chunks"
                + " were%s.%n", r.settings().get("threads"), CpuUse.DISTURBED_CORES, disturbed, total,
                disturbed == 0 ? "" : "; their ratios are suspect (bench.json has every chunk)"));
    }

    private static String cores(List<CpuUse.Stretch> chunks) {
        double[] v = chunks.stream().mapToDouble(CpuUse.Stretch::ownCores).filter(x -> !Double.isNaN(x)).sorted()
                .toArray();
        return v.length == 0 ? "–" : String.format(Locale.ROOT, "%.2f (%.2f)", v[v.length / 2], v[0]);
    }

    private static String startups(Object perRun) {
        if (!(perRun instanceof List<?> list) || list.isEmpty()) {
            return "–";
        }
        double[] v = list.stream().mapToDouble(o -> ((Number) o).doubleValue()).sorted().toArray();
        return String.format(Locale.ROOT, "%.2f s (median of %d runs)", v[v.length / 2], v.length);
    }

    /** Achieved GFLOP/s and its share of the peak; without a measured peak (matmul not run), the figure alone. */
    private static String gflops(double achieved, double peak) {
        if (!(peak > 0)) {
            return String.format(Locale.ROOT, "%.1f", achieved);
        }
        return String.format(Locale.ROOT, "%.1f (%.0f%%)", achieved, 100 * achieved / peak);
    }

    private static String num(double v) {
        if (Double.isNaN(v)) {
            return "–";
        }
        return v >= 100 ? String.format(Locale.ROOT, "%,.0f", v) : String.format(Locale.ROOT, "%.2f", v);
    }

    private static Map<String, Object> toJson(BenchResult r) {
        Map<String, Object> root = new LinkedHashMap<>();
        root.put("settings", r.settings());
        root.put("machine", r.machine());
        root.put("reference", r.reference());
        root.put("startup_s", r.startupSeconds());
        root.put("peak_gflops", Map.of("reflowkit", r.peakGflops(false), "torch", r.peakGflops(true)));
        List<Map<String, Object>> rows = new ArrayList<>();
        for (BenchRow row : r.rows()) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("workload", row.workload().name());
            m.put("kind", row.workload().kind().name().toLowerCase(Locale.ROOT));
            m.put("batch", row.workload().batch());
            m.put("nfe", row.workload().nfe());
            m.put("flops_per_item", row.flopsPerItem());
            m.put("reflowkit", row.reflowkit());
            m.put("torch", row.torch());
            m.put("torch_composite", row.torchComposite());
            m.put("scope", row.workload().scope().name().toLowerCase(Locale.ROOT));
            m.put("ratio", row.ratio());
            m.put("ratio_range", row.ratioRange());
            m.put("ratio_valid", r.ratiosValid());
            m.put("builds", r.builds());
            m.put("target", row.target());
            rows.add(m);
        }
        root.put("rows", rows);
        List<Map<String, Object>> memory = new ArrayList<>();
        for (RssTrend t : r.memory()) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("name", t.name());
            m.put("unit", t.unit());
            m.put("warmup", t.warmup());
            m.put("peak_mb", t.peakMb());
            m.put("slope_mb_per_1000", t.slope(1000));
            m.put("points", t.points());
            memory.add(m);
        }
        root.put("memory", memory);
        return root;
    }
}
