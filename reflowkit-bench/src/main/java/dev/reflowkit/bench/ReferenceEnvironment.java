package dev.reflowkit.bench;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Whether the PyTorch reference runs in an environment set up for speed: the decision on what its
 * environment probe ({@code torch_reference.py SPEC --probe OUT}) reported, taken before anything
 * is measured. A reference that is not set up for speed would flatter ReflowKit: with Debian's
 * pthread OpenBLAS under PyTorch's OpenMP thread pool the two pools fight, and ratios of 3.9-5.0
 * were measured where the set-up reference gave about 1 (docs/PERFORMANCE.md).
 *
 * <p>The problems it finds:
 * <ul>
 *   <li>the BLAS the process loaded: MKL, OpenBLAS's OpenMP build and BLIS's OpenMP build pass; the
 *       pthread builds of OpenBLAS and BLIS fail with more than one thread (a second thread pool
 *       beside OpenMP's), the reference BLAS (netlib) always, anything unrecognized always;
 *   <li>the threads: PyTorch's intra-op threads and OpenMP's must be the requested count, and
 *       {@code OMP_NUM_THREADS}, {@code OPENBLAS_NUM_THREADS}, {@code GOTO_NUM_THREADS},
 *       {@code MKL_NUM_THREADS} and {@code BLIS_NUM_THREADS}, where set, too;
 *       {@code OMP_WAIT_POLICY=PASSIVE} fails (threads sleep between operations);
 *   <li>speed: the reference's matmul must reach at least {@link #MIN_MATMUL_SHARE} of ReflowKit's
 *       own at the same size (measured just before), and an MLP layer of the benchmark (256 wide,
 *       batch 512, forward and backward) at least {@link #MIN_LAYER_SHARE} of the reference's own
 *       matmul peak. Both thresholds are loose on purpose: they catch a crippled set-up (a factor of
 *       several), not noise.
 * </ul>
 */
public final class ReferenceEnvironment {

    /** The lowest acceptable ratio of the reference's matmul GFLOP/s to ReflowKit's. */
    public static final double MIN_MATMUL_SHARE = 0.5;

    /** The lowest acceptable ratio of the MLP layer's GFLOP/s to the reference's matmul peak. */
    public static final double MIN_LAYER_SHARE = 0.15;

    private static final Pattern OMP_THREADS = Pattern.compile("omp_get_max_threads\\(\\)\\s*:\\s*(\\d+)");

    private ReferenceEnvironment() {}

    /** The kinds of BLAS the check tells apart. */
    public enum Blas {
        /** Intel MKL (PyTorch's wheels link it). */
        MKL,
        /** OpenBLAS built with OpenMP (Debian's libopenblas0-openmp, bench/setup.sh). */
        OPENBLAS_OPENMP,
        /** OpenBLAS with its own pthread pool (Debian's libopenblas0-pthread). */
        OPENBLAS_PTHREAD,
        /** BLIS built with OpenMP. */
        BLIS_OPENMP,
        /** BLIS with its own pthread pool. */
        BLIS_PTHREAD,
        /** The reference BLAS (netlib): unoptimized loops. */
        NETLIB,
        /** None of the above. */
        UNKNOWN
    }

    /**
     * The BLAS the reference loaded, from the libraries in its memory map, PyTorch's build
     * information and the {@code libblas.so.3} alternative.
     *
     * @param probe the probe's report
     * @return the kind
     */
    public static Blas blas(JsonNode probe) {
        if (probe.path("mkl").asBoolean(false) || probe.path("blas_info").asText("").toLowerCase(Locale.ROOT)
                .contains("mkl")) {
            return Blas.MKL;
        }
        List<String> paths = new ArrayList<>();
        probe.path("libraries").forEach(p -> paths.add(p.asText()));
        paths.add(probe.path("blas").asText(""));
        for (String raw : paths) {
            String p = raw.toLowerCase(Locale.ROOT);
            if (p.contains("mkl")) {
                return Blas.MKL;
            } else if (p.contains("openblas-openmp") || p.contains("libopenblaso")) {
                return Blas.OPENBLAS_OPENMP;
            } else if (p.contains("openblas-pthread") || p.contains("libopenblasp")) {
                return Blas.OPENBLAS_PTHREAD;
            } else if (p.contains("blis-openmp")) {
                return Blas.BLIS_OPENMP;
            } else if (p.contains("blis-pthread")) {
                return Blas.BLIS_PTHREAD;
            } else if (p.contains("/blas/libblas")) {
                return Blas.NETLIB;
            }
        }
        return Blas.UNKNOWN;
    }

    /**
     * The reasons the reference is not set up for speed.
     *
     * @param probe the probe's report
     * @param threads the intra-op threads both sides were given
     * @param ourMatmulGflops ReflowKit's matmul GFLOP/s at the probe's size, NaN if not measured
     * @return the problems, empty if none
     */
    public static List<String> problems(JsonNode probe, int threads, double ourMatmulGflops) {
        List<String> problems = new ArrayList<>();
        Blas blas = blas(probe);
        switch (blas) {
            case MKL, OPENBLAS_OPENMP, BLIS_OPENMP -> { }
            case OPENBLAS_PTHREAD, BLIS_PTHREAD -> {
                if (threads > 1) {
                    problems.add("BLAS is the pthread build (" + blasText(probe) + "): its thread pool fights"
                            + " PyTorch's OpenMP pool (install libopenblas0-openmp: bench/setup.sh)");
                }
            }
            case NETLIB -> problems.add("BLAS is the unoptimized reference BLAS (" + blasText(probe)
                    + "): install libopenblas0-openmp (bench/setup.sh)");
            default -> problems.add("BLAS not recognized as set up for speed (" + blasText(probe)
                    + "; accepted: MKL, OpenBLAS or BLIS built with OpenMP)");
        }
        int torchThreads = probe.path("threads").asInt(-1);
        if (torchThreads != threads) {
            problems.add("PyTorch runs " + torchThreads + " intra-op threads, not " + threads);
        }
        Matcher omp = OMP_THREADS.matcher(probe.path("parallel_info").asText(""));
        if (omp.find() && Integer.parseInt(omp.group(1)) != threads) {
            problems.add("OpenMP runs " + omp.group(1) + " threads, not " + threads);
        }
        JsonNode env = probe.path("env");
        for (String key : List.of("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "GOTO_NUM_THREADS", "MKL_NUM_THREADS",
                "BLIS_NUM_THREADS")) {
            String v = env.path(key).asText(null);
            if (v != null && !v.trim().equals(Integer.toString(threads))) {
                problems.add(key + "=" + v + " (the benchmark runs " + threads + " threads)");
            }
        }
        if (env.path("OMP_WAIT_POLICY").asText("").trim().equalsIgnoreCase("passive")) {
            problems.add("OMP_WAIT_POLICY=PASSIVE: OpenMP threads sleep between operations");
        }
        double matmul = probe.path("matmul_gflops").asDouble(Double.NaN);
        double layer = probe.path("mlp_gflops").asDouble(Double.NaN);
        if (!(matmul > 0)) {
            problems.add("the probe measured no matmul");
        } else {
            if (ourMatmulGflops > 0 && matmul < MIN_MATMUL_SHARE * ourMatmulGflops) {
                problems.add(String.format(Locale.ROOT, "matmul %.1f GFLOP/s at %d: under %.0f%% of ReflowKit's %.1f",
                        matmul, probe.path("matmul_size").asInt(), 100 * MIN_MATMUL_SHARE, ourMatmulGflops));
            }
            if (!(layer >= MIN_LAYER_SHARE * matmul)) {
                problems.add(String.format(Locale.ROOT, "an MLP layer (256 wide, batch 512) runs at %.1f GFLOP/s,"
                        + " under %.0f%% of the reference's own matmul peak %.1f", layer, 100 * MIN_LAYER_SHARE, matmul));
            }
        }
        return problems;
    }

    /**
     * The BLAS as the report names it: kind and library.
     *
     * @param probe the probe's report
     * @return e.g. {@code OPENBLAS_OPENMP /usr/lib/x86_64-linux-gnu/openblas-openmp/libblas.so.3}
     */
    public static String blasText(JsonNode probe) {
        List<String> libs = new ArrayList<>();
        probe.path("libraries").forEach(p -> {
            if (p.asText().toLowerCase(Locale.ROOT).contains("blas") || p.asText().contains("mkl")) {
                libs.add(p.asText());
            }
        });
        String where = libs.isEmpty() ? probe.path("blas").asText("?") : String.join(", ", libs);
        return blas(probe) + " " + where + ", BLAS_INFO=" + probe.path("blas_info").asText("?");
    }
}
