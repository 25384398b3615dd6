package dev.reflowkit.bench;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDManager;
import dev.reflowkit.engine.Engines;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The benchmark's paired mode: the reference session's protocol and failures (a stand-in for
 * Python that answers each chunk with its size in tenths of a second, reports a given parameter
 * count and records the commands), ReflowKit's chunked runs taking turns with it, the first turn
 * alternating between rounds, and a network of another size failing the round.
 */
class PairedModeTest {

    private static final String SERVER = """
            if [[ "$1" == "-c" ]]; then echo 1.13; exit 0; fi
            [[ "$3" == "--serve" ]] || exit 9
            cp "$2" "$(dirname "$2")/seen-spec.json"
            echo "warming up"
            echo '@@ready {"torch": "1.13.0", "python": "3.11", "threads": 2, "interop_threads": 1, "blas": "b",\
             "mkldnn": true, "startup_s": 1.25, "params": %PARAMS%}'
            while read -r cmd n; do
              echo "$cmd $n" >> "$(dirname "$2")/commands.txt"
              if [[ $cmd == run ]]; then echo "@@done $(( n / 10 )).$(( n % 10 ))"
              elif [[ $cmd == quit ]]; then echo "@@rss 321.5"; exit 0; fi
            done
            """;

    @TempDir
    Path dir;

    private Path fakePython(String body) throws IOException {
        return FakePython.write(dir, body);
    }

    /** The stand-in server reporting a network of {@code params} parameters. */
    private Path server(long params) throws IOException {
        return fakePython(SERVER.replace("%PARAMS%", Long.toString(params)));
    }

    /** The parameter count of the 2-D MLP every quick MLP workload runs (the demo's 3 x 256). */
    private static final long MLP_PARAMETERS = 149_250;

    private static Workload quick(String name) {
        return BenchSuite.standard(true).stream().filter(w -> w.name().equals(name)).findFirst().orElseThrow();
    }

    @Test
    void aSessionAnswersChunksAndReportsItsPeak() throws IOException {
        TorchReference ref = new TorchReference(server(MLP_PARAMETERS).toString(), 60);
        List<String> log = new ArrayList<>();
        Path work = dir.resolve("work");
        TorchSession s = ref.session(quick("mlp-sample-9"), 2, work, log::add);
        assertEquals("1.13.0", s.info().get("torch"));
        assertEquals(1.25, s.startupSeconds(), 0);
        assertEquals(MLP_PARAMETERS, s.parameters());
        assertEquals(0.3, s.run(3), 1e-12);
        assertEquals(1.2, s.run(12), 1e-12);
        assertThrows(IllegalArgumentException.class, () -> s.run(0));
        s.close();
        s.close(); // idempotent
        assertEquals(321.5, s.peakRssMb(), 0);
        assertEquals(List.of("warming up"), log);
        assertEquals(List.of("run 3", "run 12", "quit "), Files.readAllLines(work.resolve("commands.txt")));
        String spec = Files.readString(work.resolve("seen-spec.json"));
        assertTrue(spec.contains("\"mlp-sample-9\"") && spec.contains("\"threads\" : 2"), spec);
        assertThrows(IllegalArgumentException.class, () -> ref.session(quick("matmul-1024"), 2, work, l -> { }));
    }

    @Test
    void aReferenceThatDiesOrGarblesIsAClearError() throws IOException {
        TorchReference dies = new TorchReference(fakePython("""
                echo "Traceback: no module named torch.nn"; exit 4
                """).toString(), 60);
        IOException e = assertThrows(IOException.class,
                () -> dies.session(quick("mlp-train"), 2, dir.resolve("a"), l -> { }));
        assertTrue(e.getMessage().contains("before answering 'ready'") && e.getMessage().contains("exit 4")
                && e.getMessage().contains("no module named torch.nn"), e.getMessage());

        TorchReference garbles = new TorchReference(fakePython("""
                echo '@@ready {"torch": "1.13.0"}'
                read -r cmd n; echo "@@done soon"; read -r cmd n; echo "@@rss 1"
                """).toString(), 60);
        try (TorchSession s = garbles.session(quick("mlp-train"), 2, dir.resolve("b"), l -> { })) {
            IOException g = assertThrows(IOException.class, () -> s.run(5));
            assertTrue(g.getMessage().contains("'soon'"), g.getMessage());
        }

        TorchReference silent = new TorchReference(fakePython("sleep 30").toString(), 1);
        IOException t = assertThrows(IOException.class,
                () -> silent.session(quick("mlp-train"), 2, dir.resolve("c"), l -> { }));
        assertTrue(t.getMessage().contains("did not answer 'ready' within 1 s"), t.getMessage());
    }

    @Test
    void chunksSplitTheTimedCountNearlyEvenly() {
        assertArrayEquals(new long[] {4, 3, 3}, ReflowKitRunner.chunkSizes(10, 3));
        assertArrayEquals(new long[] {1, 1}, ReflowKitRunner.chunkSizes(2, 5));
        assertArrayEquals(new long[] {100}, ReflowKitRunner.chunkSizes(100, 1));
        assertThrows(IllegalArgumentException.class, () -> ReflowKitRunner.chunkSizes(10, 0));
    }

    @Test
    void theFirstTurnAlternatesBetweenRounds() throws IOException {
        assertFalse(Bench.referenceFirst(0), "round 1: ReflowKit first");
        assertTrue(Bench.referenceFirst(1), "round 2: the reference first");
        assertFalse(Bench.referenceFirst(2));
        for (boolean referenceFirst : new boolean[] {false, true}) {
            List<String> order = new ArrayList<>();
            long[] sizes = ReflowKitRunner.chunkSizes(10, 3);
            double[] seconds = new double[sizes.length];
            ReflowKitRunner.runUnits(2, new ReflowKitRunner.Turns(sizes, seconds, i -> order.add("theirs " + i),
                    referenceFirst), k -> order.add("ours " + k));
            List<String> expected = referenceFirst
                    ? List.of("ours 2", "theirs 0", "ours 4", "theirs 1", "ours 3", "theirs 2", "ours 3")
                    : List.of("ours 2", "ours 4", "theirs 0", "ours 3", "theirs 1", "ours 3", "theirs 2");
            assertEquals(expected, order, "reference first: " + referenceFirst + " (warm-up first, then the turns)");
            assertTrue(Arrays.stream(seconds).allMatch(x -> x >= 0 && x < 0.05), Arrays.toString(seconds));
        }
    }

    @Test
    void sidesTakeTurnsAndEachCountsOnlyItsOwnChunks() throws IOException {
        TorchReference ref = new TorchReference(server(MLP_PARAMETERS).toString(), 60);
        try (NDManager m = Engines.newManager()) {
            ReflowKitRunner runner = new ReflowKitRunner(m);
            for (String name : List.of("mlp-sample-9", "mlp-train", "mlp-sample-9-net", "mlp-train-net")) {
                Workload w = quick(name);
                Path work = dir.resolve(name);
                long[] sizes = ReflowKitRunner.chunkSizes(w.count(), 3);
                ReflowKitRunner.Paired p;
                try (TorchSession s = ref.session(w, 2, work, l -> { })) {
                    p = runner.runPaired(w, s, 3, name.endsWith("-net"));
                }
                // The stand-in "took" a tenth of a second per step or batch, in three turns.
                List<String> expected = new ArrayList<>();
                for (long size : sizes) {
                    expected.add("run " + size);
                }
                expected.add("quit ");
                assertEquals(expected, Files.readAllLines(work.resolve("commands.txt")), name);
                assertEquals(w.count() / 10.0, p.theirs().seconds(), 1e-9, name);
                assertEquals(w.count() * w.itemsPerUnit() / p.theirs().seconds(), p.theirs().itemsPerSecond(), 1e-6);
                assertEquals(321.5, p.theirs().peakRssMb(), 0);
                assertEquals(3, p.chunkRatios().size());
                assertEquals(p.theirs().seconds(), p.theirChunks().stream().mapToDouble(Double::doubleValue).sum(), 1e-9);
                assertEquals(p.ours().seconds(), p.ourChunks().stream().mapToDouble(Double::doubleValue).sum(), 1e-9);
                assertEquals(p.theirChunks().get(0) / p.ourChunks().get(0), p.chunkRatios().get(0), 1e-12);
                assertTrue(p.ours().seconds() > 0 && p.ours().itemsPerSecond() > 0, p.ours().toString());
                assertEquals(MLP_PARAMETERS, p.ours().parameters(), "ReflowKit's own count");
                assertEquals(MLP_PARAMETERS, p.theirs().parameters(), "the reference's own count");
                // Each side's chunks carry their CPU accounting (its figures: CpuUseTest; these
                // chunks last milliseconds, below the kernel's 10 ms clock tick).
                assertEquals(3, p.ours().cpu().size(), name);
                assertEquals(3, p.theirs().cpu().size(), name);
                assertTrue(p.ours().cpu().stream().allMatch(c -> c.seconds() > 0 && c.ownCores() >= 0),
                        p.ours().cpu().toString());
            }
        }
    }

    /** The reference reports its own parameter count; another network than ReflowKit's fails the round. */
    @Test
    void aReferenceNetworkOfAnotherSizeFailsTheRound() throws IOException {
        TorchReference ref = new TorchReference(server(7).toString(), 60);
        Workload w = quick("mlp-sample-9");
        try (NDManager m = Engines.newManager(); TorchSession s = ref.session(w, 2, dir.resolve("w"), l -> { })) {
            IOException e = assertThrows(IOException.class, () -> new ReflowKitRunner(m).runPaired(w, s, 2, false));
            assertTrue(e.getMessage().contains("not like for like") && e.getMessage().contains(MLP_PARAMETERS + " parameters")
                    && e.getMessage().contains("of 7 in the PyTorch reference"), e.getMessage());
        }
    }
}
