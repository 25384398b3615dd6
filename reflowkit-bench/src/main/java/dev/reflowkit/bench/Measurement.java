package dev.reflowkit.bench;

import java.util.List;

/**
 * What one side (ReflowKit or PyTorch) measured for one workload.
 *
 * @param seconds the timed wall-clock seconds (warm-up excluded)
 * @param unitsPerSecond timed units per second: training steps, sampling batches or multiplies
 * @param itemsPerSecond samples per second (training samples, generated samples), or FLOP/s for
 *     a matmul
 * @param peakRssMb the process's peak resident memory during the workload, MiB (NaN if unknown)
 * @param parameters the network's parameter count (0 for a matmul)
 * @param cpu where the machine's CPU went during each timed chunk of this side (the paired mode;
 *     empty otherwise)
 */
public record Measurement(double seconds, double unitsPerSecond, double itemsPerSecond, double peakRssMb,
        long parameters, List<CpuUse.Stretch> cpu) {

    /**
     * A measurement without CPU accounting.
     *
     * @param seconds the timed wall-clock seconds
     * @param unitsPerSecond timed units per second
     * @param itemsPerSecond items per second
     * @param peakRssMb peak resident memory, MiB
     * @param parameters the network's parameter count
     */
    public Measurement(double seconds, double unitsPerSecond, double itemsPerSecond, double peakRssMb,
            long parameters) {
        this(seconds, unitsPerSecond, itemsPerSecond, peakRssMb, parameters, List.of());
    }

    /**
     * This measurement with the CPU accounting of its chunks.
     *
     * @param chunks one stretch per timed chunk
     * @return a copy
     */
    public Measurement withCpu(List<CpuUse.Stretch> chunks) {
        return new Measurement(seconds, unitsPerSecond, itemsPerSecond, peakRssMb, parameters, List.copyOf(chunks));
    }
}
