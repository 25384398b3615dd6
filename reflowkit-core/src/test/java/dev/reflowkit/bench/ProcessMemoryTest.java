package dev.reflowkit.bench;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

class ProcessMemoryTest {

    @Test
    void readsCurrentAndPeakResidentMemory() {
        Assumptions.assumeTrue(Files.exists(Path.of("/proc/self/status")), "Linux only");
        double current = ProcessMemory.currentMb();
        double peak = ProcessMemory.peakMb();
        assertTrue(current > 10 && current < 1e6, "current RSS " + current);
        assertTrue(peak >= current - 1, "peak " + peak + " vs current " + current);
        byte[] block = new byte[64 << 20];
        java.util.Arrays.fill(block, (byte) 1);
        assertTrue(ProcessMemory.peakMb() >= current + 32 || ProcessMemory.peakMb() >= peak,
                "the peak follows a 64 MiB allocation");
        if (ProcessMemory.resetPeak()) {
            assertTrue(ProcessMemory.peakMb() <= ProcessMemory.currentMb() + 64, "reset brings the peak down");
        }
        assertTrue(block[block.length - 1] == 1);
    }
}
