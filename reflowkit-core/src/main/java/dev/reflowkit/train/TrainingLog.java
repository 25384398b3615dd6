package dev.reflowkit.train;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.reflowkit.io.AtomicFiles;
import java.io.BufferedWriter;
import java.io.Closeable;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The JSON-lines training log ({@code train_log.jsonl}): one object per log interval with step,
 * samples seen, mean loss over the interval, learning rate, gradient norm and throughput.
 *
 * <p>On resume the log is first cut back to the records at or before the checkpoint's step, so a
 * resumed run's log equals an uninterrupted run's (throughput fields aside).
 */
public final class TrainingLog implements Closeable {

    private static final ObjectMapper JSON = new ObjectMapper();

    private final BufferedWriter out;
    private final Path file;

    private TrainingLog(BufferedWriter out, Path file) {
        this.out = out;
        this.file = file;
    }

    /**
     * Opens the log for a run starting (or resuming) at a step.
     *
     * @param file the log file
     * @param fromStep 0 for a fresh run (the file is truncated), else the resumed step
     * @return the open log
     * @throws IOException if the file cannot be read or written
     */
    public static TrainingLog open(Path file, long fromStep) throws IOException {
        if (fromStep == 0 || !Files.exists(file)) {
            AtomicFiles.createDirectories(file.toAbsolutePath().getParent());
            return new TrainingLog(Files.newBufferedWriter(file, StandardCharsets.UTF_8), file);
        }
        List<String> kept = new ArrayList<>();
        for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
            if (line.isBlank()) {
                continue;
            }
            JsonNode node;
            try {
                node = JSON.readTree(line);
            } catch (IOException e) {
                break; // a torn last line from a kill: drop it and everything after
            }
            if (node.path("step").asLong(Long.MAX_VALUE) <= fromStep) {
                kept.add(line);
            }
        }
        AtomicFiles.writeString(file, kept.isEmpty() ? "" : String.join("\n", kept) + "\n");
        return new TrainingLog(Files.newBufferedWriter(file, StandardCharsets.UTF_8,
                StandardOpenOption.APPEND), file);
    }

    /**
     * Appends one record and flushes it.
     *
     * @param record the fields, written in iteration order
     * @throws IOException if writing fails
     */
    public void write(Map<String, Object> record) throws IOException {
        try {
            out.write(JSON.writeValueAsString(record));
            out.write('\n');
            out.flush();
        } catch (IOException e) {
            throw new IOException("cannot write " + file + ": " + e.getMessage(), e);
        }
    }

    /**
     * Reads all records of a log.
     *
     * @param file the log file
     * @return the records as JSON trees
     * @throws IOException if unreadable
     */
    public static List<JsonNode> read(Path file) throws IOException {
        List<JsonNode> out = new ArrayList<>();
        for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
            if (!line.isBlank()) {
                out.add(JSON.readTree(line));
            }
        }
        return out;
    }

    /** {@inheritDoc} */
    @Override
    public void close() throws IOException {
        out.close();
    }
}
