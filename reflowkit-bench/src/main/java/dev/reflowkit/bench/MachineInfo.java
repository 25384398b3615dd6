package dev.reflowkit.bench;

import dev.reflowkit.engine.Engines;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/** The facts about the machine a benchmark ran on, for the report. */
public final class MachineInfo {

    private MachineInfo() {}

    /**
     * Describes this machine and process.
     *
     * @return CPU model, cores, memory, OS, Java, engine and thread settings, allocator settings
     */
    public static Map<String, Object> describe() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("cpu", cpuModel());
        m.put("cores", Runtime.getRuntime().availableProcessors());
        m.put("memory_gib", Math.round(totalMemoryKb() / 1024.0 / 1024.0 * 10) / 10.0);
        m.put("os", System.getProperty("os.name") + " " + System.getProperty("os.version"));
        m.put("engine", Engines.describe());
        m.put("engine_version", Engines.engine().getVersion());
        m.put("engine_threads", System.getProperty("ai.djl.pytorch.num_threads", "engine default"));
        m.put("engine_interop_threads", System.getProperty("ai.djl.pytorch.num_interop_threads", "engine default"));
        Map<String, String> malloc = new LinkedHashMap<>();
        System.getenv().forEach((k, v) -> {
            if (k.startsWith("MALLOC_")) {
                malloc.put(k, v);
            }
        });
        m.put("malloc_env", malloc);
        return m;
    }

    private static String cpuModel() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/cpuinfo"))) {
                if (line.startsWith("model name")) {
                    return line.substring(line.indexOf(':') + 1).trim();
                }
            }
        } catch (IOException e) {
            return System.getProperty("os.arch");
        }
        return System.getProperty("os.arch");
    }

    private static long totalMemoryKb() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/meminfo"))) {
                if (line.startsWith("MemTotal:")) {
                    return Long.parseLong(line.replaceAll("[^0-9]", ""));
                }
            }
        } catch (IOException | NumberFormatException e) {
            return 0;
        }
        return 0;
    }
}
