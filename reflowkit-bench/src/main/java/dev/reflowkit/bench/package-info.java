/**
 * Benchmarks: ReflowKit's training, sampling and pair-generation throughput measured side by side
 * with an equivalent PyTorch script in the same invocation, achieved GFLOP/s against a measured
 * matrix-multiply peak, and memory checks (RSS over long training runs and large pair stores).
 */
package dev.reflowkit.bench;
