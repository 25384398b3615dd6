/**
 * File input and output: crash-safe atomic writes ({@link dev.reflowkit.io.AtomicFiles}), the lock
 * that keeps a second job out of a directory a job writes ({@link dev.reflowkit.io.DirectoryLock})
 * and the NumPy {@code .npy} format ({@link dev.reflowkit.io.Npy}), with one exception type for
 * malformed files ({@link dev.reflowkit.io.DataFormatException}) whose message always names the file.
 */
package dev.reflowkit.io;
