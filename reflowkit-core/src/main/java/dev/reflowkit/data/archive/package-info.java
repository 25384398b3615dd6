/**
 * Reading the archives fetched data sets come in, all in Java with kept libraries (Apache Commons
 * Compress, tukaani xz, aircompressor), so no system program is needed: compression detected by
 * magic bytes and decoded ({@link dev.reflowkit.data.archive.Compression}: gzip, xz, zstd) and a
 * streaming walk over tar and ar members ({@link dev.reflowkit.data.archive.ArchiveReader},
 * returning {@link dev.reflowkit.data.archive.ArchiveEntry}), both reporting corrupt or truncated
 * input as a {@link dev.reflowkit.io.DataFormatException} naming the file and the member.
 */
package dev.reflowkit.data.archive;
