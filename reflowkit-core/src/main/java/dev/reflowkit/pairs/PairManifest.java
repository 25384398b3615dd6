package dev.reflowkit.pairs;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.reflowkit.io.AtomicFiles;
import dev.reflowkit.io.DataFormatException;
import java.io.IOException;
import java.io.Serializable;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * The {@code manifest.json} of a pair store: its format and version, the settings that decide
 * its content ({@link PairSettings}: teacher hash, direction, solver, grid, NFE, seed, count,
 * shard size, sample shape, data, projection), the teacher's path, the ReflowKit version, the
 * creation time, the finished shards with the SHA-256 of both files, and whether every shard is
 * finished. Written atomically ({@link AtomicFiles}) after every shard.
 *
 * @param settings the store's settings
 * @param teacherPath the teacher checkpoint as given when the store was created
 * @param reflowkitVersion the ReflowKit version that created the store
 * @param created the creation time (ISO-8601)
 * @param shards the finished shards, by index
 * @param complete whether every shard of the store is finished
 */
public record PairManifest(PairSettings settings, String teacherPath, String reflowkitVersion, String created,
        List<ShardEntry> shards, boolean complete) {

    /** The manifest's file name inside a store. */
    public static final String FILE = "manifest.json";
    /** The value of the {@code format} field. */
    public static final String FORMAT = "reflowkit-pairs";
    /** The format version written (and the newest read). */
    public static final int VERSION = 1;

    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    /**
     * One finished shard.
     *
     * @param index the shard number
     * @param first the first pair index
     * @param end the end pair index (exclusive)
     * @param x0File the x0 file, relative to the store
     * @param x0Sha256 its SHA-256
     * @param x1File the x1 file, relative to the store
     * @param x1Sha256 its SHA-256
     * @param batchSize the pairs integrated together when the shard was generated (the last bits of
     *     a pair may depend on it; 0 for shards of stores made before it was recorded)
     * @param labelsSha256 the SHA-256 of the shard's labels file ({@link ShardRange#labelsFile()}) in a
     *     class-conditional store, else null
     */
    public record ShardEntry(int index, int first, int end, String x0File, String x0Sha256, String x1File,
            String x1Sha256, int batchSize, String labelsSha256) implements Serializable {

        /**
         * An entry without labels.
         *
         * @param index the shard number
         * @param first the first pair index
         * @param end the end pair index
         * @param x0File the x0 file
         * @param x0Sha256 its SHA-256
         * @param x1File the x1 file
         * @param x1Sha256 its SHA-256
         * @param batchSize the batch size it was generated with
         */
        public ShardEntry(int index, int first, int end, String x0File, String x0Sha256, String x1File,
                String x1Sha256, int batchSize) {
            this(index, first, end, x0File, x0Sha256, x1File, x1Sha256, batchSize, null);
        }

        /**
         * The shard's range.
         *
         * @return the range
         */
        public ShardRange range() {
            return new ShardRange(index, first, end);
        }
    }

    /** Sorts and copies the shard list. */
    public PairManifest {
        List<ShardEntry> sorted = new ArrayList<>(shards);
        sorted.sort(Comparator.comparingInt(ShardEntry::index));
        shards = List.copyOf(sorted);
    }

    /**
     * This manifest with another list of finished shards.
     *
     * @param finished the finished shards
     * @return the new manifest; complete when every shard of the settings is listed
     */
    public PairManifest withShards(List<ShardEntry> finished) {
        return new PairManifest(settings, teacherPath, reflowkitVersion, created, finished,
                finished.size() == settings.shards().size());
    }

    /**
     * Writes {@code DIR/manifest.json} atomically.
     *
     * @param dir the store directory
     * @throws IOException if it cannot be written
     */
    public void write(Path dir) throws IOException {
        ObjectNode root = JSON.createObjectNode();
        root.put("format", FORMAT);
        root.put("version", VERSION);
        root.putObject("teacher").put("path", teacherPath);
        settings.writeTo(root);
        root.put("reflowkit_version", reflowkitVersion);
        root.put("created", created);
        ArrayNode list = root.putArray("shards");
        for (ShardEntry s : shards) {
            ObjectNode o = list.addObject();
            o.put("index", s.index());
            o.put("first", s.first());
            o.put("end", s.end());
            o.put("x0", s.x0File());
            o.put("x0_sha256", s.x0Sha256());
            o.put("x1", s.x1File());
            o.put("x1_sha256", s.x1Sha256());
            if (s.batchSize() > 0) {
                o.put("batch_size", s.batchSize());
            }
            if (s.labelsSha256() != null) {
                o.put("labels_sha256", s.labelsSha256());
            }
        }
        root.put("complete", complete);
        AtomicFiles.writeString(dir.resolve(FILE), JSON.writeValueAsString(root) + "\n");
    }

    /**
     * Reads {@code DIR/manifest.json}.
     *
     * @param dir the store directory
     * @return the manifest
     * @throws NoSuchFileException if there is no manifest
     * @throws DataFormatException if it is not a valid pair-store manifest (the message names the
     *     file and the problem)
     * @throws IOException if it cannot be read
     */
    public static PairManifest read(Path dir) throws IOException {
        Path file = dir.resolve(FILE);
        if (!Files.isRegularFile(file)) {
            throw new NoSuchFileException(file.toString());
        }
        JsonNode root;
        try {
            root = JSON.readTree(file.toFile());
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new DataFormatException(file, "not valid JSON (" + e.getOriginalMessage() + ")");
        }
        if (root == null || !root.isObject() || !FORMAT.equals(root.path("format").asText())) {
            throw new DataFormatException(file, "not a pair-store manifest (format is not '" + FORMAT + "')");
        }
        int version = root.path("version").asInt(-1);
        if (version < 1 || version > VERSION) {
            throw new DataFormatException(file, "unsupported pair-store version " + root.get("version")
                    + " (this ReflowKit reads up to " + VERSION + ")");
        }
        try {
            PairSettings settings = PairSettings.readFrom(root);
            List<ShardEntry> shards = new ArrayList<>();
            for (JsonNode s : root.path("shards")) {
                shards.add(new ShardEntry(s.path("index").asInt(), s.path("first").asInt(), s.path("end").asInt(),
                        s.path("x0").asText(), s.path("x0_sha256").asText(), s.path("x1").asText(),
                        s.path("x1_sha256").asText(), s.path("batch_size").asInt(0),
                        s.hasNonNull("labels_sha256") ? s.get("labels_sha256").asText() : null));
            }
            return new PairManifest(settings, root.path("teacher").path("path").asText(),
                    root.path("reflowkit_version").asText(), root.path("created").asText(), shards,
                    root.path("complete").asBoolean(false));
        } catch (IllegalArgumentException e) {
            throw new DataFormatException(file, "invalid manifest: " + e.getMessage());
        }
    }
}
