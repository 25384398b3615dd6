package dev.reflowkit.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

class CpuUseTest {

    @Test
    void countsThisProcesssWorkAsItsOwnAndAnotherProcesssAsOthers() throws Exception {
        assumeTrue(Files.isReadable(Path.of("/proc/stat")), "Linux only");
        // Warm up first: compiling the loop (and CpuUse) keeps the JIT's threads busy for a while,
        // which the process's own cores count too (they once read 1.84 cores: java 1.00, C2 0.60).
        CpuUse.now();
        double sink = spin(300_000_000L, 0);
        CpuUse start = CpuUse.now();
        sink += spin(400_000_000L, sink);
        CpuUse.Stretch busy = CpuUse.now().since(start);
        assertTrue(sink > 0);
        assertTrue(busy.ownCores() > 0.6 && busy.ownCores() < 1.5, "one busy thread: " + busy);
        assertTrue(busy.seconds() >= 0.4, busy.toString());
        assertTrue(busy.busyThreads() >= 1, "the test's thread: " + busy);

        // A busy child process: its own CPU, and the others' of this process meanwhile.
        Process child = new ProcessBuilder("sh", "-c", "while :; do :; done").start();
        try {
            CpuUse self = CpuUse.now();
            CpuUse other = CpuUse.of(child.toHandle());
            Thread.sleep(600);
            CpuUse.Stretch ours = CpuUse.now().since(self);
            CpuUse.Stretch theirs = CpuUse.of(child.toHandle()).since(other);
            assertTrue(theirs.ownCores() > 0.5, "the child spins: " + theirs);
            assertTrue(ours.ownCores() < 0.5, "this process sleeps: " + ours);
            assertTrue(ours.otherCores() > 0.5 && ours.disturbed(), "the child is another process: " + ours);
            assertEquals(0, theirs.minorFaultsPerSecond(), "no faults are read for another process");
        } finally {
            child.destroyForcibly().waitFor();
        }
    }

    /** Keeps this thread busy for the given nanoseconds. */
    private static double spin(long nanos, double seed) {
        long end = System.nanoTime() + nanos;
        double sink = seed;
        while (System.nanoTime() < end) {
            sink += Math.sqrt(sink + 1);
        }
        return sink;
    }

    @Test
    void aStretchIsDisturbedOnlyWhenOthersOrStealTakeAQuarterCore() {
        assertFalse(new CpuUse.Stretch(1, 2, 0.2, 0.1, 0, 0, 0, 2, "").disturbed());
        assertTrue(new CpuUse.Stretch(1, 2, 0.3, 0, 0, 0, 0, 2, "").disturbed());
        assertTrue(new CpuUse.Stretch(1, 1, 0, 0.3, 0, 0, 0, 1, "").disturbed());
        assertEquals("1.98/0.02 st 0.00 pf 12/s major 3 gc 5ms [main 0.99, java 0.99]",
                new CpuUse.Stretch(1, 1.98, 0.02, 0, 12, 3, 5, 2, "main 0.99, java 0.99").describe());
    }

    @Test
    void readsNothingBrokenFromAMissingProcess() throws IOException, InterruptedException {
        Process p = new ProcessBuilder("true").start();
        p.waitFor();
        CpuUse.Stretch s = CpuUse.of(p.toHandle()).since(CpuUse.of(p.toHandle()));
        assertTrue(Double.isNaN(s.ownCores()) || s.ownCores() == 0, s.toString());
    }
}
