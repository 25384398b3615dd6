package dev.reflowkit.io;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.net.InetAddress;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * An exclusive lock on a directory that one job writes (a training run, a pipeline or ablation
 * directory, a pair store), so that a second job on the same directory is refused with one line
 * naming the first instead of interleaving its files with it.
 *
 * <p>The lock is an operating-system lock ({@link FileChannel#tryLock()}, {@code fcntl} on Linux)
 * on the empty file {@code DIR/.lock}: the kernel releases it when the holding process dies, even
 * by {@code kill -9}, so a lock left by a killed job is simply taken by the next one. Next to it,
 * {@code DIR/.lock.holder} describes the holder (pid, host, when it took the lock, its command);
 * it is written atomically after the lock is taken and deleted when it is released. It is only
 * ever read for messages: whether the directory is locked is the kernel's answer alone, so a stale
 * or missing description can never grant or refuse the lock. The lock file itself is never
 * deleted: a deleted lock file could be locked by one process through the old file while another
 * locks a new one.
 *
 * <p>Two processes starting at once: exactly one {@code tryLock} succeeds. The other reads the
 * holder description; if it is missing or names a process that is no longer running (the record of
 * a killed holder, or of one that is just releasing), the winner has not recorded itself yet, and
 * the loser retries for up to {@value #HOLDER_WAIT_MS} ms (taking the lock if it was released
 * meanwhile) before refusing with what it knows.
 *
 * <p>Within one JVM the lock is not re-entrant: a second {@code acquire} of a directory that this
 * process holds is refused too (naming this process). POSIX locks belong to the process, and
 * closing any channel on the lock file would drop the lock for the whole JVM, so a JVM-wide table
 * of held directories answers a second acquire before any second channel is opened. Jobs nest by
 * locking different directories: a pipeline holds its directory while each stage holds its own
 * (the teacher run, each pair store, each ReFlow run).
 *
 * <pre>{@code
 * try (DirectoryLock lock = DirectoryLock.acquire(runDir)) {
 *     // write runDir; a second acquire of runDir, here or in another process, fails
 * }
 * }</pre>
 *
 * <p>The lock is advisory: it excludes jobs that take it, not other writers. On network file
 * systems it is as reliable as their lock support ({@code fcntl} over NFS needs the lock daemon).
 */
public final class DirectoryLock implements AutoCloseable {

    /** The name of the locked file in the directory. */
    public static final String LOCK_FILE = ".lock";
    /** The name of the holder's description in the directory. */
    public static final String HOLDER_FILE = ".lock.holder";
    /** How long a refused acquire waits for the holder to record itself. */
    static final long HOLDER_WAIT_MS = 2000;

    private static final long RETRY_MS = 20;
    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
    /** Directories (real paths) locked or being locked by this JVM, with their holder; guarded by itself. */
    private static final Map<Path, Holder> HELD = new HashMap<>();
    /**
     * Channels that must stay open: each found its file locked through a channel this class did not
     * open, and closing it would release that lock (POSIX semantics).
     */
    private static final List<FileChannel> PARKED = new ArrayList<>();
    private static volatile String processCommand = System.getProperty("sun.java.command", "java");
    private static volatile String host;

    private final Path dir;
    private final Path key;
    private final FileChannel channel;
    private final FileLock lock;
    private final Holder holder;
    private final Holder stale;
    private boolean closed;

    private DirectoryLock(Path dir, Path key, FileChannel channel, FileLock lock, Holder holder, Holder stale) {
        this.dir = dir;
        this.key = key;
        this.channel = channel;
        this.lock = lock;
        this.holder = holder;
        this.stale = stale;
    }

    /**
     * Sets the command this process reports as a holder (the CLI sets {@code reflow ARGS}); the
     * default is the JVM's main class and arguments.
     *
     * @param command the command line, one line
     */
    public static void setProcessCommand(String command) {
        processCommand = Objects.requireNonNull(command, "command").replaceAll("\\R", " ");
    }

    /**
     * Takes the lock of a directory, creating the directory if needed.
     *
     * @param dir the directory
     * @return the held lock; close it to release
     * @throws DirectoryLockedException if another process, or this one, holds the lock
     * @throws IOException if the directory or the lock file cannot be created or written (the
     *     message names the file)
     */
    public static DirectoryLock acquire(Path dir) throws IOException {
        Path lockFile = dir.resolve(LOCK_FILE);
        AtomicFiles.createDirectories(dir, lockFile);
        Path key = dir.toRealPath();
        Holder me = Holder.current(processCommand);
        synchronized (HELD) {
            Holder mine = HELD.get(key);
            if (mine != null) {
                throw new DirectoryLockedException(dir, mine, dir + " is locked by this process (" + mine.describe()
                        + "): a directory is written by one job at a time");
            }
            HELD.put(key, me);
        }
        DirectoryLock held = null;
        try {
            FileChannel channel = open(lockFile);
            boolean parked = false;
            try {
                held = tryLock(dir, key, channel, me);
                return held;
            } catch (OverlappingFileLockException e) {
                // locked through a channel of this JVM that this class did not open: closing this
                // channel would release that lock, so it stays open
                synchronized (PARKED) {
                    PARKED.add(channel);
                }
                parked = true;
                throw new DirectoryLockedException(dir, null, dir + " is locked by this process (pid "
                        + me.pid() + ", outside " + DirectoryLock.class.getSimpleName()
                        + "): a directory is written by one job at a time");
            } finally {
                if (held == null && !parked) {
                    channel.close();
                }
            }
        } finally {
            if (held == null) {
                synchronized (HELD) {
                    HELD.remove(key);
                }
            }
        }
    }

    /**
     * Refuses at once if a job holds a directory's lock, without taking it or writing anything: a
     * check a command makes before its other checks of the directory, so that a second job is told
     * about the first rather than, say, that the directory already holds a run. Whether the lock is
     * free can change right after; {@link #acquire} is what decides.
     *
     * @param dir the directory (nothing happens if it or its lock file does not exist)
     * @throws DirectoryLockedException if this process or another holds the lock
     */
    public static void requireFree(Path dir) throws DirectoryLockedException {
        Path lockFile = dir.resolve(LOCK_FILE);
        if (!Files.isRegularFile(lockFile)) {
            return;
        }
        Path key;
        try {
            key = dir.toRealPath();
        } catch (IOException e) {
            return; // cannot tell; acquire will
        }
        synchronized (HELD) { // no acquire of this JVM opens a channel on the file meanwhile
            Holder mine = HELD.get(key);
            if (mine != null) {
                throw new DirectoryLockedException(dir, mine, dir + " is locked by this process (" + mine.describe()
                        + "): a directory is written by one job at a time");
            }
            FileChannel channel;
            try {
                channel = FileChannel.open(lockFile, StandardOpenOption.WRITE);
            } catch (IOException e) {
                return; // cannot tell; acquire will say why
            }
            boolean free;
            try {
                FileLock probe = channel.tryLock();
                free = probe != null;
                if (free) {
                    probe.release();
                }
            } catch (OverlappingFileLockException e) {
                synchronized (PARKED) { // as in acquire: closing it would release the other channel's lock
                    PARKED.add(channel);
                }
                throw new DirectoryLockedException(dir, null, dir + " is locked by this process (pid "
                        + ProcessHandle.current().pid() + ", outside " + DirectoryLock.class.getSimpleName()
                        + "): a directory is written by one job at a time");
            } catch (IOException e) {
                free = true; // cannot tell; acquire will say why
            }
            try {
                channel.close();
            } catch (IOException e) {
                // nothing was written through it
            }
            if (!free) {
                throw refusal(dir, read(dir).orElse(null));
            }
        }
    }

    /**
     * Tries the lock until it is taken or refused: a refusal waits up to {@value #HOLDER_WAIT_MS} ms
     * for a holder that has not recorded itself (or whose record names a process that is gone).
     */
    private static DirectoryLock tryLock(Path dir, Path key, FileChannel channel, Holder me) throws IOException {
        long deadline = System.nanoTime() + HOLDER_WAIT_MS * 1_000_000;
        while (true) {
            FileLock lock = channel.tryLock();
            if (lock != null) {
                return taken(dir, key, channel, lock, me);
            }
            Optional<Holder> other = read(dir);
            if (other.isPresent() && other.get().mayBeRunning() || System.nanoTime() > deadline) {
                throw refusal(dir, other.orElse(null));
            }
            try {
                Thread.sleep(RETRY_MS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new InterruptedIOException("interrupted while waiting for the lock of " + dir);
            }
        }
    }

    /** Records the new holder; on failure the lock is released (the caller closes the channel). */
    private static DirectoryLock taken(Path dir, Path key, FileChannel channel, FileLock lock, Holder me)
            throws IOException {
        try {
            Holder stale = read(dir).orElse(null); // a clean release deletes it: a killed holder's record
            AtomicFiles.writeString(dir.resolve(HOLDER_FILE), me.toJson());
            return new DirectoryLock(dir, key, channel, lock, me, stale);
        } catch (IOException | RuntimeException | Error e) {
            lock.release();
            throw e;
        }
    }

    private static DirectoryLockedException refusal(Path dir, Holder other) {
        if (other == null) {
            return new DirectoryLockedException(dir, null, dir + " is locked by another process that has not"
                    + " recorded itself in " + HOLDER_FILE + "; wait for it to finish");
        }
        if (!other.mayBeRunning()) {
            return new DirectoryLockedException(dir, null, dir + " is locked by another process; the last holder"
                    + " recorded (" + other.describe() + ") is no longer running, the new one has not recorded"
                    + " itself yet; wait for it to finish");
        }
        return new DirectoryLockedException(dir, other, dir + " is locked by another run (" + other.describe()
                + "); wait for it to finish or stop it (the lock of a killed run is taken over by the next one)");
    }

    private static FileChannel open(Path lockFile) throws IOException {
        try {
            return FileChannel.open(lockFile, StandardOpenOption.CREATE, StandardOpenOption.WRITE);
        } catch (AccessDeniedException e) {
            throw new IOException("cannot lock " + lockFile.getParent() + ": " + lockFile
                    + " is not writable (permission denied)", e);
        } catch (IOException e) {
            throw new IOException("cannot lock " + lockFile.getParent() + ": cannot open " + lockFile + " ("
                    + e.getMessage() + ")", e);
        }
    }

    /**
     * The holder a directory's description names: the current holder while the lock is held, or
     * the record a killed holder left behind (a released lock has none).
     *
     * @param dir the directory
     * @return the holder, or empty if there is no readable description
     */
    public static Optional<Holder> read(Path dir) {
        try {
            return Optional.of(Holder.fromJson(JSON.readTree(Files.readAllBytes(dir.resolve(HOLDER_FILE)))));
        } catch (IOException | RuntimeException e) {
            return Optional.empty(); // missing, unreadable or not ours: a description, never a reason to fail
        }
    }

    /**
     * The directory this lock holds.
     *
     * @return the directory as given to {@link #acquire}
     */
    public Path directory() {
        return dir;
    }

    /**
     * This process as the holder, as recorded in {@value #HOLDER_FILE}.
     *
     * @return the holder
     */
    public Holder holder() {
        return holder;
    }

    /**
     * The record of an earlier holder that died without releasing the lock (killed), which this
     * lock took over.
     *
     * @return the earlier holder, or empty if the lock was free and clean
     */
    public Optional<Holder> takenOver() {
        return Optional.ofNullable(stale);
    }

    /**
     * Whether the lock is still held (not closed).
     *
     * @return true until {@link #close}
     */
    public synchronized boolean isHeld() {
        return !closed && lock.isValid();
    }

    /**
     * Releases the lock: deletes the holder description, then releases the OS lock.
     *
     * @throws IOException if the description cannot be deleted (the lock is released anyway)
     */
    @Override
    public void close() throws IOException {
        synchronized (this) {
            if (closed) {
                return;
            }
            closed = true;
        }
        try {
            Files.deleteIfExists(dir.resolve(HOLDER_FILE));
        } finally {
            try {
                lock.release();
            } finally {
                try {
                    channel.close();
                } finally {
                    synchronized (HELD) {
                        HELD.remove(key);
                    }
                }
            }
        }
    }

    /**
     * The holder of a directory lock: a process on a host, since a time, running a command.
     *
     * @param pid the process id
     * @param host the host name
     * @param processStarted when the process started (to tell a reused pid), or null if unknown
     * @param since when it took the lock
     * @param command its command line
     */
    public record Holder(long pid, String host, Instant processStarted, Instant since, String command) {

        /**
         * This process, now.
         *
         * @param command its command line
         * @return the holder
         */
        static Holder current(String command) {
            ProcessHandle self = ProcessHandle.current();
            return new Holder(self.pid(), localHost(), self.info().startInstant().orElse(null), Instant.now(),
                    command);
        }

        /**
         * One line for messages: {@code pid 4242 on host-a since 2026-11-27T10:00:00Z, command: reflow ...}.
         *
         * @return the description
         */
        public String describe() {
            return "pid " + pid + " on " + host + " since " + since + ", command: " + command;
        }

        /**
         * Whether the holder may still be running: false only when it ran on this host and its
         * process is gone (or its pid now belongs to a process started at another time).
         *
         * @return false if it is certainly not running
         */
        public boolean mayBeRunning() {
            if (!host.equals(localHost())) {
                return true;
            }
            Optional<ProcessHandle> p = ProcessHandle.of(pid);
            if (p.isEmpty() || !p.get().isAlive()) {
                return false;
            }
            Optional<Instant> started = p.get().info().startInstant();
            return started.isEmpty() || processStarted == null
                    || Duration.between(started.get(), processStarted).abs().toMillis() < 1000;
        }

        String toJson() throws IOException {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("pid", pid);
            m.put("host", host);
            m.put("process_started", processStarted == null ? null : processStarted.toString());
            m.put("since", since.toString());
            m.put("command", command);
            return JSON.writeValueAsString(m) + "\n";
        }

        static Holder fromJson(JsonNode n) {
            JsonNode started = n.get("process_started");
            return new Holder(n.get("pid").asLong(), n.get("host").asText(),
                    started == null || started.isNull() ? null : Instant.parse(started.asText()),
                    Instant.parse(n.get("since").asText()), n.get("command").asText());
        }
    }

    /** This machine's name: from the kernel where it says, without a DNS lookup. */
    static String localHost() {
        String h = host;
        if (h == null) {
            try {
                h = Files.readString(Path.of("/proc/sys/kernel/hostname")).strip();
            } catch (IOException | RuntimeException e) {
                h = System.getenv("HOSTNAME");
            }
            if (h == null || h.isBlank()) {
                try {
                    h = InetAddress.getLocalHost().getHostName();
                } catch (IOException e) {
                    h = "localhost";
                }
            }
            host = h;
        }
        return h;
    }
}
