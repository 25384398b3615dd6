package dev.reflowkit.bench;

import java.util.Arrays;
import java.util.List;

/**
 * One workload's measurements on both sides over all rounds, with the figures the report shows.
 *
 * @param workload the workload
 * @param reflowkit ReflowKit's measurement per round
 * @param torch PyTorch's measurement per round (empty without the reference)
 * @param torchComposite PyTorch running ReflowKit's op graph (SiLU and GroupNorm composed of
 *     smaller operations), measured in the first round only (empty if not measured)
 * @param flopsPerItem FLOPs per item: {@code 3 x forward} per training sample, {@code NFE x
 *     forward} per generated sample, 1 per FLOP of a matmul
 */
public record BenchRow(Workload workload, List<Measurement> reflowkit, List<Measurement> torch,
        List<Measurement> torchComposite, double flopsPerItem) {

    /**
     * The workload's target ratio.
     *
     * @return the minimum ReflowKit / PyTorch throughput ratio, or NaN where there is none
     */
    public double target() {
        return workload.target();
    }

    /**
     * ReflowKit's median throughput.
     *
     * @return items per second (FLOP/s for a matmul)
     */
    public double reflowkitItemsPerSecond() {
        return median(reflowkit);
    }

    /**
     * PyTorch's median throughput.
     *
     * @return items per second, NaN without the reference
     */
    public double torchItemsPerSecond() {
        return median(torch);
    }

    /**
     * The ratio of medians, ReflowKit / PyTorch (above 1: ReflowKit is faster).
     *
     * @return the ratio, NaN without the reference
     */
    public double ratio() {
        return reflowkitItemsPerSecond() / torchItemsPerSecond();
    }

    /**
     * The smallest and largest per-round ratio (rounds pair the i-th measurements of each side).
     *
     * @return {@code {min, max}}, NaN without the reference
     */
    public double[] ratioRange() {
        int n = Math.min(reflowkit.size(), torch.size());
        double lo = Double.NaN;
        double hi = Double.NaN;
        for (int i = 0; i < n; i++) {
            double r = reflowkit.get(i).itemsPerSecond() / torch.get(i).itemsPerSecond();
            lo = Double.isNaN(lo) ? r : Math.min(lo, r);
            hi = Double.isNaN(hi) ? r : Math.max(hi, r);
        }
        return new double[] {lo, hi};
    }

    /**
     * ReflowKit over PyTorch running ReflowKit's op graph, both from the first round: the
     * composite runs only then, so ReflowKit's median over all rounds would compare different
     * moments of the machine.
     *
     * @return the ratio, NaN where the composite was not measured
     */
    public double compositeRatio() {
        return torchComposite.isEmpty() || reflowkit.isEmpty() ? Double.NaN
                : reflowkit.get(0).itemsPerSecond() / median(torchComposite);
    }

    /**
     * Achieved GFLOP/s of a side's median.
     *
     * @param side ReflowKit's or PyTorch's measurements
     * @return GFLOP/s
     */
    public double gflops(List<Measurement> side) {
        return median(side) * flopsPerItem / 1e9;
    }

    /**
     * The peak RSS of a side in its first round. Later rounds of ReflowKit run in the same process
     * after every other workload, whose memory the allocator keeps for reuse (see the launcher's
     * {@code MALLOC_*} settings), so only the first round isolates the workload (the PyTorch
     * reference starts a fresh process every round).
     *
     * @param side the measurements
     * @return MiB, NaN if unknown
     */
    public static double peakRss(List<Measurement> side) {
        return side.isEmpty() ? Double.NaN : side.get(0).peakRssMb();
    }

    /**
     * The CPU accounting of every timed chunk of a side, over all rounds.
     *
     * @param side ReflowKit's or PyTorch's measurements
     * @return the stretches in order, empty where not measured (not paired, or not Linux)
     */
    public static List<CpuUse.Stretch> chunks(List<Measurement> side) {
        return side.stream().flatMap(m -> m.cpu().stream()).toList();
    }

    static double median(List<Measurement> side) {
        double[] v = side.stream().mapToDouble(Measurement::itemsPerSecond).sorted().toArray();
        if (v.length == 0) {
            return Double.NaN;
        }
        return v.length % 2 == 1 ? v[v.length / 2] : (v[v.length / 2 - 1] + v[v.length / 2]) / 2;
    }

    @Override
    public String toString() {
        return workload.name() + ": " + Arrays.toString(reflowkit.toArray()) + " vs " + Arrays.toString(torch.toArray());
    }
}
