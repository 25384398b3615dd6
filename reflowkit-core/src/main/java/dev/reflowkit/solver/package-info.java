/**
 * ODE solvers with one signature ({@link dev.reflowkit.solver.OdeSolver}): Euler, midpoint, Heun
 * (EDM's plain-Euler last step), RK4 and adaptive Dormand-Prince 5(4). Time grids live in
 * {@code dev.reflowkit.solver.grid}.
 */
package dev.reflowkit.solver;
