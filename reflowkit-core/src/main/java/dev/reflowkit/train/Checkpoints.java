package dev.reflowkit.train;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.reflowkit.engine.Engines;
import dev.reflowkit.io.AtomicFiles;
import dev.reflowkit.io.Checksums;
import dev.reflowkit.io.ZipEntries;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.zip.ZipEntry;
import java.util.zip.ZipException;
import java.util.zip.ZipOutputStream;

/**
 * Reads and writes checkpoint files: a zip holding {@code meta.json} and one DJL-encoded
 * {@code NDList} per array group (and, for an imported network, its TorchScript module as {@code
 * module.pt}, described under {@code module} in the metadata), each listed with its SHA-256 in the
 * metadata.
 *
 * <p>Writes are atomic (temp file, fsync, rename), so a file is either complete or absent. The zip
 * comment holds the SHA-256 of every byte before it (headers and directory included; {@code
 * file_sha256} in the metadata says so). Reads verify that digest, the zip CRCs and the SHA-256 of
 * every entry, so any flipped, missing or added byte is found, and fail with one line naming the
 * file. Checkpoints written before the file digest existed are verified entry by entry.
 */
public final class Checkpoints {

    /** The format tag stored in every checkpoint. */
    public static final String FORMAT = "reflowkit-checkpoint";
    /** The format version. */
    public static final int VERSION = 1;

    private static final ObjectMapper JSON =
            new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
    private static final String[] GROUPS = {"parameters", "ema", "adam_first", "adam_second"};
    /** The entry and metadata key of an imported network's TorchScript module. */
    private static final String MODULE = "module";
    /** The metadata key saying where the file's own SHA-256 is (absent in older checkpoints). */
    private static final String FILE_SHA256 = "file_sha256";
    private static final String FILE_SHA256_WHERE = "zip comment: hex SHA-256 of every byte before it";
    private static final int DIGEST_CHARS = 64;
    /** The zip end-of-central-directory record without its comment, and its signature. */
    private static final int END_RECORD_BYTES = 22;
    private static final int END_RECORD_SIGNATURE = 0x06054b50;

    private Checkpoints() {}

    /**
     * Writes a checkpoint atomically.
     *
     * @param file the target file
     * @param checkpoint the checkpoint
     * @throws IOException if writing fails (the target is then unchanged)
     */
    public static void write(Path file, Checkpoint checkpoint) throws IOException {
        Map<String, byte[]> blobs = new LinkedHashMap<>();
        blobs.put("parameters", encode(checkpoint.parameters()));
        blobs.put("ema", encode(checkpoint.ema()));
        blobs.put("adam_first", encode(checkpoint.adamFirst()));
        blobs.put("adam_second", encode(checkpoint.adamSecond()));
        byte[] module = checkpoint.module();
        Map<String, Object> meta = new LinkedHashMap<>();
        meta.put("format", FORMAT);
        meta.put("version", VERSION);
        TrainingState s = checkpoint.state();
        meta.put("step", s.step());
        meta.put("samples_seen", s.samplesSeen());
        meta.put("loss_weight_state", s.lossWeightState());
        meta.put("log_loss_sum", s.logLossSum());
        meta.put("log_objective_sum", s.logObjectiveSum());
        meta.put("log_loss_count", s.logLossCount());
        meta.put("sample_shape", checkpoint.sampleShape());
        meta.put("parameter_names", checkpoint.parameterNames());
        Map<String, String> sums = new LinkedHashMap<>();
        blobs.forEach((k, v) -> sums.put(k, Checksums.sha256(v)));
        if (module != null) {
            sums.put(MODULE, Checksums.sha256(module));
            meta.put(MODULE, checkpoint.moduleDescriptor());
        }
        meta.put("sha256", sums);
        meta.put("config", checkpoint.config());
        meta.put(FILE_SHA256, FILE_SHA256_WHERE);
        byte[] metaBytes = JSON.writeValueAsBytes(meta);
        ByteArrayOutputStream buffer = new ByteArrayOutputStream();
        try (ZipOutputStream zip = new ZipOutputStream(buffer)) {
            zip.putNextEntry(new ZipEntry("meta.json"));
            zip.write(metaBytes);
            zip.closeEntry();
            for (Map.Entry<String, byte[]> e : blobs.entrySet()) {
                zip.putNextEntry(new ZipEntry(e.getKey() + ".ndlist"));
                zip.write(e.getValue());
                zip.closeEntry();
            }
            if (module != null) {
                zip.putNextEntry(new ZipEntry(MODULE + ".pt"));
                zip.write(module);
                zip.closeEntry();
            }
            zip.setComment("0".repeat(DIGEST_CHARS)); // the placeholder of the file's SHA-256
        }
        byte[] bytes = buffer.toByteArray();
        byte[] digest = Checksums.sha256(bytes, bytes.length - DIGEST_CHARS)
                .getBytes(StandardCharsets.US_ASCII);
        System.arraycopy(digest, 0, bytes, bytes.length - DIGEST_CHARS, DIGEST_CHARS);
        AtomicFiles.writeBytes(file, bytes);
    }

    /** An array group's bytes; an empty group (a network without parameters) is empty. */
    private static byte[] encode(NDList list) {
        return list.isEmpty() ? new byte[0] : list.encode();
    }

    /**
     * Reads a checkpoint, verifying its integrity.
     *
     * @param file the file
     * @param manager the manager that will own the arrays
     * @return the checkpoint
     * @throws CheckpointException if the file is missing, truncated, corrupted or not a checkpoint
     */
    public static Checkpoint read(Path file, NDManager manager) {
        byte[] bytes = readBytes(file);
        Map<String, byte[]> entries = readEntries(file, bytes);
        byte[] metaBytes = entries.get("meta.json");
        if (metaBytes == null) {
            throw new CheckpointException(file, "not a ReflowKit checkpoint (no meta.json)");
        }
        Map<String, Object> meta;
        try {
            meta = JSON.readValue(metaBytes, new TypeReference<LinkedHashMap<String, Object>>() {});
        } catch (IOException e) {
            throw new CheckpointException(file, "unreadable meta.json: " + e.getMessage());
        }
        if (!FORMAT.equals(meta.get("format"))) {
            throw new CheckpointException(file, "not a ReflowKit checkpoint (format " + meta.get("format") + ")");
        }
        if (!(meta.get("version") instanceof Integer v) || v > VERSION) {
            throw new CheckpointException(file, "unsupported checkpoint version " + meta.get("version"));
        }
        if (meta.containsKey(FILE_SHA256)) { // written since the file digest exists: every byte is covered
            verifyFileDigest(file, bytes);
        }
        @SuppressWarnings("unchecked")
        Map<String, Object> sums = (Map<String, Object>) meta.get("sha256");
        List<NDList> lists = new ArrayList<>();
        for (String g : GROUPS) {
            byte[] blob = entries.get(g + ".ndlist");
            if (blob == null) {
                throw new CheckpointException(file, "missing entry " + g + ".ndlist");
            }
            if (sums == null || !Checksums.sha256(blob).equals(sums.get(g))) {
                throw new CheckpointException(file, "checksum mismatch in " + g + ".ndlist (corrupted file)");
            }
            try {
                lists.add(blob.length == 0 ? new NDList() : NDList.decode(manager, blob));
            } catch (RuntimeException e) {
                throw new CheckpointException(file, "undecodable " + g + ".ndlist: " + e.getMessage());
            }
        }
        try {
            TrainingState state = new TrainingState(
                    ((Number) meta.get("step")).longValue(),
                    ((Number) meta.get("samples_seen")).longValue(),
                    toDoubles(meta.get("loss_weight_state")),
                    ((Number) meta.get("log_loss_sum")).doubleValue(),
                    ((Number) meta.get("log_objective_sum")).doubleValue(),
                    ((Number) meta.get("log_loss_count")).longValue());
            @SuppressWarnings("unchecked")
            List<String> names = (List<String>) meta.get("parameter_names");
            @SuppressWarnings("unchecked")
            Map<String, Object> config = (Map<String, Object>) meta.get("config");
            double[] shape = toDoubles(meta.get("sample_shape"));
            long[] sampleShape = new long[shape.length];
            for (int i = 0; i < shape.length; i++) {
                sampleShape[i] = (long) shape[i];
            }
            byte[] module = null;
            @SuppressWarnings("unchecked")
            Map<String, Object> descriptor = (Map<String, Object>) meta.get(MODULE);
            if (descriptor != null) {
                module = entries.get(MODULE + ".pt");
                if (module == null) {
                    throw new CheckpointException(file, "missing entry " + MODULE + ".pt");
                }
                if (!Checksums.sha256(module).equals(sums.get(MODULE))) {
                    throw new CheckpointException(file, "checksum mismatch in " + MODULE + ".pt (corrupted file)");
                }
            }
            return new Checkpoint(state, config, sampleShape, names, lists.get(0), lists.get(1), lists.get(2),
                    lists.get(3), module, descriptor);
        } catch (ClassCastException | NullPointerException e) {
            // the checksums cover the arrays; a meta.json edited or written by something else lands here
            throw new CheckpointException(file, "invalid meta.json (a field is missing or of the wrong type)");
        }
    }

    /**
     * Copies saved arrays into live ones, checking count and shapes.
     *
     * @param saved the saved arrays
     * @param live the arrays to overwrite, same order
     * @param what a name for error messages
     */
    public static void copyInto(NDList saved, List<NDArray> live, String what) {
        if (saved.size() != live.size()) {
            throw new IllegalArgumentException(what + ": checkpoint has " + saved.size()
                    + " arrays, the model has " + live.size());
        }
        for (int i = 0; i < live.size(); i++) {
            NDArray src = saved.get(i);
            NDArray dst = live.get(i);
            if (!src.getShape().equals(dst.getShape()) || src.getDataType() != dst.getDataType()) {
                throw new IllegalArgumentException(what + " #" + i + ": checkpoint has "
                        + src.getShape() + " " + src.getDataType() + ", the model has "
                        + dst.getShape() + " " + dst.getDataType());
            }
            // A slice assignment (copyTo makes libtorch print a warning), never recorded: grad mode
            // is per thread and on in threads that did not start the engine.
            Engines.withoutGradients(() -> {
                dst.set(new NDIndex(":"), src);
                return dst;
            });
        }
    }

    private static byte[] readBytes(Path file) {
        if (!Files.isRegularFile(file)) {
            throw new CheckpointException(file, "no such checkpoint file");
        }
        try {
            return Files.readAllBytes(file);
        } catch (IOException e) {
            throw new CheckpointException(file, "unreadable checkpoint (" + e.getMessage() + ")");
        }
    }

    private static Map<String, byte[]> readEntries(Path file, byte[] bytes) {
        Map<String, byte[]> entries;
        try {
            entries = ZipEntries.read(bytes);
        } catch (ZipException e) {
            throw new CheckpointException(file, "corrupted checkpoint (" + e.getMessage() + ")");
        } catch (IOException e) {
            throw new CheckpointException(file, "unreadable or truncated checkpoint (" + e.getMessage() + ")");
        } catch (IllegalArgumentException e) { // an entry name that is not UTF-8: a damaged header
            throw new CheckpointException(file, "corrupted checkpoint (" + e.getMessage() + ")");
        }
        if (entries.isEmpty()) {
            throw new CheckpointException(file, "empty or truncated checkpoint");
        }
        return entries;
    }

    /**
     * Checks the file's SHA-256, held in the zip comment: the hex digest of every byte before it.
     * The entries' own checksums do not cover the zip headers and directory, which a reader
     * streaming the entries never looks at; this does, so that any changed or missing byte is found.
     */
    private static void verifyFileDigest(Path file, byte[] bytes) {
        int end = bytes.length - DIGEST_CHARS - END_RECORD_BYTES; // where the end-of-directory record starts
        boolean framed = end >= 0 && readInt(bytes, end) == END_RECORD_SIGNATURE
                && readShort(bytes, end + END_RECORD_BYTES - 2) == DIGEST_CHARS;
        if (!framed) {
            throw new CheckpointException(file, "truncated or damaged checkpoint (its end, which holds the file's"
                    + " SHA-256, is missing or altered)");
        }
        String recorded = new String(bytes, bytes.length - DIGEST_CHARS, DIGEST_CHARS, StandardCharsets.US_ASCII);
        String actual = Checksums.sha256(bytes, bytes.length - DIGEST_CHARS);
        if (!actual.equals(recorded)) {
            throw new CheckpointException(file, "checksum mismatch of the whole file (corrupted file)");
        }
    }

    private static int readInt(byte[] b, int at) {
        return (b[at] & 0xff) | (b[at + 1] & 0xff) << 8 | (b[at + 2] & 0xff) << 16 | (b[at + 3] & 0xff) << 24;
    }

    private static int readShort(byte[] b, int at) {
        return (b[at] & 0xff) | (b[at + 1] & 0xff) << 8;
    }

    private static double[] toDoubles(Object o) {
        if (!(o instanceof List<?> list)) {
            return new double[0];
        }
        double[] out = new double[list.size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = ((Number) list.get(i)).doubleValue();
        }
        return out;
    }
}
