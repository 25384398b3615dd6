/**
 * Minimal archive readers for unpacking fetched data sets without extra dependencies: streaming
 * tar ({@link dev.reflowkit.data.archive.TarReader}) and ar
 * ({@link dev.reflowkit.data.archive.ArReader}) readers returning
 * {@link dev.reflowkit.data.archive.ArchiveEntry} members, and compression detected by magic bytes
 * ({@link dev.reflowkit.data.archive.Compression}: gzip in Java, xz and zstd through their
 * commands).
 */
package dev.reflowkit.data.archive;
