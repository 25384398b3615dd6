/**
 * Probability paths: the linear interpolant {@link dev.reflowkit.path.LinearPath} of rectified
 * flow, its samples ({@link dev.reflowkit.path.PathSample}) and the data/noise predictions derived
 * from a velocity.
 */
package dev.reflowkit.path;
