/**
 * Time grids: pure functions from an interval and a step count to the times a fixed-step solver
 * passes through ({@link dev.reflowkit.solver.grid.TimeGrid}). Each parametric grid is a normalized
 * shape {@code g(u)} ({@link dev.reflowkit.solver.grid.ShapedGrid}): uniform, EDM's rho-schedule
 * in {@code t = sigma / (1 + sigma)}, and logit-spaced (sigmoid); a custom list covers the rest.
 * {@link dev.reflowkit.solver.grid.TimeGrids} creates them by name.
 */
package dev.reflowkit.solver.grid;
