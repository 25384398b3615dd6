package dev.reflowkit.bench;

import java.util.List;
import java.util.Map;

/**
 * Everything one {@code reflow bench} run measured.
 *
 * @param settings rounds, threads, date and the command's options
 * @param machine CPU, cores, memory, Java and engine versions, allocator settings
 * @param reference the PyTorch reference's versions and settings, or {@code {"unavailable": reason}}
 * @param startupSeconds ReflowKit's engine start-up: loading PyTorch and running a first operation
 * @param rows one row per workload
 * @param memory the memory checks (empty when skipped)
 */
public record BenchResult(Map<String, Object> settings, Map<String, Object> machine, Map<String, Object> reference,
        double startupSeconds, List<BenchRow> rows, List<RssTrend> memory) {

    /**
     * The PyTorch builds compared, as the report states them next to every ratio.
     *
     * @return e.g. {@code "torch 2.7.1 (DJL) vs 1.13.0"}
     */
    public String builds() {
        return "torch " + machine.getOrDefault("engine_version", "?") + " (DJL) vs " + reference.getOrDefault("torch", "?");
    }

    /**
     * The reference's environment problems (see {@link ReferenceEnvironment}); the ratios are
     * invalid when there are any.
     *
     * @return the problems, empty when the environment check passed or did not run
     */
    public List<String> environmentProblems() {
        if (reference.get("environment") instanceof Map<?, ?> env && env.get("problems") instanceof List<?> list) {
            return list.stream().map(String::valueOf).toList();
        }
        return List.of();
    }

    /**
     * Whether the ratios compare ReflowKit with a reference set up for speed.
     *
     * @return false when the environment check found problems (measured anyway)
     */
    public boolean ratiosValid() {
        return environmentProblems().isEmpty();
    }

    /**
     * The matrix-multiply peak measured for a side.
     *
     * @param torch true for PyTorch's, false for ReflowKit's
     * @return GFLOP/s, NaN if not measured
     */
    public double peakGflops(boolean torch) {
        return rows.stream().filter(r -> r.workload().kind() == Workload.Kind.MATMUL)
                .mapToDouble(r -> BenchRow.median(torch ? r.torch() : r.reflowkit()) / 1e9)
                .findFirst().orElse(Double.NaN);
    }
}
