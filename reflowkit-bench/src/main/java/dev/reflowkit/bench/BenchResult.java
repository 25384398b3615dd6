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
