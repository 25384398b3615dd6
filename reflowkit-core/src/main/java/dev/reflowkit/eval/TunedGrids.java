package dev.reflowkit.eval;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.reflowkit.io.AtomicFiles;
import dev.reflowkit.io.Checksums;
import dev.reflowkit.io.DataFormatException;
import dev.reflowkit.solver.grid.CustomGrid;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The grids tuned for one checkpoint ({@link GridTuner}), kept in a sidecar file beside it:
 * {@code DIR/model.ckpt} has {@code DIR/model.grids.json}, one entry per solver and NFE. The file
 * records the checkpoint's SHA-256, so grids tuned for other weights (a retrained model) are
 * never used: they are dropped when the file is read.
 *
 * <pre>{@code
 * {"checkpoint_sha256": "...", "grids": [{"solver": "heun", "nfe": 9, "times": [1.0, ..., 0.0],
 *   "error": 0.0123, "baseline_errors": {"uniform": 0.05, "edm": 0.03, "sigmoid": 0.04},
 *   "count": 256, "seed": 0, "evaluations": 104, "seconds": 80.5}]}
 * }</pre>
 */
public final class TunedGrids {

    /** The sidecar's suffix, replacing the checkpoint's {@code .ckpt}. */
    public static final String SUFFIX = ".grids.json";

    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    private final Path checkpoint;
    private final String sha256;
    private final Map<String, GridTuner.Result> grids;

    private TunedGrids(Path checkpoint, String sha256, Map<String, GridTuner.Result> grids) {
        this.checkpoint = checkpoint;
        this.sha256 = sha256;
        this.grids = grids;
    }

    /**
     * The sidecar file of a checkpoint.
     *
     * @param checkpoint e.g. {@code runs/x/model.ckpt}
     * @return e.g. {@code runs/x/model.grids.json}
     */
    public static Path sidecar(Path checkpoint) {
        String name = checkpoint.getFileName().toString();
        String stem = name.endsWith(".ckpt") ? name.substring(0, name.length() - ".ckpt".length()) : name;
        return checkpoint.resolveSibling(stem + SUFFIX);
    }

    /**
     * The grids recorded for a checkpoint: none if there is no sidecar or it was written for other
     * weights.
     *
     * @param checkpoint the checkpoint
     * @return the grids
     * @throws IOException if the checkpoint cannot be hashed or the sidecar read
     * @throws DataFormatException if the sidecar is malformed
     */
    public static TunedGrids read(Path checkpoint) throws IOException {
        String sha = Checksums.sha256(checkpoint);
        Map<String, GridTuner.Result> grids = new LinkedHashMap<>();
        Path file = sidecar(checkpoint);
        if (Files.exists(file)) {
            try {
                JsonNode root = JSON.readTree(file.toFile());
                if (sha.equals(root.path("checkpoint_sha256").asText())) {
                    for (JsonNode g : root.withArray("grids")) {
                        GridTuner.Result r = parse(g);
                        CustomGrid.of(r.times()); // strictly monotone, or a DataFormatException below
                        grids.put(key(r.solver(), r.nfe()), r);
                    }
                }
            } catch (IOException | RuntimeException e) {
                throw new DataFormatException(file, "not a tuned-grid file: " + e.getMessage()
                        + " (delete it to tune again)");
            }
        }
        return new TunedGrids(checkpoint, sha, grids);
    }

    /**
     * The grid tuned for a solver and NFE, if recorded.
     *
     * @param solver the solver name
     * @param nfe the NFE budget
     * @return the tuned grid
     */
    public Optional<GridTuner.Result> find(String solver, int nfe) {
        return Optional.ofNullable(grids.get(key(solver, nfe)));
    }

    /**
     * Every recorded grid.
     *
     * @return the grids, in the order recorded
     */
    public List<GridTuner.Result> all() {
        return List.copyOf(grids.values());
    }

    /**
     * Records a grid (replacing one of the same solver and NFE) and writes the sidecar atomically.
     *
     * @param result the tuned grid
     * @throws IOException if the sidecar cannot be written
     */
    public synchronized void record(GridTuner.Result result) throws IOException {
        grids.put(key(result.solver(), result.nfe()), result);
        ObjectNode root = JSON.createObjectNode();
        root.put("checkpoint_sha256", sha256);
        ArrayNode list = root.putArray("grids");
        for (GridTuner.Result r : grids.values()) {
            ObjectNode g = list.addObject();
            g.put("solver", r.solver());
            g.put("nfe", r.nfe());
            ArrayNode times = g.putArray("times");
            for (double t : r.times()) {
                times.add(t);
            }
            g.put("error", r.error());
            ObjectNode base = g.putObject("baseline_errors");
            r.baselineErrors().entrySet().stream().sorted(Map.Entry.comparingByKey())
                    .forEach(e -> base.put(e.getKey(), e.getValue()));
            g.put("count", r.count());
            g.put("seed", r.seed());
            g.put("evaluations", r.evaluations());
            g.put("seconds", r.seconds());
        }
        AtomicFiles.writeString(sidecar(checkpoint), JSON.writeValueAsString(root) + "\n");
    }

    private static GridTuner.Result parse(JsonNode g) {
        List<Double> times = new ArrayList<>();
        g.withArray("times").forEach(t -> times.add(t.asDouble()));
        Map<String, Double> base = new LinkedHashMap<>();
        g.path("baseline_errors").properties().forEach(e -> base.put(e.getKey(), e.getValue().asDouble()));
        if (!g.hasNonNull("solver") || !g.hasNonNull("nfe")) {
            throw new IllegalArgumentException("an entry lacks its solver or nfe");
        }
        return new GridTuner.Result(g.get("solver").asText(), g.get("nfe").asInt(),
                times.stream().mapToDouble(Double::doubleValue).toArray(), g.path("error").asDouble(Double.NaN),
                base, g.path("evaluations").asInt(), g.path("count").asInt(), g.path("seed").asLong(),
                g.path("seconds").asDouble());
    }

    private static String key(String solver, int nfe) {
        return solver + "@" + nfe;
    }
}
