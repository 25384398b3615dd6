/**
 * Evaluation: sampling models at several NFEs, scoring them against held-out data with their
 * data-vs-data floor, and the {@code metrics.json} report.
 */
package dev.reflowkit.eval;
