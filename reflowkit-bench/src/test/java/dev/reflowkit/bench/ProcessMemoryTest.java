package dev.reflowkit.bench;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

class ProcessMemoryTest {

    private static sun.misc.Unsafe unsafe() {
        try {
            java.lang.reflect.Field f = sun.misc.Unsafe.class.getDeclaredField("theUnsafe");
            f.setAccessible(true);
            return (sun.misc.Unsafe) f.get(null);
        } catch (ReflectiveOperationException e) {
            throw new AssertionError(e);
        }
    }

    /** 256 MiB touched shows in current and peak RSS; freed, only the peak keeps it; a reset drops it. */
    @Test
    void readsCurrentAndPeakResidentMemory() {
        Assumptions.assumeTrue(Files.exists(Path.of("/proc/self/status")), "Linux only");
        Assumptions.assumeTrue(System.getenv("MALLOC_MMAP_MAX_") == null,
                "the launcher's allocator settings keep freed memory in the process");
        double before = ProcessMemory.currentMb();
        assertTrue(before > 10 && before < 1e6, "current RSS " + before);
        ByteBuffer block = ByteBuffer.allocateDirect(256 << 20);
        for (int i = 0; i < block.capacity(); i += 4096) {
            block.put(i, (byte) 1); // touch every page
        }
        double after = ProcessMemory.currentMb();
        assertTrue(after >= before + 128, "RSS " + before + " -> " + after + " MiB after touching 256 MiB");
        double highPeak = ProcessMemory.peakMb();
        assertTrue(highPeak >= after - 1, "the peak is at least the current RSS");
        unsafe().invokeCleaner(block); // give the 256 MiB back now
        double freed = ProcessMemory.currentMb();
        assertTrue(freed <= after - 128, "RSS after freeing: " + freed + " MiB");
        assertTrue(ProcessMemory.peakMb() >= highPeak - 1, "the peak remembers the 256 MiB");
        Assumptions.assumeTrue(ProcessMemory.resetPeak(), "clear_refs not writable here");
        double peak = ProcessMemory.peakMb();
        assertTrue(peak <= highPeak - 100 && peak >= ProcessMemory.currentMb() - 1,
                "after a reset the peak is the current RSS, not the old peak: " + peak + " vs " + highPeak);
    }
}
