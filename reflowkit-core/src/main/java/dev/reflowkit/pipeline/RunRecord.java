package dev.reflowkit.pipeline;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.reflowkit.config.Config;
import dev.reflowkit.engine.Engines;
import dev.reflowkit.io.AtomicFiles;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The record every run leaves in its output directory: {@code config.yaml} (the full resolved
 * configuration) and {@code run.json} (command, arguments, seed, versions of ReflowKit, DJL,
 * PyTorch and Java, the machine, and the time), so any result can be reproduced.
 */
public final class RunRecord {

    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    private RunRecord() {}

    /**
     * Writes {@code config.yaml} and {@code run.json} into a directory (atomically).
     *
     * @param dir the output directory
     * @param command the command, e.g. {@code "train"}
     * @param args the command-line arguments
     * @param config the resolved configuration
     * @param extra further fields for {@code run.json} (may be empty)
     * @throws IOException if writing fails
     */
    public static void write(Path dir, String command, List<String> args, Config config,
            Map<String, Object> extra) throws IOException {
        write(dir, command, args, config, extra, Instant.now().toString());
    }

    /**
     * Writes {@code config.yaml} and {@code run.json} into a directory (atomically), with the
     * time the run started (a record rewritten as the run goes on keeps its start).
     *
     * @param dir the output directory
     * @param command the command, e.g. {@code "pipeline"}
     * @param args the command-line arguments
     * @param config the resolved configuration
     * @param extra further fields for {@code run.json} (may be empty)
     * @param started when the run started (ISO-8601)
     * @throws IOException if writing fails
     */
    public static void write(Path dir, String command, List<String> args, Config config,
            Map<String, Object> extra, String started) throws IOException {
        Map<String, Object> run = describe(command, args, config, extra);
        run.put("started", started);
        AtomicFiles.writeString(dir.resolve("config.yaml"), config.toYaml());
        AtomicFiles.writeString(dir.resolve("run.json"), JSON.writeValueAsString(run));
    }

    /**
     * The run description written to {@code run.json}.
     *
     * @param command the command
     * @param args the arguments
     * @param config the resolved configuration
     * @param extra further fields
     * @return the description
     */
    public static Map<String, Object> describe(String command, List<String> args, Config config,
            Map<String, Object> extra) {
        Map<String, Object> run = new LinkedHashMap<>();
        run.put("command", command);
        run.put("args", args);
        run.put("started", Instant.now().toString());
        run.put("seed", config.getLong("seed"));
        run.put("versions", versions());
        run.putAll(extra);
        run.put("config", config.toNestedMap());
        return run;
    }

    /**
     * The versions and machine facts recorded with every run.
     *
     * @return a map of names to versions
     */
    public static Map<String, Object> versions() {
        Map<String, Object> v = new LinkedHashMap<>();
        String own = RunRecord.class.getPackage().getImplementationVersion();
        v.put("reflowkit", own == null ? "development" : own);
        v.put("engine", Engines.describe());
        v.put("java", System.getProperty("java.vm.name") + " " + System.getProperty("java.version"));
        v.put("os", System.getProperty("os.name") + " " + System.getProperty("os.arch"));
        v.put("cpus", Runtime.getRuntime().availableProcessors());
        return v;
    }
}
