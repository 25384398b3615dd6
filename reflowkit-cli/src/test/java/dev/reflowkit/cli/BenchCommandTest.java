package dev.reflowkit.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code reflow bench} end to end on one small workload, ReflowKit side only (CI has no torch). */
class BenchCommandTest {

    @TempDir
    Path dir;

    @Test
    void quickSamplingBenchWritesTheReport() throws IOException {
        Cli.Result r = Cli.run("bench", "--quick", "--no-reference", "--no-memory", "--only", "mlp-sample-9(-net)?",
                "--threads", "1", "--out", dir.toString());
        assertEquals(0, r.exitCode(), r::toString);
        String md = Files.readString(dir.resolve("bench.md"));
        assertTrue(md.contains("| mlp-sample-9 | samples/s at 9 NFE, batch 1000 |"), md);
        assertTrue(md.contains("| mlp-sample-9-net | samples/s at 9 NFE, batch 1000 |"), "the network alone:\n" + md);
        assertTrue(md.contains("PyTorch reference: not requested (--no-reference)"), md);
        assertFalse(md.contains("NaN"), "no matmul peak was measured: GFLOP/s without a share of it\n" + md);
        assertEquals(md, r.out(), "the report is also printed");
        JsonNode json = new ObjectMapper().readTree(dir.resolve("bench.json").toFile());
        JsonNode row = json.path("rows").get(0);
        assertEquals("mlp-sample-9", row.path("workload").asText());
        assertEquals("step", row.path("scope").asText());
        assertEquals("network", json.path("rows").get(1).path("scope").asText());
        assertTrue(json.path("rows").get(1).path("reflowkit").get(0).path("itemsPerSecond").asDouble() > 100);
        assertTrue(row.path("reflowkit").get(0).path("itemsPerSecond").asDouble() > 100, row.toString());
        assertEquals(149_250, row.path("reflowkit").get(0).path("parameters").asLong());
        assertEquals(9 * 2.0 * (66 * 256 + 2 * 256 * 256 + 256 * 2), row.path("flops_per_item").asDouble(), 1e-6);
        assertTrue(json.path("startup_s").asDouble() >= 0);
    }

    @Test
    void anOnlyPatternThatMatchesNothingIsAnInputError() {
        String line = Cli.run("bench", "--only", "resnet.*", "--no-reference", "--out", dir.toString()).inputError();
        assertEquals("reflow bench: error: --only resnet.* matches no workload", line);
    }

    @Test
    void negativeChunksAreAnInputError() {
        String line = Cli.run("bench", "--chunks", "-1", "--no-reference", "--out", dir.toString()).inputError();
        assertEquals("reflow bench: error: --chunks must be >= 0, got -1", line);
    }
}
