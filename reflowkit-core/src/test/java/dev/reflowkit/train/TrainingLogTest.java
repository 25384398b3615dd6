package dev.reflowkit.train;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TrainingLogTest {

    @TempDir
    Path dir;

    @Test
    void resumingDropsATornLineAndTheRecordsPastTheCheckpoint() throws IOException {
        Path file = dir.resolve("train_log.jsonl");
        // a kill after step 30's record was half written; the newest checkpoint is at step 20
        Files.writeString(file, "{\"step\":10,\"loss\":1.0}\n{\"step\":20,\"loss\":0.5}\n{\"step\":30,\"loss\":0.4}\n"
                + "{\"step\":40,\"lo", StandardCharsets.UTF_8);
        try (TrainingLog log = TrainingLog.open(file, 20)) {
            log.write(Map.of("step", 30, "loss", 0.45));
        }
        List<JsonNode> records = TrainingLog.read(file);
        assertEquals(List.of(10L, 20L, 30L), records.stream().map(n -> n.get("step").asLong()).toList());
        assertEquals(0.45, records.get(2).get("loss").asDouble());
    }

    @Test
    void aFreshRunStartsAnEmptyLog() throws IOException {
        Path file = dir.resolve("train_log.jsonl");
        Files.writeString(file, "{\"step\":10}\n", StandardCharsets.UTF_8);
        try (TrainingLog log = TrainingLog.open(file, 0)) {
            log.write(Map.of("step", 5));
        }
        assertEquals(1, TrainingLog.read(file).size());
    }
}
