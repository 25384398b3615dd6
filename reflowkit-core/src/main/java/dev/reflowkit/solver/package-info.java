/**
 * ODE solvers with one signature ({@link dev.reflowkit.solver.OdeSolver}): Euler, midpoint, Heun
 * (with EDM's plain-Euler last step as an option), RK4 and adaptive Dormand-Prince 5(4); and
 * NFE-first sampling plans ({@link dev.reflowkit.solver.Samplers#plan}) that map an NFE budget to
 * a solver and step count exactly. Fixed-step solvers share {@link
 * dev.reflowkit.solver.FixedStepSolver}, which runs every step in its own sub-manager so nothing
 * leaks into the caller's manager. Time grids live in {@code dev.reflowkit.solver.grid}.
 */
package dev.reflowkit.solver;
