package dev.reflowkit.io;

import java.io.BufferedOutputStream;
import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.ThreadLocalRandom;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * Atomic file writes: a reader sees either the old content of the target or the complete new
 * content, never a partial file, even if the process or the machine dies mid-write.
 *
 * <p>Recipe: the content goes to a fresh temporary file {@code .<name>.<random>.tmp} in the
 * target's directory (same file system, so the rename is atomic); the temporary file is flushed to
 * disk ({@link FileChannel#force(boolean)}); it is renamed over the target with
 * {@link StandardCopyOption#ATOMIC_MOVE} (falling back to {@link StandardCopyOption#REPLACE_EXISTING}
 * only where the file system does not support atomic moves); finally the directory is flushed
 * where the platform allows it, so the rename itself survives a crash. Missing parent directories
 * are created. On any failure the temporary file is deleted and an existing target is left
 * untouched. The new file gets the default permissions for new files (umask), not those of the
 * file it replaces; a symbolic link at the target is replaced by the file, not written through.
 *
 * <pre>{@code
 * AtomicFiles.writeString(runDir.resolve("config.json"), json);
 * AtomicFiles.write(path, out -> out.write(bytes));
 * }</pre>
 */
public final class AtomicFiles {

    private static final int BUFFER_BYTES = 1 << 16;
    private static final int MAX_TEMP_NAME_PREFIX = 100;
    private static final int MAX_TEMP_ATTEMPTS = 100;
    private static final Pattern TEMP_NAME = Pattern.compile("\\..+\\.[0-9a-z]{1,13}\\.tmp");

    private AtomicFiles() {}

    /**
     * Copies a file atomically: the target is the complete copy or what it was before.
     *
     * @param source the file to copy
     * @param target the file to create or replace
     * @throws IOException if the source cannot be read or the target written
     */
    public static void copy(Path source, Path target) throws IOException {
        Objects.requireNonNull(source, "source");
        write(target, out -> Files.copy(source, out));
    }

    /**
     * Deletes the temporary files that writes interrupted by a kill left in a directory.
     *
     * <p>Only names this class creates ({@code .<name>.<random>.tmp}) are touched, and only in
     * {@code dir} itself. Call it when a job that owns the directory starts or resumes; a write in
     * progress in another process would lose its temporary file.
     *
     * @param dir the directory (nothing happens if it does not exist)
     * @return how many files were deleted
     * @throws IOException if the directory cannot be listed or a file not deleted
     */
    public static int deleteLeftovers(Path dir) throws IOException {
        if (!Files.isDirectory(dir)) {
            return 0;
        }
        List<Path> stale;
        try (Stream<Path> files = Files.list(dir)) {
            stale = files.filter(f -> isTemporary(f.getFileName().toString())).toList();
        }
        for (Path f : stale) {
            Files.deleteIfExists(f);
        }
        return stale.size();
    }

    /**
     * Whether a file name is one of this class's temporary names.
     *
     * @param name a file name
     * @return true for {@code .<name>.<random>.tmp}
     */
    public static boolean isTemporary(String name) {
        return TEMP_NAME.matcher(name).matches();
    }

    /**
     * Writes a file atomically with the given writer.
     *
     * <p>The stream handed to {@code writer} is buffered; the writer may close it or not (closing
     * only flushes). The writer's own exceptions propagate unchanged after the temporary file has
     * been removed.
     *
     * @param target the file to create or replace
     * @param writer writes the whole content to the stream
     * @throws IOException if the directory cannot be created or written, the writer fails, or the
     *     rename fails; the message names the target
     */
    public static void write(Path target, IOConsumer<OutputStream> writer) throws IOException {
        Objects.requireNonNull(target, "target");
        Objects.requireNonNull(writer, "writer");
        Path abs = target.toAbsolutePath().normalize();
        Path dir = abs.getParent();
        if (dir == null || abs.getFileName() == null) {
            throw new OutputPathException("cannot write " + target + ": not a file path");
        }
        if (Files.isDirectory(abs)) {
            throw new OutputPathException("cannot write " + target + ": it is a directory");
        }
        createDirectories(dir, target);
        String name = abs.getFileName().toString();
        Path tmp = null;
        try {
            FileChannel channel = null;
            for (int attempt = 0; channel == null; attempt++) {
                Path candidate = tempName(dir, name);
                channel = openNew(candidate, dir, target, attempt);
                if (channel != null) {
                    tmp = candidate; // ours from now on: delete it on failure
                }
            }
            try (FileChannel ch = channel) {
                BufferedOutputStream buffered = new BufferedOutputStream(
                        new NamingErrors(Channels.newOutputStream(ch), target), BUFFER_BYTES);
                writer.accept(new FlushOnClose(buffered));
                buffered.flush();
                try {
                    ch.force(true);
                } catch (IOException e) {
                    throw NamingErrors.named(target, e);
                }
            }
            move(tmp, abs, target);
            tmp = null;
            syncDirectory(dir);
        } catch (IOException | RuntimeException | Error e) {
            if (tmp != null) {
                try {
                    Files.deleteIfExists(tmp);
                } catch (IOException cleanup) {
                    e.addSuppressed(cleanup);
                }
            }
            throw e;
        }
    }

    /**
     * Writes bytes to a file atomically.
     *
     * @param target the file to create or replace
     * @param bytes the whole content
     * @throws IOException as for {@link #write(Path, IOConsumer)}
     */
    public static void writeBytes(Path target, byte[] bytes) throws IOException {
        Objects.requireNonNull(bytes, "bytes");
        write(target, out -> out.write(bytes));
    }

    /**
     * Writes a string to a file atomically, encoded as UTF-8.
     *
     * @param target the file to create or replace
     * @param text the whole content
     * @throws IOException as for {@link #write(Path, IOConsumer)}
     */
    public static void writeString(Path target, String text) throws IOException {
        Objects.requireNonNull(text, "text");
        writeBytes(target, text.getBytes(StandardCharsets.UTF_8));
    }

    /**
     * Creates a directory and its missing parents, or checks that it exists.
     *
     * @param dir the directory
     * @return {@code dir}
     * @throws OutputPathException if a part of the path is a file, or permission is denied
     * @throws IOException if creating it fails otherwise
     */
    public static Path createDirectories(Path dir) throws IOException {
        createDirectories(dir, "cannot create directory " + dir);
        return dir;
    }

    /** Creates {@code dir}; errors name the file about to be written there. */
    static void createDirectories(Path dir, Path target) throws IOException {
        createDirectories(dir, "cannot write " + target);
    }

    /** Creates {@code dir}; errors start with {@code what}. */
    private static void createDirectories(Path dir, String what) throws IOException {
        if (Files.isDirectory(dir)) {
            return;
        }
        for (Path p = dir.toAbsolutePath(); p != null; p = p.getParent()) {
            if (Files.exists(p)) {
                if (!Files.isDirectory(p)) {
                    throw new OutputPathException(what + ": " + p + " exists and is not a directory");
                }
                break;
            }
        }
        try {
            Files.createDirectories(dir);
        } catch (FileAlreadyExistsException e) {
            throw new OutputPathException(what + ": " + e.getFile() + " exists and is not a directory", e);
        } catch (AccessDeniedException e) {
            throw new OutputPathException(what + ": permission denied creating directory " + e.getFile(), e);
        } catch (IOException e) {
            throw new IOException(what + (what.endsWith(dir.toString()) ? "" : ": cannot create directory " + dir)
                    + " (" + e + ")", e);
        }
    }

    private static Path tempName(Path dir, String name) {
        String prefix = name.length() > MAX_TEMP_NAME_PREFIX
                ? name.substring(0, MAX_TEMP_NAME_PREFIX) : name;
        String random = Long.toUnsignedString(ThreadLocalRandom.current().nextLong(), 36);
        return dir.resolve("." + prefix + "." + random + ".tmp");
    }

    /** Opens a new temporary file, or returns null if the name is taken (try another). */
    private static FileChannel openNew(Path tmp, Path dir, Path target, int attempt)
            throws IOException {
        try {
            return FileChannel.open(tmp, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
        } catch (FileAlreadyExistsException e) {
            if (attempt + 1 >= MAX_TEMP_ATTEMPTS) {
                throw new IOException("cannot write " + target
                        + ": cannot find a free temporary file name in " + dir, e);
            }
            return null;
        } catch (AccessDeniedException e) {
            throw new OutputPathException("cannot write " + target + ": directory " + dir
                    + " is not writable (permission denied)", e);
        } catch (IOException e) {
            throw new IOException("cannot write " + target + ": cannot create a temporary file in "
                    + dir + " (" + e + ")", e);
        }
    }

    private static void move(Path tmp, Path abs, Path target) throws IOException {
        try {
            try {
                Files.move(tmp, abs, StandardCopyOption.ATOMIC_MOVE);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(tmp, abs, StandardCopyOption.REPLACE_EXISTING);
            }
        } catch (IOException e) {
            throw new IOException("cannot write " + target + ": cannot rename the temporary file "
                    + tmp.getFileName() + " over it (" + e + ")", e);
        }
    }

    /** Flushes the directory entry (the rename) to disk where the platform allows it. */
    private static void syncDirectory(Path dir) {
        try (FileChannel ch = FileChannel.open(dir, StandardOpenOption.READ)) {
            ch.force(true);
        } catch (IOException | UnsupportedOperationException e) {
            // Not supported on this platform or file system (e.g. Windows): the rename is still
            // atomic, only its durability across a power cut is not guaranteed.
        }
    }

    /** Passes writes through; {@code close()} only flushes, so the channel stays open for fsync. */
    private static final class FlushOnClose extends FilterOutputStream {

        FlushOnClose(OutputStream out) {
            super(out);
        }

        @Override
        public void write(byte[] b, int off, int len) throws IOException {
            out.write(b, off, len);
        }

        @Override
        public void close() throws IOException {
            out.flush();
        }
    }

    /**
     * Names the target in the file system's write errors ("No space left on device" says nothing
     * of which file); the writer's own exceptions pass through the buffer unchanged.
     */
    private static final class NamingErrors extends FilterOutputStream {

        private final Path target;

        NamingErrors(OutputStream out, Path target) {
            super(out);
            this.target = target;
        }

        static IOException named(Path target, IOException e) {
            return new IOException("cannot write " + target + ": " + e.getMessage(), e);
        }

        @Override
        public void write(int b) throws IOException {
            try {
                out.write(b);
            } catch (IOException e) {
                throw named(target, e);
            }
        }

        @Override
        public void write(byte[] b, int off, int len) throws IOException {
            try {
                out.write(b, off, len);
            } catch (IOException e) {
                throw named(target, e);
            }
        }

        @Override
        public void flush() throws IOException {
            try {
                out.flush();
            } catch (IOException e) {
                throw named(target, e);
            }
        }
    }
}
