package dev.reflowkit.pipeline;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.nn.Block;
import ai.djl.nn.Parameter;
import ai.djl.util.Pair;
import dev.reflowkit.config.Config;
import dev.reflowkit.coupling.Coupling;
import dev.reflowkit.coupling.PairStoreCoupling;
import dev.reflowkit.engine.Engines;
import dev.reflowkit.io.Checksums;
import dev.reflowkit.pairs.PairDirection;
import dev.reflowkit.pairs.PairManifest;
import dev.reflowkit.pairs.PairSettings;
import dev.reflowkit.pairs.PairSource;
import dev.reflowkit.pairs.PairStore;
import dev.reflowkit.pairs.StreamingPairStore;
import dev.reflowkit.train.Checkpoint;
import dev.reflowkit.train.CheckpointException;
import dev.reflowkit.train.Checkpoints;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The inputs of a ReFlow run: the teacher checkpoint and the pair stores it trains on, checked
 * against each other (same teacher, same sample shape) before anything is trained.
 *
 * @param teacher the teacher checkpoint
 * @param teacherSha256 its SHA-256
 * @param stores the pair stores, in the order of {@code reflow.pairs}, in memory or streamed
 *     ({@code reflow.streaming})
 * @param coupling the mixture of the stores ({@code reflow.mix}, default proportional to counts)
 */
record ReflowInputs(Path teacher, String teacherSha256, List<PairSource> stores, Coupling coupling)
        implements AutoCloseable {

    /**
     * Opens and checks the inputs named by a configuration.
     *
     * @param config the configuration ({@code reflow.teacher}, {@code reflow.pairs}, {@code reflow.mix})
     * @return the inputs
     * @throws IOException if a store cannot be read
     * @throws IllegalArgumentException if a store comes from another teacher, the shapes differ, or
     *     the mix does not match the stores
     */
    static ReflowInputs open(Config config) throws IOException {
        Path teacher = Path.of(config.getString("reflow.teacher"));
        List<String> paths = config.getStringList("reflow.pairs");
        if (paths.isEmpty()) {
            throw new IllegalArgumentException("reflow.pairs is empty: a ReFlow run needs at least one pair"
                    + " store (make one with `reflow pairs --teacher " + teacher + " ...`)");
        }
        List<Double> mix = config.getDoubleList("reflow.mix");
        Preflight.mix(config, paths.size());
        String sha = Checksums.sha256(requireFile(teacher));
        PairStoreCoupling.Builder coupling = PairStoreCoupling.builder();
        List<PairSource> stores = new ArrayList<>();
        boolean stream = streaming(config, paths);
        for (int i = 0; i < paths.size(); i++) {
            PairSource store = stream ? StreamingPairStore.open(Path.of(paths.get(i))) : PairStore.open(Path.of(paths.get(i)));
            if (!store.settings().teacherSha256().equals(sha)) {
                try (NDManager check = Engines.newManager()) {
                    Checkpoints.read(teacher, check); // a damaged teacher is named as such, not as "another teacher"
                }
                throw new IllegalArgumentException(store.directory() + ": its pairs were drawn from another teacher"
                        + " (SHA-256 " + store.settings().teacherSha256().substring(0, 12) + "...), not from "
                        + teacher + " (" + sha.substring(0, 12) + "...)");
            }
            stores.add(store);
            if (mix.isEmpty()) {
                coupling.addStore(store);
            } else {
                coupling.addStore(store, mix.get(i));
            }
        }
        return new ReflowInputs(teacher, sha, stores, coupling.build());
    }

    /**
     * Whether training streams the stores ({@code reflow.streaming}): {@code auto} streams when
     * their values take more than {@value #IN_MEMORY_LIMIT} bytes. Streaming and in-memory stores
     * give the same batches.
     */
    private static boolean streaming(Config config, List<String> paths) throws IOException {
        String mode = config.getString("reflow.streaming");
        if (!mode.equals("auto")) {
            return mode.equals("always");
        }
        long bytes = 0;
        for (String p : paths) {
            PairSettings s = PairManifest.read(Path.of(p)).settings();
            bytes += 8L * s.count() * s.sampleSize();
        }
        return bytes > IN_MEMORY_LIMIT;
    }

    /** The most bytes of pairs {@code reflow.streaming auto} loads into memory: 1 GiB. */
    static final long IN_MEMORY_LIMIT = 1L << 30;

    /** Closes the streamed stores' files. */
    @Override
    public void close() {
        for (PairSource s : stores) {
            if (s instanceof StreamingPairStore streamed) {
                streamed.close();
            }
        }
    }

    /**
     * Fields for the run record.
     *
     * @return teacher, its hash and the stores with their directions and counts
     */
    Map<String, Object> describe() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("teacher", teacher.toString());
        m.put("teacher_sha256", teacherSha256);
        List<Map<String, Object>> s = new ArrayList<>();
        for (PairSource store : stores) {
            s.add(Map.of("dir", store.directory().toString(), "direction", store.direction().configName(),
                    "count", store.count()));
        }
        m.put("pairs", s);
        m.put("streamed", stores.stream().anyMatch(st -> st instanceof StreamingPairStore));
        return m;
    }

    /**
     * Whether every store holds backward pairs only: a deterministic coupling (each pair's x0 is
     * the teacher's ODE image of its x1), the case where a per-sample loss weight is the paper's
     * loss normalization.
     *
     * @return true when no store holds forward or projected pairs
     */
    boolean deterministicCoupling() {
        return stores.stream().allMatch(st -> st.direction() == PairDirection.BACKWARD);
    }

    /**
     * The stores' directions, for messages.
     *
     * @return e.g. {@code [backward, forward]}
     */
    List<String> directions() {
        return stores.stream().map(st -> st.direction().configName()).toList();
    }

    /**
     * Copies the teacher's EMA weights into a freshly built model of the same architecture.
     *
     * @param model the ReFlow model
     * @param teacher the teacher checkpoint
     * @param manager a manager for the temporary arrays
     */
    static void initializeFromTeacher(Block model, Path teacher, NDManager manager) {
        try (NDManager tmp = manager.newSubManager()) {
            Checkpoint c = Checkpoints.read(teacher, tmp);
            List<NDArray> live = new ArrayList<>();
            for (Pair<String, Parameter> p : model.getParameters()) {
                live.add(p.getValue().getArray());
            }
            try {
                Checkpoints.copyInto(c.ema(), live, "teacher weights");
            } catch (IllegalArgumentException e) {
                throw new CheckpointException(teacher, "does not match the ReFlow model's architecture (model.*"
                        + " must equal the teacher's): " + e.getMessage());
            }
        }
    }

    private static Path requireFile(Path teacher) {
        if (!java.nio.file.Files.isRegularFile(teacher)) {
            throw new CheckpointException(teacher, "no such teacher checkpoint (reflow.teacher)");
        }
        return teacher;
    }
}
