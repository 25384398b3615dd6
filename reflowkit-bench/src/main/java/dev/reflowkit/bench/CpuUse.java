package dev.reflowkit.bench;

import java.io.IOException;
import java.lang.management.GarbageCollectorMXBean;
import java.lang.management.ManagementFactory;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * Where the machine's CPU went during a stretch of time: one process's CPU seconds, everyone
 * else's, the hypervisor's steal, and, for this process, its page faults and garbage-collection
 * time. The benchmark takes one around each timed chunk of either side, so that a slow chunk says
 * whether its process ran on fewer cores than it has, shared them with another process, or waited
 * on memory.
 *
 * <p>Read from {@code /proc/stat} (machine-wide, in clock ticks; only ratios of ticks are used),
 * {@code /proc/self/stat} and the process's CPU time as {@link ProcessHandle} reports it; elsewhere
 * than Linux the machine's figures are NaN and the faults 0. CPU times count in the kernel's clock
 * ticks (10 ms): the figures mean something for stretches of a second or so, as the benchmark's
 * chunks are.
 */
public final class CpuUse {

    private static final Path MACHINE = Path.of("/proc/stat");
    private static final Path SELF = Path.of("/proc/self/stat");
    private static final Path TASKS = Path.of("/proc/self/task");

    /** The kernel's clock ticks per second in /proc (USER_HZ, 100 on Linux). */
    private static final int TICKS_PER_SECOND = 100;

    /** The share of a core from which a thread counts as busy in {@link Stretch#busyThreads}. */
    static final double BUSY_THREAD_CORES = 0.1;

    /** Cores used by others (processes, steal) above which a stretch counts as disturbed. */
    public static final double DISTURBED_CORES = 0.25;

    private final long nanos;
    private final double ownCpuSeconds;
    private final long[] machineTicks; // busy, idle, steal; null where unreadable
    private final long minorFaults;
    private final long majorFaults;
    private final long gcMillis;
    private final Map<String, Long> threadTicks; // "tid name" -> CPU ticks; empty for another process

    private CpuUse(long nanos, double ownCpuSeconds, long[] machineTicks, long minorFaults, long majorFaults,
            long gcMillis, Map<String, Long> threadTicks) {
        this.nanos = nanos;
        this.ownCpuSeconds = ownCpuSeconds;
        this.machineTicks = machineTicks;
        this.minorFaults = minorFaults;
        this.majorFaults = majorFaults;
        this.gcMillis = gcMillis;
        this.threadTicks = threadTicks;
    }

    /**
     * The counters of this process now.
     *
     * @return a snapshot
     */
    public static CpuUse now() {
        long[] faults = faults();
        long gc = 0;
        for (GarbageCollectorMXBean b : ManagementFactory.getGarbageCollectorMXBeans()) {
            gc += Math.max(0, b.getCollectionTime());
        }
        return new CpuUse(System.nanoTime(), cpuSeconds(ProcessHandle.current()), machine(), faults[0], faults[1], gc,
                threads());
    }

    /**
     * The counters of another process now: its CPU time and the machine's (no faults, no GC).
     *
     * @param process the process, e.g. the PyTorch reference
     * @return a snapshot
     */
    public static CpuUse of(ProcessHandle process) {
        return new CpuUse(System.nanoTime(), cpuSeconds(process), machine(), 0, 0, 0, Map.of());
    }

    private static double cpuSeconds(ProcessHandle process) {
        return process.info().totalCpuDuration().map(Duration::toNanos).orElse(-1L) / 1e9;
    }

    /**
     * What happened between an earlier snapshot and this one.
     *
     * @param earlier the snapshot at the start
     * @return the use over the stretch
     */
    public Stretch since(CpuUse earlier) {
        double wall = (nanos - earlier.nanos) / 1e9;
        double own = ownCpuSeconds >= 0 && earlier.ownCpuSeconds >= 0 ? (ownCpuSeconds - earlier.ownCpuSeconds) / wall
                : Double.NaN;
        double others = Double.NaN;
        double steal = Double.NaN;
        if (machineTicks != null && earlier.machineTicks != null) {
            long busy = machineTicks[0] - earlier.machineTicks[0];
            long total = busy + machineTicks[1] - earlier.machineTicks[1] + machineTicks[2] - earlier.machineTicks[2];
            if (total > 0) {
                // Cores busy on average: the machine's busy share times its core count.
                int cores = Runtime.getRuntime().availableProcessors();
                others = Math.max(0, (double) busy / total * cores - own);
                steal = (double) (machineTicks[2] - earlier.machineTicks[2]) / total * cores;
            }
        }
        List<Map.Entry<String, Double>> busy = new ArrayList<>();
        threadTicks.forEach((thread, ticks) -> {
            double cores = (ticks - earlier.threadTicks.getOrDefault(thread, 0L)) / (double) TICKS_PER_SECOND / wall;
            if (cores >= BUSY_THREAD_CORES) {
                busy.add(Map.entry(thread.substring(thread.indexOf(' ') + 1), cores));
            }
        });
        busy.sort(Map.Entry.<String, Double>comparingByValue().reversed());
        String threads = busy.stream().map(e -> String.format(Locale.ROOT, "%s %.2f", e.getKey(), e.getValue()))
                .collect(Collectors.joining(", "));
        return new Stretch(wall, own, others, steal, (minorFaults - earlier.minorFaults) / wall,
                majorFaults - earlier.majorFaults, gcMillis - earlier.gcMillis, busy.size(), threads);
    }

    /**
     * The CPU use over a stretch of time.
     *
     * @param seconds its wall time
     * @param ownCores the process's CPU seconds per second (2.0: two cores busy throughout)
     * @param otherCores the machine's other CPU seconds per second (other processes, the kernel)
     * @param stealCores the hypervisor's steal, in cores
     * @param minorFaultsPerSecond the process's minor page faults per second (0 for another process)
     * @param majorFaults the process's major page faults (0 for another process)
     * @param gcMillis this process's garbage-collection time (0 for another process)
     * @param busyThreads this process's threads that kept at least a tenth of a core busy (0 for
     *     another process): more than the engine's threads means its compute threads shared the
     *     cores with others of the same process
     * @param threads those threads, busiest first, as {@code name cores} (names from the kernel,
     *     15 characters; the engine's compute threads are usually called {@code java})
     */
    public record Stretch(double seconds, double ownCores, double otherCores, double stealCores,
            double minorFaultsPerSecond, long majorFaults, long gcMillis, int busyThreads, String threads) {

        /**
         * A short text: own and other cores, steal, faults, GC.
         *
         * @return for example {@code 1.96/0.03 st 0.00 pf 1200/s gc 4ms}
         */
        public String describe() {
            return String.format(Locale.ROOT, "%.2f/%.2f st %.2f pf %.0f/s%s gc %dms%s", ownCores, otherCores,
                    stealCores, minorFaultsPerSecond, majorFaults > 0 ? " major " + majorFaults : "", gcMillis,
                    threads.isEmpty() ? "" : " [" + threads + "]");
        }

        /**
         * Whether something outside the measured process took CPU: other processes or the
         * hypervisor used more than a quarter of a core on average.
         *
         * @return true for a disturbed stretch
         */
        public boolean disturbed() {
            return otherCores > DISTURBED_CORES || stealCores > DISTURBED_CORES;
        }
    }

    private static long[] machine() {
        try {
            String first = Files.readAllLines(MACHINE).get(0); // cpu user nice system idle iowait irq softirq steal
            String[] f = first.trim().split("\\s+");
            long user = Long.parseLong(f[1]);
            long nice = Long.parseLong(f[2]);
            long system = Long.parseLong(f[3]);
            long idle = Long.parseLong(f[4]) + Long.parseLong(f[5]);
            long irq = Long.parseLong(f[6]) + Long.parseLong(f[7]);
            long steal = f.length > 8 ? Long.parseLong(f[8]) : 0;
            return new long[] {user + nice + system + irq, idle, steal};
        } catch (IOException | RuntimeException e) {
            return null;
        }
    }

    /** Every thread of this process: "tid name" and its user + system CPU ticks. */
    private static Map<String, Long> threads() {
        Map<String, Long> out = new HashMap<>();
        try (DirectoryStream<Path> tasks = Files.newDirectoryStream(TASKS)) {
            for (Path task : tasks) {
                try {
                    String s = Files.readString(task.resolve("stat"));
                    String[] f = fieldsAfterName(s);
                    out.put(task.getFileName() + " " + s.substring(s.indexOf('(') + 1, s.lastIndexOf(')')),
                            Long.parseLong(f[11]) + Long.parseLong(f[12])); // utime (14) + stime (15)
                } catch (IOException | RuntimeException e) {
                    // the thread ended meanwhile
                }
            }
        } catch (IOException | RuntimeException e) {
            return Map.of();
        }
        return out;
    }

    private static long[] faults() {
        try {
            String[] f = fieldsAfterName(Files.readString(SELF));
            return new long[] {Long.parseLong(f[7]), Long.parseLong(f[9])}; // minflt (10), majflt (12)
        } catch (IOException | RuntimeException e) {
            return new long[] {0, 0};
        }
    }

    /**
     * The fields of a {@code /proc/.../stat} line after the command name, which is in parentheses
     * and may hold spaces: index 0 is field 3 (the state).
     */
    private static String[] fieldsAfterName(String stat) {
        return stat.substring(stat.lastIndexOf(')') + 2).trim().split("\\s+");
    }
}
