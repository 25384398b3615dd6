/**
 * Evaluation: sampling models at several NFEs, scoring them against held-out data with their
 * data-vs-data floor, measuring their trajectories (straightness, transport cost, discretization
 * error against the adaptive reference from the same noise), and the {@code metrics.json} report.
 */
package dev.reflowkit.eval;
