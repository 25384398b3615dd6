package dev.reflowkit.io;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The directory lock (docs/RELIABILITY.md): refused in this JVM and in another process, naming
 * the holder; taken over after the holder is killed with SIGKILL; one winner among processes and
 * threads starting at once.
 */
class DirectoryLockTest {

    private static final long TIMEOUT_S = 60;

    @TempDir
    Path dir;

    @Test
    void aSecondLockInThisJvmIsRefusedNamingThisProcess() throws Exception {
        Path run = dir.resolve("run");
        DirectoryLock.setProcessCommand("reflow train --out " + run);
        try (DirectoryLock lock = DirectoryLock.acquire(run)) {
            assertTrue(lock.isHeld());
            assertTrue(lock.takenOver().isEmpty(), "a fresh directory has no earlier holder");
            DirectoryLock.Holder recorded = DirectoryLock.read(run).orElseThrow();
            assertEquals(lock.holder(), recorded);
            assertEquals(ProcessHandle.current().pid(), recorded.pid());
            // the same directory under another name: refused before a second channel is opened
            Path link = Files.createSymbolicLink(dir.resolve("link"), run);
            for (Path same : List.of(run, dir.resolve("./run"), link)) {
                DirectoryLockedException e = assertThrows(DirectoryLockedException.class,
                        () -> DirectoryLock.acquire(same));
                assertTrue(e.getMessage().startsWith(same + " is locked by this process (pid "
                        + ProcessHandle.current().pid() + " on " + recorded.host() + " since "), e.getMessage());
                assertTrue(e.getMessage().contains("command: reflow train --out " + run), e.getMessage());
                assertFalse(e.getMessage().contains("\n"), "one line");
            }
            DirectoryLockedException probed = assertThrows(DirectoryLockedException.class,
                    () -> DirectoryLock.requireFree(run));
            assertTrue(probed.getMessage().contains("locked by this process"), probed.getMessage());
            assertTrue(lock.isHeld(), "a refused second lock leaves the first one held");
            assertChildRefused(run, ProcessHandle.current().pid()); // still held for other processes too
        }
        assertFalse(Files.exists(run.resolve(DirectoryLock.HOLDER_FILE)), "a release deletes the description");
        assertTrue(Files.exists(run.resolve(DirectoryLock.LOCK_FILE)), "the lock file stays");
        DirectoryLock.requireFree(run);
        try (DirectoryLock again = DirectoryLock.acquire(run)) {
            assertTrue(again.isHeld() && again.takenOver().isEmpty());
        }
        DirectoryLock.requireFree(dir.resolve("none"));
        assertFalse(Files.exists(dir.resolve("none")), "a check writes nothing");
    }

    @Test
    void threadsStartingAtOnceGetTheLockOnce() throws Exception {
        Path run = dir.resolve("threads");
        int n = 8;
        ExecutorService pool = Executors.newFixedThreadPool(n);
        CountDownLatch start = new CountDownLatch(1);
        try {
            List<Future<DirectoryLock>> tries = new ArrayList<>();
            for (int i = 0; i < n; i++) {
                tries.add(pool.submit(() -> {
                    start.await();
                    try {
                        return DirectoryLock.acquire(run);
                    } catch (DirectoryLockedException e) {
                        assertTrue(e.getMessage().contains("locked by this process"), e.getMessage());
                        return null;
                    }
                }));
            }
            start.countDown();
            List<DirectoryLock> won = new ArrayList<>();
            for (Future<DirectoryLock> f : tries) {
                DirectoryLock l = f.get(30, TimeUnit.SECONDS);
                if (l != null) {
                    won.add(l);
                }
            }
            assertEquals(1, won.size(), "exactly one thread holds the lock");
            won.get(0).close();
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void anotherProcessIsRefusedNamingTheHolderAndItsLockIsTakenOverWhenItIsKilled() throws Exception {
        Path run = dir.resolve("run");
        Process holder = child(run);
        try {
            long pid = awaitLocked(holder);
            assertEquals(holder.pid(), pid);
            DirectoryLockedException e = assertThrows(DirectoryLockedException.class, () -> DirectoryLock.acquire(run));
            DirectoryLock.Holder h = e.holder().orElseThrow();
            assertEquals(pid, h.pid());
            assertEquals("lock-child " + run, h.command());
            assertTrue(e.getMessage().startsWith(run + " is locked by another run (pid " + pid + " on " + h.host()
                    + " since " + h.since() + ", command: lock-child " + run + ")"), e.getMessage());

            DirectoryLockedException probed = assertThrows(DirectoryLockedException.class,
                    () -> DirectoryLock.requireFree(run));
            assertEquals(e.getMessage(), probed.getMessage());

            holder.destroyForcibly(); // SIGKILL: no finally, no shutdown hook; the kernel drops its lock
            assertTrue(holder.waitFor(30, TimeUnit.SECONDS));
            DirectoryLock.requireFree(run);
            assertEquals(pid, DirectoryLock.read(run).orElseThrow().pid(), "the killed holder's record stays");
            assertFalse(DirectoryLock.read(run).orElseThrow().mayBeRunning());
            try (DirectoryLock taken = DirectoryLock.acquire(run)) {
                assertEquals(pid, taken.takenOver().orElseThrow().pid(), "taken over from the killed holder");
                assertEquals(ProcessHandle.current().pid(), DirectoryLock.read(run).orElseThrow().pid());
            }
        } finally {
            holder.destroyForcibly();
        }
    }

    @Test
    void processesStartingAtOnceGetTheLockOnce() throws Exception {
        Path run = dir.resolve("race");
        List<Process> children = new ArrayList<>();
        try {
            for (int i = 0; i < 3; i++) {
                children.add(child(run));
            }
            List<String> lines = new ArrayList<>();
            List<Process> winners = new ArrayList<>();
            for (Process p : children) {
                String line = firstLine(p);
                lines.add(line);
                if (line.startsWith("LOCKED ")) {
                    winners.add(p);
                }
            }
            assertEquals(1, winners.size(), "exactly one holder: " + lines);
            long pid = winners.get(0).pid();
            for (String line : lines) {
                if (line.startsWith("REFUSED ")) {
                    assertTrue(line.contains("is locked by another run (pid " + pid + " on "), line);
                }
            }
            winners.get(0).getOutputStream().close(); // lets the holder release and exit
            assertTrue(winners.get(0).waitFor(30, TimeUnit.SECONDS));
            assertEquals(0, winners.get(0).exitValue());
            assertFalse(Files.exists(run.resolve(DirectoryLock.HOLDER_FILE)), "released cleanly");
        } finally {
            children.forEach(Process::destroyForcibly);
        }
    }

    /** Starts a child JVM that locks the directory (see {@link LockChild}). */
    private static Process child(Path run) throws IOException {
        return new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx64m", "-XX:TieredStopAtLevel=1", "-cp", System.getProperty("java.class.path"),
                LockChild.class.getName(), run.toString())
                .redirectErrorStream(true).start();
    }

    private static long awaitLocked(Process p) throws Exception {
        String line = firstLine(p);
        assertTrue(line.startsWith("LOCKED "), line);
        return Long.parseLong(line.substring("LOCKED ".length()).strip());
    }

    /** The child's first line of output (it prints one, LOCKED or REFUSED). */
    private static String firstLine(Process p) throws Exception {
        BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
        String line;
        try {
            line = CompletableFuture.supplyAsync(() -> {
                try {
                    return r.readLine();
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            }).get(TIMEOUT_S, TimeUnit.SECONDS);
        } catch (TimeoutException e) {
            throw new AssertionError("no line from the child after " + TIMEOUT_S + " s");
        }
        return line == null ? "(no output, exit " + exitOf(p) + ")" : line;
    }

    private static String exitOf(Process p) {
        try {
            return p.waitFor(5, TimeUnit.SECONDS) ? Integer.toString(p.exitValue()) : "none yet";
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return "interrupted";
        }
    }

    /** A child started while this JVM holds the lock is refused, naming this process. */
    private static void assertChildRefused(Path run, long holderPid) throws Exception {
        Process p = child(run);
        try {
            String line = firstLine(p);
            assertTrue(line.startsWith("REFUSED " + run + " is locked by another run (pid " + holderPid + " on "), line);
            assertTrue(p.waitFor(30, TimeUnit.SECONDS));
            assertEquals(3, p.exitValue());
        } finally {
            p.destroyForcibly();
        }
    }
}
