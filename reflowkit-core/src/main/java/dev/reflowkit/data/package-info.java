/**
 * Data sets of points: the {@link dev.reflowkit.data.PointSet} container, built-in 2-D toy
 * distributions ({@link dev.reflowkit.data.Toy2d}), user point files in CSV or {@code .npy}
 * ({@link dev.reflowkit.data.PointFiles}), data spec strings such as {@code 8gaussians} or
 * {@code file:points.csv} ({@link dev.reflowkit.data.DataSpec}) and seeded train/held-out splits
 * ({@link dev.reflowkit.data.DataSplit}).
 */
package dev.reflowkit.data;
