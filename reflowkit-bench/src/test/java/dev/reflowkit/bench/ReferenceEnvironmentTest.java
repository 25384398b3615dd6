package dev.reflowkit.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The reference's environment check: the decision on probe reports (a healthy one changed one
 * fact at a time), and the benchmark refusing to measure a reference that is not set up for speed,
 * or with {@code optAllowSlowReference} marking every ratio invalid (a stand-in for Python that
 * answers the probe and serves a workload). The real probe runs in {@link ReferenceEqualityTest}.
 */
class ReferenceEnvironmentTest {

    private static final String HEALTHY = """
            {"torch": "1.13.0", "threads": 2, "interop_threads": 1, "blas_info": "generic", "mkl": false,
             "blas": "/usr/lib/x86_64-linux-gnu/openblas-openmp/libblas.so.3",
             "libraries": ["/usr/lib/x86_64-linux-gnu/openblas-openmp/libblas.so.3",
                           "/usr/lib/x86_64-linux-gnu/libgomp.so.1.0.0"],
             "parallel_info": "ATen/Parallel:\\n\\tat::get_num_threads() : 2\\nOpenMP 201511\\n\\tomp_get_max_threads() : 2\\n",
             "env": {"OMP_NUM_THREADS": "2"}, "matmul_size": 512, "matmul_gflops": 60.0, "mlp_gflops": 30.0}
            """;

    @TempDir
    Path dir;

    private static ObjectNode healthy() throws IOException {
        return (ObjectNode) new ObjectMapper().readTree(HEALTHY);
    }

    private static ObjectNode withBlas(String path) throws IOException {
        ObjectNode p = healthy();
        p.put("blas", path);
        p.putArray("libraries").add(path);
        return p;
    }

    @Test
    void aReferenceSetUpForSpeedPasses() throws IOException {
        assertEquals(List.of(), ReferenceEnvironment.problems(healthy(), 2, 70.0));
        assertEquals(ReferenceEnvironment.Blas.OPENBLAS_OPENMP, ReferenceEnvironment.blas(healthy()));
        ObjectNode mkl = withBlas("/opt/venv/lib/python3.11/site-packages/torch/lib/libtorch_cpu.so");
        mkl.put("mkl", true);
        assertEquals(List.of(), ReferenceEnvironment.problems(mkl, 2, 70.0), "a PyTorch wheel (MKL)");
        assertEquals(List.of(), ReferenceEnvironment.problems(
                withBlas("/usr/lib/x86_64-linux-gnu/blis-openmp/libblas.so.3"), 2, 70.0));
    }

    @Test
    void theBlasBuildDecides() throws IOException {
        ObjectNode pthread = withBlas("/usr/lib/x86_64-linux-gnu/openblas-pthread/libblas.so.3");
        List<String> problems = ReferenceEnvironment.problems(pthread, 2, 70.0);
        assertEquals(1, problems.size(), problems.toString());
        assertTrue(problems.get(0).contains("pthread") && problems.get(0).contains("bench/setup.sh"), problems.get(0));
        ObjectNode oneThread = pthread.deepCopy();
        oneThread.put("threads", 1);
        oneThread.put("parallel_info", "omp_get_max_threads() : 1");
        oneThread.putObject("env").put("OMP_NUM_THREADS", "1");
        assertEquals(List.of(), ReferenceEnvironment.problems(oneThread, 1, 70.0), "one thread: no second pool");
        List<String> netlib = ReferenceEnvironment.problems(
                withBlas("/usr/lib/x86_64-linux-gnu/blas/libblas.so.3.11.0"), 2, 70.0);
        assertTrue(netlib.size() == 1 && netlib.get(0).contains("reference BLAS"), netlib.toString());
        List<String> unknown = ReferenceEnvironment.problems(withBlas("/opt/x/libsomething.so"), 2, 70.0);
        assertTrue(unknown.size() == 1 && unknown.get(0).contains("not recognized"), unknown.toString());
    }

    @Test
    void threadsAndVariablesDecide() throws IOException {
        ObjectNode fewer = healthy();
        fewer.put("threads", 1);
        assertTrue(ReferenceEnvironment.problems(fewer, 2, 70.0).get(0).contains("1 intra-op threads, not 2"));
        ObjectNode omp = healthy();
        omp.put("parallel_info", "omp_get_max_threads() : 4");
        assertTrue(ReferenceEnvironment.problems(omp, 2, 70.0).get(0).contains("OpenMP runs 4 threads"));
        ObjectNode openblas = healthy();
        ((ObjectNode) openblas.get("env")).put("OPENBLAS_NUM_THREADS", "1");
        assertTrue(ReferenceEnvironment.problems(openblas, 2, 70.0).get(0).startsWith("OPENBLAS_NUM_THREADS=1"));
        ObjectNode passive = healthy();
        ((ObjectNode) passive.get("env")).put("OMP_WAIT_POLICY", "passive");
        assertTrue(ReferenceEnvironment.problems(passive, 2, 70.0).get(0).contains("PASSIVE"));
    }

    @Test
    void speedDecides() throws IOException {
        List<String> slowMatmul = ReferenceEnvironment.problems(healthy(), 2, 200.0);
        assertTrue(slowMatmul.size() == 1 && slowMatmul.get(0).contains("under 50% of ReflowKit's 200.0"),
                slowMatmul.toString());
        assertEquals(List.of(), ReferenceEnvironment.problems(healthy(), 2, Double.NaN), "ReflowKit's not measured");
        ObjectNode slowLayer = healthy();
        slowLayer.put("mlp_gflops", 5.0);
        List<String> layer = ReferenceEnvironment.problems(slowLayer, 2, 70.0);
        assertTrue(layer.size() == 1 && layer.get(0).contains("MLP layer"), layer.toString());
        ObjectNode none = healthy();
        none.remove("matmul_gflops");
        assertTrue(ReferenceEnvironment.problems(none, 2, 70.0).contains("the probe measured no matmul"));
    }

    /** A stand-in answering the probe with a given report and serving one sampling workload. */
    private Path fake(String probeJson) throws IOException {
        Files.writeString(dir.resolve("probe-report.json"), probeJson);
        return FakePython.write(dir, """
                if [[ "$1" == "-c" ]]; then echo 1.13; exit 0; fi
                if [[ "$3" == "--probe" ]]; then cp "%s" "$4"; exit 0; fi
                [[ "$3" == "--serve" ]] || exit 9
                echo '@@ready {"torch": "1.13.0", "python": "3.11", "threads": 1, "interop_threads": 1, "blas": "b",\
                 "mkldnn": true, "startup_s": 1.0, "params": 149250}'
                while read -r cmd n; do
                  if [[ $cmd == run ]]; then echo "@@done 0.$n"
                  elif [[ $cmd == quit ]]; then echo "@@rss 100"; exit 0; fi
                done
                """.formatted(dir.resolve("probe-report.json")));
    }

    private Bench.Builder bench(Path python, String out) {
        Workload w = BenchSuite.standard(true).stream().filter(x -> x.name().equals("mlp-sample-9")).findFirst()
                .orElseThrow();
        return Bench.builder().optWorkloads(List.of(w)).optRounds(1).optThreads(1).optChunks(2).optExplain(false)
                .optMemory(new Bench.MemorySettings(0, new int[0])).setWorkDir(dir.resolve(out))
                .optReference(new TorchReference(python.toString(), 60));
    }

    @Test
    void aSlowReferenceIsRefusedOrEveryRatioMarkedInvalid() throws IOException {
        ObjectNode netlib = withBlas("/usr/lib/x86_64-linux-gnu/blas/libblas.so.3.11.0");
        netlib.put("threads", 1);
        netlib.put("parallel_info", "omp_get_max_threads() : 1");
        netlib.putObject("env").put("OMP_NUM_THREADS", "1");
        netlib.put("matmul_gflops", 1e6); // fast enough: only the BLAS is wrong
        netlib.put("mlp_gflops", 1e6);
        Path python = fake(netlib.toString());
        IOException e = assertThrows(IOException.class, () -> bench(python, "refused").build().run());
        assertTrue(e.getMessage().contains("not set up for speed") && e.getMessage().contains("reference BLAS")
                && e.getMessage().contains("--allow-slow-reference"), e.getMessage());

        BenchResult r = bench(python, "allowed").optAllowSlowReference(true).build().run();
        assertFalse(r.ratiosValid());
        String md = BenchReport.markdown(r);
        assertTrue(md.contains("**not set up for speed**") && md.contains("every ratio below is invalid"), md);
        assertTrue(md.contains(", **invalid** | ≥ 1.0 (invalid) |"), md);
        assertTrue(md.contains("vs 1.13.0"), "the builds stand next to the ratio:\n" + md);
        JsonNode json = new ObjectMapper().valueToTree(r.rows().get(0).reflowkit());
        assertEquals(149_250, json.get(0).path("parameters").asLong());
    }

    @Test
    void aReferenceSetUpForSpeedIsMeasuredWithTheBuildsStated() throws IOException {
        ObjectNode fine = healthy();
        fine.put("threads", 1);
        fine.put("parallel_info", "omp_get_max_threads() : 1");
        fine.putObject("env").put("OMP_NUM_THREADS", "1");
        fine.put("matmul_gflops", 1e6);
        fine.put("mlp_gflops", 1e6);
        BenchResult r = bench(fake(fine.toString()), "fine").build().run();
        assertTrue(r.ratiosValid(), r.reference().toString());
        String md = BenchReport.markdown(r);
        String row = md.lines().filter(l -> l.startsWith("| mlp-sample-9 |")).findFirst().orElseThrow();
        assertTrue(row.matches(".*\\| \\*\\*[0-9.]+\\*\\* \\([0-9.]+–[0-9.]+\\), torch \\S+ \\(DJL\\) vs 1\\.13\\.0 \\|.*"),
                row);
        assertTrue(md.contains("reference environment check: OPENBLAS_OPENMP") && md.contains("set up for speed"), md);
    }
}
