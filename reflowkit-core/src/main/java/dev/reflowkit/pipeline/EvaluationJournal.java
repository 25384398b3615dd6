package dev.reflowkit.pipeline;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.reflowkit.config.Config;
import dev.reflowkit.eval.EvalRun;
import dev.reflowkit.eval.EvalSetting;
import dev.reflowkit.io.AtomicFiles;
import dev.reflowkit.io.Checksums;
import dev.reflowkit.io.Npy;
import dev.reflowkit.metrics.MetricSummaries;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The finished parts of an evaluation stage, kept on disk as they finish so that a killed
 * evaluation resumes without redoing them: the floor, every (model, solver, grid, NFE) run, and
 * each model's adaptive reference samples (which the few-step runs still to do are compared
 * against).
 *
 * <p>A part is found again only under its key, the SHA-256 of everything that shaped it: the
 * settings that shape every result ({@code seed}, {@code data.*}, {@code sample.*} and
 * {@code eval.*} but the lists of which runs to make), the model's checkpoint SHA-256, the solver,
 * the grid's name and time points, and the NFE. A changed setting or a retrained model therefore
 * misses and is evaluated anew. Results read back equal the ones an uninterrupted evaluation
 * computes, bit for bit (every run samples from noise that depends only on the seed and the
 * repeat; doubles are stored in full precision). Writes are atomic: a kill leaves whole parts or
 * none.
 *
 * <p>Layout: {@code DIR/floor-KEY.json}, {@code DIR/MODEL/run-KEY.json},
 * {@code DIR/MODEL/reference-KEY-rR.npy}.
 */
final class EvaluationJournal {

    private static final ObjectMapper JSON = new ObjectMapper()
            .configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, false);

    /** Lists that say which runs an evaluation makes, not how: not part of the shared key. */
    private static final List<String> RUN_LISTS = List.of("eval.nfe", "eval.grid", "eval.extra_grids",
            "eval.solver", "eval.reference");

    private final Path dir;
    private final String context;
    private final Map<Path, String> checkpointSums = new LinkedHashMap<>();
    private int reused;

    private EvaluationJournal(Path dir, String context) {
        this.dir = dir;
        this.context = context;
    }

    /**
     * Opens (or starts) the journal of an evaluation.
     *
     * @param dir the journal's directory, created when the first part is stored
     * @param config the evaluation's configuration
     * @return the journal
     */
    static EvaluationJournal open(Path dir, Config config) {
        Map<String, Object> shaping = new TreeMap<>();
        config.toFlatMap().forEach((k, v) -> {
            boolean section = k.equals("seed") || k.startsWith("data.") || k.startsWith("sample.")
                    || k.startsWith("eval.");
            if (section && !RUN_LISTS.contains(k)) {
                shaping.put(k, v);
            }
        });
        return new EvaluationJournal(dir, Checksums.sha256(json(shaping).getBytes(StandardCharsets.UTF_8)));
    }

    /**
     * The stored floor, or null.
     *
     * @return the floor metrics of an earlier run of this evaluation
     * @throws IOException if a stored file cannot be read
     */
    MetricSummaries floor() throws IOException {
        JsonNode node = read(floorFile());
        return node == null ? null : JSON.treeToValue(node.get("floor"), MetricSummaries.class);
    }

    /**
     * Stores the floor.
     *
     * @param floor the floor metrics
     * @throws IOException if it cannot be written
     */
    void putFloor(MetricSummaries floor) throws IOException {
        ObjectNode node = JSON.createObjectNode();
        node.set("floor", JSON.valueToTree(floor));
        AtomicFiles.writeString(floorFile(), node.toPrettyString() + "\n");
    }

    /**
     * The stored run of a model with a setting, or null.
     *
     * @param model the model name
     * @param checkpoint its checkpoint
     * @param setting the setting
     * @return the run, as computed before
     * @throws IOException if a stored file cannot be read
     */
    EvalRun run(String model, Path checkpoint, EvalSetting setting) throws IOException {
        JsonNode node = read(runFile(model, checkpoint, setting));
        if (node == null) {
            return null;
        }
        reused++;
        return JSON.treeToValue(node.get("run"), EvalRun.class);
    }

    /**
     * Stores a finished run.
     *
     * @param checkpoint the model's checkpoint
     * @param setting the setting it ran with
     * @param run the run
     * @throws IOException if it cannot be written
     */
    void putRun(Path checkpoint, EvalSetting setting, EvalRun run) throws IOException {
        ObjectNode node = JSON.createObjectNode();
        node.put("model", run.model());
        node.put("checkpoint_sha256", checkpointSum(checkpoint));
        node.put("solver", run.solver());
        node.put("grid", run.grid());
        node.set("run", JSON.valueToTree(run));
        AtomicFiles.writeString(runFile(run.model(), checkpoint, setting), node.toPrettyString() + "\n");
    }

    /**
     * The stored reference samples of a model, every repeat, or null if any is missing.
     *
     * @param model the model name
     * @param checkpoint its checkpoint
     * @param reference the reference setting
     * @param repeats the number of repeats
     * @return each repeat's samples, flat
     * @throws IOException if a stored file cannot be read
     */
    List<float[]> referenceSamples(String model, Path checkpoint, EvalSetting reference, int repeats)
            throws IOException {
        List<float[]> out = new ArrayList<>();
        for (int r = 0; r < repeats; r++) {
            Path f = referenceFile(model, checkpoint, reference, r);
            if (!Files.exists(f)) {
                return null;
            }
            out.add(Npy.read(f).data());
        }
        return out;
    }

    /**
     * Stores a model's reference samples.
     *
     * @param model the model name
     * @param checkpoint its checkpoint
     * @param reference the reference setting
     * @param samples each repeat's samples, flat ({@code count × dim})
     * @throws IOException if they cannot be written
     */
    void putReferenceSamples(String model, Path checkpoint, EvalSetting reference, List<float[]> samples)
            throws IOException {
        for (int r = 0; r < samples.size(); r++) {
            float[] s = samples.get(r);
            Npy.write(referenceFile(model, checkpoint, reference, r), s, new long[] {s.length});
        }
    }

    /**
     * How many runs were read back instead of computed.
     *
     * @return the count
     */
    int reused() {
        return reused;
    }

    /**
     * Says on {@code out} how many runs were reused, if any.
     *
     * @param out where to print
     */
    void report(PrintStream out) {
        if (reused > 0) {
            out.println("  resumed: " + reused + " run(s) read back from " + dir + " instead of sampled again");
        }
    }

    private Path floorFile() {
        return dir.resolve("floor-" + shortKey(context) + ".json");
    }

    private Path runFile(String model, Path checkpoint, EvalSetting setting) throws IOException {
        return dir.resolve(safe(model)).resolve("run-" + shortKey(key(model, checkpoint, setting)) + ".json");
    }

    private Path referenceFile(String model, Path checkpoint, EvalSetting reference, int repeat) throws IOException {
        return dir.resolve(safe(model))
                .resolve("reference-" + shortKey(key(model, checkpoint, reference)) + "-r" + repeat + ".npy");
    }

    private String key(String model, Path checkpoint, EvalSetting s) throws IOException {
        String text = context + "\n" + model + "\n" + checkpointSum(checkpoint) + "\n" + s.solver() + "\n"
                + s.grid() + "\n" + s.plan().solver().name() + " " + Arrays.toString(s.plan().grid()) + " "
                + s.plan().nfe();
        return Checksums.sha256(text.getBytes(StandardCharsets.UTF_8));
    }

    private String checkpointSum(Path checkpoint) throws IOException {
        Path abs = checkpoint.toAbsolutePath().normalize();
        String sum = checkpointSums.get(abs);
        if (sum == null) {
            sum = Checksums.sha256(abs);
            checkpointSums.put(abs, sum);
        }
        return sum;
    }

    private static String shortKey(String sha) {
        return sha.substring(0, 20);
    }

    private static String safe(String model) {
        return model.replaceAll("[^A-Za-z0-9._-]", "_");
    }

    /** A stored part, or null when there is none (or it does not parse: it is computed again). */
    private static JsonNode read(Path file) throws IOException {
        if (!Files.exists(file)) {
            return null;
        }
        try {
            return JSON.readTree(file.toFile());
        } catch (JsonProcessingException e) {
            return null;
        }
    }

    private static String json(Object value) {
        try {
            return JSON.writeValueAsString(value);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }
}
