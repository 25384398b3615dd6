/**
 * Generating samples with a velocity field: per-sample seeded noise and batched integration with
 * a sampler plan (solver, time grid, NFE).
 */
package dev.reflowkit.sampling;
