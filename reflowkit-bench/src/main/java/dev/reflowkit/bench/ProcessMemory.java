package dev.reflowkit.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The resident memory (RSS) of this process, read from {@code /proc/self/status}: current
 * ({@code VmRSS}) and peak ({@code VmHWM}), with a reset of the peak through
 * {@code /proc/self/clear_refs} so that each benchmark reports its own peak.
 *
 * <p>Linux only; elsewhere every reading is {@code NaN} and the reset does nothing.
 */
public final class ProcessMemory {

    private static final Path STATUS = Path.of("/proc/self/status");
    private static final Path CLEAR_REFS = Path.of("/proc/self/clear_refs");

    private ProcessMemory() {}

    /**
     * The current resident set size.
     *
     * @return MiB, or NaN where unavailable
     */
    public static double currentMb() {
        return read("VmRSS");
    }

    /**
     * The peak resident set size since the process started or since {@link #resetPeak}.
     *
     * @return MiB, or NaN where unavailable
     */
    public static double peakMb() {
        return read("VmHWM");
    }

    /**
     * Resets the peak to the current RSS (writes {@code 5} to {@code /proc/self/clear_refs}).
     *
     * @return true if the kernel accepted the reset
     */
    public static boolean resetPeak() {
        try {
            Files.writeString(CLEAR_REFS, "5");
            return true;
        } catch (IOException | UnsupportedOperationException | SecurityException e) {
            return false;
        }
    }

    private static double read(String field) {
        try {
            for (String line : Files.readAllLines(STATUS)) {
                if (line.startsWith(field + ":")) {
                    String[] parts = line.substring(field.length() + 1).trim().split("\\s+");
                    return Long.parseLong(parts[0]) / 1024.0;
                }
            }
        } catch (IOException | RuntimeException e) {
            return Double.NaN;
        }
        return Double.NaN;
    }
}
