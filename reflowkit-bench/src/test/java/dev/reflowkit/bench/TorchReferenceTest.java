package dev.reflowkit.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The reference runner's process handling and parsing, with a stand-in for Python. */
class TorchReferenceTest {

    @TempDir
    Path dir;

    private Path fakePython(String body) throws IOException {
        return FakePython.write(dir, body);
    }

    @Test
    void parsesTheResultsOfEveryWorkload() throws IOException {
        // "python SCRIPT SPEC OUT": copy the spec beside the result to check it was written, answer.
        Path exe = fakePython("""
                if [[ "$1" == "-c" ]]; then echo 1.13; exit 0; fi
                cp "$2" "$(dirname "$3")/seen-spec.json"
                echo "torch  mlp-train {...}" >&2
                cat > "$3" <<'JSON'
                {"torch": "1.13.0", "python": "3.11", "threads": 2, "interop_threads": 1, "blas": "openblas",
                 "mkldnn": true, "startup_s": 1.5, "results": {
                  "mlp-train": {"seconds": 2.0, "steps_per_s": 50, "items_per_s": 25600, "params": 149250,
                                "peak_rss_mb": 300},
                  "mlp-train@composite": {"seconds": 2.5, "items_per_s": 20480, "params": 149250, "peak_rss_mb": 310},
                  "matmul-1024": {"seconds": 0.2, "gflops": 100.0, "peak_rss_mb": 250}}}
                JSON
                """);
        TorchReference ref = new TorchReference(exe.toString(), 60);
        assertNull(ref.unavailableReason());
        List<Workload> workloads = List.of(BenchSuite.standard(true).get(0), BenchSuite.standard(true).get(1));
        List<String> lines = new ArrayList<>();
        TorchReference.Run run = ref.run(workloads, 2, dir, lines::add, true);
        assertEquals(25600, run.results().get("mlp-train").itemsPerSecond(), 1e-9);
        assertEquals(20480, run.results().get("mlp-train" + TorchReference.COMPOSITE).itemsPerSecond(), 1e-9);
        assertEquals(100e9, run.results().get("matmul-1024").itemsPerSecond(), 1e-3);
        assertEquals(149250, run.results().get("mlp-train").parameters());
        assertEquals("1.13.0", run.info().get("torch"));
        assertTrue(lines.stream().anyMatch(l -> l.contains("mlp-train")), lines.toString());
        String spec = Files.readString(dir.resolve("seen-spec.json"));
        assertTrue(spec.contains("\"composite\"") && spec.contains("\"mlp-train\""), spec);
    }

    @Test
    void failuresAreClearErrors() throws IOException {
        Path exe = fakePython("""
                if [[ "$1" == "-c" ]]; then echo "ModuleNotFoundError: No module named 'torch'"; exit 1; fi
                echo "Traceback: boom" >&2; exit 3
                """);
        TorchReference ref = new TorchReference(exe.toString(), 60);
        String reason = ref.unavailableReason();
        assertNotNull(reason);
        assertTrue(reason.contains("No module named 'torch'") && reason.contains("bench/setup.sh"), reason);
        IOException e = assertThrows(IOException.class,
                () -> ref.run(List.of(BenchSuite.standard(true).get(1)), 2, dir, l -> { }, false));
        assertTrue(e.getMessage().contains("exit 3") && e.getMessage().contains("boom"), e.getMessage());
        assertNotNull(new TorchReference(dir.resolve("no-such-python").toString(), 5).unavailableReason());
    }
}
