package dev.reflowkit.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDManager;
import dev.reflowkit.engine.Engines;
import dev.reflowkit.io.DirectoryLock;
import dev.reflowkit.train.Checkpoint;
import dev.reflowkit.train.CheckpointDirectory;
import dev.reflowkit.train.Checkpoints;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Two jobs on one directory and damaged checkpoints, through the command line (docs/RELIABILITY.md):
 * a second {@code train}, {@code pipeline}, {@code ablate} or {@code pairs} on a locked directory
 * is refused with one line naming the holder and exit code 2; the lock of a holder killed with
 * SIGKILL is taken over; {@code train --resume} skips a damaged newest checkpoint with one warning.
 */
class ConcurrentRunsTest {

    private static final double TIMEOUT_S = 180;

    @TempDir
    Path dir;

    @Test
    void aSecondJobIsRefusedNamingTheHolderAndAKilledHoldersLockIsTakenOver() throws Exception {
        Path run = dir.resolve("run");
        List<String> child = List.of(Cli.tiny(List.of("train", "--out", run.toString()),
                "train.steps=1000000", "train.checkpoint_every=10", "train.log_every=10"));
        long pid;
        try (ChildCli holder = ChildCli.start(dir.resolve("holder.log"), child)) {
            Path first = new CheckpointDirectory(run).fileFor(10);
            awaitFile(holder, first);
            pid = holder.pid();
            DirectoryLock.Holder recorded = DirectoryLock.read(run).orElseThrow();
            assertEquals(pid, recorded.pid());
            String holderText = "is locked by another run (pid " + pid + " on " + recorded.host() + " since "
                    + recorded.since() + ", command: reflow train --out " + run + " --set ";

            List<List<String>> seconds = List.of(
                    List.of("train", "--out", run.toString()),
                    List.of("train", "--out", run.toString(), "--resume"),
                    List.of("pipeline", "--out", run.toString()),
                    List.of("ablate", "--out", run.toString()));
            for (List<String> second : seconds) {
                // pairs.block divides the tiny shards, so that ablate's preflight passes and the lock decides
                Cli.Result r = Cli.run(Cli.tiny(second, "train.steps=1000000", "pairs.block=50"));
                String line = r.inputError(); // exit 2, one line, no stack trace, nothing on stdout
                assertTrue(line.startsWith("reflow " + second.get(0) + ": error: " + run + " " + holderText), line);
                assertTrue(holder.isAlive(), "the holder runs on");
            }

            assertTrue(holder.killAfter(0), "killed with SIGKILL");
        }
        assertEquals(pid, DirectoryLock.read(run).orElseThrow().pid(), "a killed holder leaves its record");
        // the next run takes the lock over and resumes the killed one
        long resumeAt = CheckpointDirectory.stepOf(new CheckpointDirectory(run).latest().orElseThrow());
        Cli.Result r = Cli.run(Cli.tiny(List.of("train", "--out", run.toString(), "--resume"),
                "train.steps=" + (resumeAt + 10), "train.checkpoint_every=10", "train.log_every=10"));
        assertEquals(0, r.exitCode(), r::toString);
        assertTrue(r.out().contains("trained " + (resumeAt + 10) + " steps"), r::toString);
        assertFalse(Files.exists(run.resolve(DirectoryLock.HOLDER_FILE)), "released cleanly at the end");
    }

    @Test
    @SuppressWarnings("try") // the lock is held for the block
    void pairsIntoALockedStoreIsRefusedNamingTheHolder() throws IOException {
        Path teacher = dir.resolve("teacher");
        Cli.Result t = Cli.run(Cli.tiny(List.of("train", "--out", teacher.toString()), "train.steps=5"));
        assertEquals(0, t.exitCode(), t::toString);
        Path store = dir.resolve("store");
        try (DirectoryLock held = DirectoryLock.acquire(store)) {
            Cli.Result r = Cli.run("pairs", "--direction", "backward", "--teacher",
                    teacher.resolve("model.ckpt").toString(), "--out", store.toString(), "--count", "100");
            String line = r.inputError();
            assertTrue(line.startsWith("reflow pairs: error: " + store + " is locked by this process (pid "
                    + ProcessHandle.current().pid() + " on "), line);
            assertFalse(Files.exists(store.resolve("manifest.json")), "nothing written");
        }
    }

    @Test
    void resumeSkipsADamagedNewestCheckpointWithOneWarning() throws IOException {
        Path full = dir.resolve("full");
        Path run = dir.resolve("run");
        for (Path p : List.of(full, run)) {
            Cli.Result r = Cli.run(Cli.tiny(List.of("train", "--out", p.toString()), "train.steps=20"));
            assertEquals(0, r.exitCode(), r::toString);
        }
        CheckpointDirectory cd = new CheckpointDirectory(run);
        byte[] newest = Files.readAllBytes(cd.fileFor(20));
        newest[newest.length / 3] ^= 0x41;
        Files.write(cd.fileFor(20), newest);
        // a finished run whose last checkpoint is damaged: not "nothing to do", its last 10 steps again
        Cli.Result r = Cli.run(Cli.tiny(List.of("train", "--out", run.toString(), "--resume"), "train.steps=20"));
        assertEquals(0, r.exitCode(), r::toString);
        List<String> warnings = new ArrayList<>(r.errLines().stream().filter(l -> l.startsWith("reflow: ")).toList());
        assertEquals(1, warnings.size(), r::toString);
        assertTrue(warnings.get(0).startsWith("reflow: warning: damaged checkpoint " + cd.fileFor(20) + " (")
                && warnings.get(0).contains("resuming from " + cd.fileFor(10) + " at step 10"), warnings.get(0));
        assertTrue(r.out().contains("trained 20 steps"), r::toString);
        try (NDManager m = Engines.newManager()) {
            Checkpoint a = Checkpoints.read(full.resolve("model.ckpt"), m);
            Checkpoint b = Checkpoints.read(run.resolve("model.ckpt"), m);
            for (int i = 0; i < a.parameters().size(); i++) {
                assertArrayEquals(a.parameters().get(i).toFloatArray(), b.parameters().get(i).toFloatArray());
                assertArrayEquals(a.ema().get(i).toFloatArray(), b.ema().get(i).toFloatArray());
            }
        }
        Cli.Result again = Cli.run(Cli.tiny(List.of("train", "--out", run.toString(), "--resume"), "train.steps=20"));
        assertTrue(again.out().startsWith("nothing to do"), again::toString);
    }

    private static void awaitFile(ChildCli child, Path file) throws IOException, InterruptedException {
        long deadline = System.nanoTime() + (long) (TIMEOUT_S * 1e9);
        while (!Files.exists(file)) {
            if (!child.isAlive() || System.nanoTime() > deadline) {
                throw new AssertionError("no " + file + " from the child:\n" + child.output());
            }
            Thread.sleep(20);
        }
    }
}
