package dev.reflowkit.eval;

/**
 * The error of few-step samples against reference samples from the same noise.
 *
 * @param meanSquared {@code E = mean_i ||x_i - xref_i||^2}
 * @param rms {@code sqrt(E)}, the root-mean-square distance
 */
public record DiscretizationError(double meanSquared, double rms) {}
