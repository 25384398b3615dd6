package dev.reflowkit.pairs;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Everything that decides the content of a pair store: two stores with equal settings hold the
 * same pairs, bit for bit. A store can only be resumed with the settings it was started with.
 *
 * @param teacherSha256 SHA-256 of the teacher checkpoint file
 * @param direction backward, forward or projected
 * @param solver the solver name
 * @param method the solver with its steps, as the plan ran it (e.g. {@code heun(euler last step)}):
 *     a solver name whose steps changed between versions cannot resume a store made by the other
 * @param grid the time-grid name ({@code "adaptive"} for dopri5)
 * @param timeGrid the times a fixed-step solver passes through (start to end); empty for dopri5
 * @param nfe network evaluations per pair of a fixed-step solver; 0 for dopri5
 * @param solverOptions dopri5's {@code atol}, {@code rtol} and {@code max_nfe}; empty otherwise
 * @param weights {@code ema} or {@code raw} teacher weights
 * @param seed the pair seed (noise of pair i, projection draws)
 * @param count the number of pairs
 * @param shardSize pairs per shard
 * @param batchSize pairs integrated together (not part of the store's identity: a store may be
 *     resumed with another; each shard records the one it was made with)
 * @param sampleShape the shape of one sample
 * @param data the teacher's training data (the real points of forward and projected pairs)
 * @param projection the projection settings, or null unless the direction is projected
 * @param pointOrder forward pairs: how pair {@code i} picks its training point ({@code
 *     seeded-permutation}; stores written before read {@code prefix}); null for other directions
 * @param classes the class count of a class-conditional teacher's store, whose pairs carry labels;
 *     0 otherwise
 */
public record PairSettings(
        String teacherSha256,
        PairDirection direction,
        String solver,
        String method,
        String grid,
        List<Double> timeGrid,
        int nfe,
        Map<String, Double> solverOptions,
        String weights,
        long seed,
        int count,
        int shardSize,
        int batchSize,
        long[] sampleShape,
        TeacherData data,
        Projection projection,
        String pointOrder,
        int classes) {

    /**
     * The teacher's training data, as its stored configuration defines it.
     *
     * @param source {@code data.source}
     * @param trainCount {@code data.train_count}
     * @param evalCount {@code eval.count} (decides a data file's held-out split)
     * @param seed the teacher's run seed
     * @param trainPoints the number of training points it yields
     */
    public record TeacherData(String source, int trainCount, int evalCount, long seed, int trainPoints) {}

    /**
     * The settings of projected pairs.
     *
     * @param lambda Sinkhorn regularization relative to the mean squared distance (0: exact)
     * @param block pairs matched together
     * @param assignment how a pair takes its real point from the plan: {@code row-sampled} (stores
     *     written before with {@code lambda > 0} read {@code row-argmax})
     */
    public record Projection(double lambda, int block, String assignment) {}

    /**
     * Settings a store may be resumed with another value of: the batch size (each shard records
     * its own, {@link PairManifest.ShardEntry#batchSize}).
     */
    static final java.util.Set<String> RESUMABLE = java.util.Set.of("batch_size");

    /** Checks and copies the fields. */
    public PairSettings {
        Objects.requireNonNull(teacherSha256, "teacherSha256");
        Objects.requireNonNull(direction, "direction");
        Objects.requireNonNull(data, "data");
        if ((direction == PairDirection.PROJECTED) != (projection != null)) {
            throw new IllegalArgumentException("projection settings are required exactly for projected pairs");
        }
        if ((direction == PairDirection.FORWARD) != (pointOrder != null)) {
            throw new IllegalArgumentException("a point order is required exactly for forward pairs");
        }
        timeGrid = List.copyOf(timeGrid);
        solverOptions = Map.copyOf(solverOptions);
        sampleShape = sampleShape.clone();
    }

    /**
     * The shape of one sample (a copy).
     *
     * @return e.g. {@code [2]}
     */
    @Override
    public long[] sampleShape() {
        return sampleShape.clone();
    }

    /**
     * The number of values in one sample.
     *
     * @return the product of the sample shape
     */
    public int sampleSize() {
        long n = 1;
        for (long s : sampleShape) {
            n = Math.multiplyExact(n, s);
        }
        return Math.toIntExact(n);
    }

    /**
     * The shard ranges of the store.
     *
     * @return {@link ShardRange#of}{@code (count, shardSize)}
     */
    public List<ShardRange> shards() {
        return ShardRange.of(count, shardSize);
    }

    /**
     * Writes the settings into a manifest object (the teacher's hash as {@code teacher.sha256}).
     *
     * @param root the manifest object
     */
    void writeTo(ObjectNode root) {
        JsonNode t = root.get("teacher");
        (t instanceof ObjectNode o ? o : root.putObject("teacher")).put("sha256", teacherSha256);
        root.put("direction", direction.configName());
        root.put("solver", solver);
        root.put("method", method);
        root.put("grid", grid);
        ArrayNode times = root.putArray("time_grid");
        timeGrid.forEach(times::add);
        root.put("nfe", nfe);
        ObjectNode opts = root.putObject("solver_options");
        new java.util.TreeMap<>(solverOptions).forEach(opts::put);
        root.put("weights", weights);
        root.put("seed", seed);
        root.put("count", count);
        root.put("shard_size", shardSize);
        root.put("batch_size", batchSize);
        ArrayNode shape = root.putArray("sample_shape");
        for (long s : sampleShape) {
            shape.add(s);
        }
        ObjectNode d = root.putObject("data");
        d.put("source", data.source());
        d.put("train_count", data.trainCount());
        d.put("eval_count", data.evalCount());
        d.put("seed", data.seed());
        d.put("train_points", data.trainPoints());
        if (projection != null) {
            ObjectNode p = root.putObject("projection");
            p.put("lambda", projection.lambda());
            p.put("block", projection.block());
            p.put("assignment", projection.assignment());
        }
        if (pointOrder != null) {
            root.put("point_order", pointOrder);
        }
        if (classes > 0) {
            root.put("classes", classes);
        }
    }

    /**
     * Reads the settings from a manifest object.
     *
     * @param root the manifest object
     * @return the settings
     * @throws IllegalArgumentException naming the first missing or malformed field
     */
    static PairSettings readFrom(JsonNode root) {
        List<Double> times = new ArrayList<>();
        for (JsonNode t : required(root, "time_grid")) {
            times.add(t.asDouble());
        }
        Map<String, Double> opts = new LinkedHashMap<>();
        for (Map.Entry<String, JsonNode> e : required(root, "solver_options").properties()) {
            opts.put(e.getKey(), e.getValue().asDouble());
        }
        JsonNode shapeNode = required(root, "sample_shape");
        long[] shape = new long[shapeNode.size()];
        for (int i = 0; i < shape.length; i++) {
            shape[i] = shapeNode.get(i).asLong();
        }
        JsonNode d = required(root, "data");
        JsonNode p = root.get("projection");
        return new PairSettings(
                required(required(root, "teacher"), "sha256").asText(),
                PairDirection.byName(required(root, "direction").asText()),
                root.hasNonNull("method") ? required(root, "solver").asText()
                        : legacySolver(required(root, "solver").asText(), required(root, "nfe").asInt()),
                root.hasNonNull("method") ? root.get("method").asText()
                        : legacyMethod(required(root, "solver").asText(), required(root, "nfe").asInt()),
                required(root, "grid").asText(),
                times,
                required(root, "nfe").asInt(),
                opts,
                required(root, "weights").asText(),
                required(root, "seed").asLong(),
                required(root, "count").asInt(),
                required(root, "shard_size").asInt(),
                required(root, "batch_size").asInt(),
                shape,
                new TeacherData(required(d, "source").asText(), required(d, "train_count").asInt(),
                        required(d, "eval_count").asInt(), required(d, "seed").asLong(),
                        required(d, "train_points").asInt()),
                p == null || p.isNull() ? null
                        : new Projection(required(p, "lambda").asDouble(), required(p, "block").asInt(),
                                p.hasNonNull("assignment") ? p.get("assignment").asText()
                                        : required(p, "lambda").asDouble() > 0 ? "row-argmax" : "row-sampled"),
                PairDirection.byName(required(root, "direction").asText()) != PairDirection.FORWARD ? null
                        : root.hasNonNull("point_order") ? root.get("point_order").asText() : "prefix",
                root.path("classes").asInt(0));
    }

    /**
     * The method of a store written before stores recorded it: heun ended with an Euler step for
     * odd NFE and took full steps otherwise, rk4 was classical throughout.
     */
    private static String legacyMethod(String solver, int nfe) {
        return solver.equals("heun") && nfe % 2 == 1 ? "heun(euler last step)" : solver;
    }

    /**
     * The solver that now takes a store's steps, for a store written before stores recorded its
     * method: {@code heun-edm} (odd NFE) or {@code heun-full} for heun, {@code rk4-full} for rk4.
     */
    private static String legacySolver(String solver, int nfe) {
        return switch (solver) {
            case "heun" -> nfe % 2 == 1 ? "heun-edm" : "heun-full";
            case "rk4" -> "rk4-full";
            default -> solver;
        };
    }

    private static JsonNode required(JsonNode node, String field) {
        JsonNode v = node.get(field);
        if (v == null || v.isNull()) {
            throw new IllegalArgumentException("missing field '" + field + "'");
        }
        return v;
    }

    /**
     * The fields that differ from other settings, as {@code name (theirs -> ours)}, named as in
     * the manifest (e.g. {@code direction}, {@code teacher.sha256}, {@code data.source}).
     *
     * @param stored the settings a store was made with
     * @return the differences, empty if the settings are equal
     */
    public List<String> differencesFrom(PairSettings stored) {
        Map<String, String> ours = flat(this);
        Map<String, String> theirs = flat(stored);
        List<String> out = new ArrayList<>();
        for (String free : RESUMABLE) {
            ours.remove(free);
            theirs.remove(free);
        }
        for (Map.Entry<String, String> e : ours.entrySet()) {
            String then = theirs.get(e.getKey());
            if (!Objects.equals(then, e.getValue())) {
                out.add(e.getKey() + " (" + (then == null ? "none" : then) + " -> " + e.getValue() + ")");
            }
        }
        for (String k : theirs.keySet()) {
            if (!ours.containsKey(k)) {
                out.add(k + " (" + theirs.get(k) + " -> none)");
            }
        }
        return out;
    }

    private static Map<String, String> flat(PairSettings s) {
        ObjectNode root = new ObjectMapper().createObjectNode();
        s.writeTo(root);
        Map<String, String> out = new LinkedHashMap<>();
        flatten("", root, out);
        return out;
    }

    private static void flatten(String prefix, JsonNode node, Map<String, String> out) {
        for (Map.Entry<String, JsonNode> e : node.properties()) {
            if (e.getValue().isObject() && !e.getKey().equals("solver_options")) {
                flatten(prefix + e.getKey() + ".", e.getValue(), out);
            } else {
                out.put(prefix + e.getKey(), e.getValue().toString());
            }
        }
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof PairSettings p && differencesFrom(p).isEmpty();
    }

    @Override
    public int hashCode() {
        return Objects.hash(teacherSha256, direction, count, seed, Arrays.hashCode(sampleShape));
    }
}
