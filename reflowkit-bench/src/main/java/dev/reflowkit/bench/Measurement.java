package dev.reflowkit.bench;

/**
 * What one side (ReflowKit or PyTorch) measured for one workload.
 *
 * @param seconds the timed wall-clock seconds (warm-up excluded)
 * @param unitsPerSecond timed units per second: training steps, sampling batches or multiplies
 * @param itemsPerSecond samples per second (training samples, generated samples), or FLOP/s for
 *     a matmul
 * @param peakRssMb the process's peak resident memory during the workload, MiB (NaN if unknown)
 * @param parameters the network's parameter count (0 for a matmul)
 */
public record Measurement(double seconds, double unitsPerSecond, double itemsPerSecond, double peakRssMb,
        long parameters) {}
