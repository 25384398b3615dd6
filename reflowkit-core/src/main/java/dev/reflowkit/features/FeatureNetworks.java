package dev.reflowkit.features;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.nn.Parameter;
import ai.djl.util.Pair;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.reflowkit.io.AtomicFiles;
import dev.reflowkit.io.ZipEntries;
import dev.reflowkit.io.Checksums;
import dev.reflowkit.train.Checkpoints;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import java.util.zip.ZipEntry;
import java.util.zip.ZipException;
import java.util.zip.ZipOutputStream;

/**
 * Trained feature networks cached on disk, so the network behind the image metrics is trained once
 * per data set and recipe and then reused by every evaluation.
 *
 * <p>The cache file {@code <cacheDir>/feature-net-<key>.zip} is named by the first 16 hex digits of
 * the SHA-256 of (format version, data hash, recipe, sample shape, classes). It is a zip of
 * {@code meta.json} (format, version, recipe, sample shape, classes, data hash, test accuracy,
 * training loss and time, engine and ReflowKit versions, parameter names, and the SHA-256 of the
 * weights) and {@code weights.ndlist} (the parameters as a DJL-encoded {@code NDList}). Writes are
 * atomic ({@link AtomicFiles}): a file is complete or absent.
 *
 * <p><b>Corrupted caches are errors, not silently retrained:</b> a truncated or corrupted file
 * (zip CRC or SHA-256 mismatch), a file of another format or version, or one whose metadata does
 * not match the request raises a {@link FeatureCacheException} naming the file; delete the file
 * to retrain. (A silent retrain would hide disk faults and cost minutes unexpectedly.)
 *
 * <pre>{@code
 * TrainedFeatureNetwork net = FeatureNetworks.loadOrTrain(cacheDir, train.contentHash(),
 *         FeatureRecipe.defaults(), train, test, manager, System.err::println);
 * ImageMetrics metrics = ImageMetrics.builder().optFeatureMap(net.extractor(manager)).build();
 * }</pre>
 */
public final class FeatureNetworks {

    /** The format tag stored in every cache file. */
    public static final String FORMAT = "reflowkit-feature-network";
    /** The format version. */
    public static final int VERSION = 1;

    private static final String META = "meta.json";
    private static final String WEIGHTS = "weights.ndlist";
    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    private FeatureNetworks() {}

    /**
     * Loads the cached network for this data and recipe, or trains and caches it.
     *
     * @param cacheDir the cache directory (created if missing)
     * @param dataHash an identifier of the training data, e.g. {@link LabeledImages#contentHash()}
     * @param recipe the training recipe
     * @param train the training split (used only when training)
     * @param test the test split (used only when training, for the recorded accuracy)
     * @param manager the manager that will own the parameters
     * @return the network; {@code fromCache()} says which happened
     * @throws IOException if the cache file cannot be written
     * @throws FeatureCacheException if an existing cache file is corrupted or does not match
     */
    public static TrainedFeatureNetwork loadOrTrain(Path cacheDir, String dataHash, FeatureRecipe recipe,
            LabeledImages train, LabeledImages test, NDManager manager) throws IOException {
        return loadOrTrain(cacheDir, dataHash, recipe, train, test, manager, message -> { });
    }

    /**
     * Loads the cached network for this data and recipe, or trains and caches it, reporting
     * progress.
     *
     * @param cacheDir the cache directory (created if missing)
     * @param dataHash an identifier of the training data
     * @param recipe the training recipe
     * @param train the training split
     * @param test the test split
     * @param manager the manager that will own the parameters
     * @param log receives progress lines (training progress, the cache file used)
     * @return the network
     * @throws IOException if the cache file cannot be written
     * @throws FeatureCacheException if an existing cache file is corrupted or does not match
     */
    public static TrainedFeatureNetwork loadOrTrain(Path cacheDir, String dataHash, FeatureRecipe recipe,
            LabeledImages train, LabeledImages test, NDManager manager, Consumer<String> log) throws IOException {
        long[] shape = train.sampleShape();
        Path file = cacheFile(cacheDir, dataHash, recipe, shape, train.classes());
        if (Files.exists(file)) {
            TrainedFeatureNetwork cached = read(file, manager);
            FeatureNetworkInfo info = cached.info();
            if (!info.recipe().equals(recipe) || !info.dataHash().equals(dataHash)
                    || !Arrays.equals(info.sampleShape(), shape) || info.classes() != train.classes()) {
                throw new FeatureCacheException(file, "was written for another recipe or data set ("
                        + info.recipe().canonical() + ", data " + info.dataHash() + "); delete it to retrain");
            }
            log.accept("feature network loaded from " + file + " (test accuracy "
                    + String.format("%.4f", info.testAccuracy()) + ")");
            return cached;
        }
        log.accept("training the feature network (" + recipe.canonical() + ") on " + train.size() + " images");
        TrainedFeatureNetwork trained = FeatureNetworkTrainer.train(recipe, train, test, dataHash, manager, log);
        write(file, trained);
        log.accept("feature network cached in " + file);
        return trained;
    }

    /**
     * The cache file of a data set, recipe and shape.
     *
     * @param cacheDir the cache directory
     * @param dataHash the data identifier
     * @param recipe the recipe
     * @param sampleShape the image shape
     * @param classes the number of classes
     * @return {@code cacheDir/feature-net-<16 hex digits>.zip}
     */
    public static Path cacheFile(Path cacheDir, String dataHash, FeatureRecipe recipe, long[] sampleShape,
            int classes) {
        String key = FORMAT + "/" + VERSION + "\ndata=" + dataHash + "\nrecipe=" + recipe.canonical() + "\nshape="
                + Arrays.toString(sampleShape) + "\nclasses=" + classes;
        return cacheDir.resolve("feature-net-"
                + Checksums.sha256(key.getBytes(StandardCharsets.UTF_8)).substring(0, 16) + ".zip");
    }

    /**
     * Writes a trained network atomically.
     *
     * @param file the target file
     * @param trained the network and its metadata
     * @throws IOException if writing fails (the target is then unchanged)
     */
    public static void write(Path file, TrainedFeatureNetwork trained) throws IOException {
        List<String> names = new ArrayList<>();
        NDList weights = new NDList();
        for (Pair<String, Parameter> p : trained.network().getParameters()) {
            names.add(p.getKey());
            weights.add(p.getValue().getArray());
        }
        byte[] blob = weights.encode();
        FeatureNetworkInfo info = trained.info();
        Map<String, Object> meta = new LinkedHashMap<>();
        meta.put("format", FORMAT);
        meta.put("version", VERSION);
        FeatureRecipe r = info.recipe();
        Map<String, Object> recipe = new LinkedHashMap<>();
        recipe.put("steps", r.steps());
        recipe.put("batch_size", r.batchSize());
        recipe.put("learning_rate", r.learningRate());
        recipe.put("seed", r.seed());
        recipe.put("width", r.width());
        recipe.put("feature_dim", r.featureDim());
        meta.put("recipe", recipe);
        meta.put("sample_shape", info.sampleShape());
        meta.put("classes", info.classes());
        meta.put("data_hash", info.dataHash());
        meta.put("test_accuracy", finiteOrNull(info.testAccuracy()));
        meta.put("train_loss", finiteOrNull(info.trainLoss()));
        meta.put("train_images", info.trainImages());
        meta.put("train_seconds", info.trainSeconds());
        meta.put("engine", info.engine());
        meta.put("reflowkit_version", info.version());
        meta.put("parameter_names", names);
        meta.put("sha256", Map.of("weights", Checksums.sha256(blob)));
        byte[] metaBytes = JSON.writeValueAsBytes(meta);
        AtomicFiles.write(file, out -> {
            try (ZipOutputStream zip = new ZipOutputStream(out)) {
                zip.putNextEntry(new ZipEntry(META));
                zip.write(metaBytes);
                zip.closeEntry();
                zip.putNextEntry(new ZipEntry(WEIGHTS));
                zip.write(blob);
                zip.closeEntry();
                zip.finish();
            }
        });
    }

    /**
     * Reads a cached network, verifying its integrity.
     *
     * @param file the cache file
     * @param manager the manager that will own the parameters
     * @return the network, {@code fromCache() == true}
     * @throws FeatureCacheException if the file is missing, truncated, corrupted or not a feature
     *     network of this version
     */
    public static TrainedFeatureNetwork read(Path file, NDManager manager) {
        Map<String, byte[]> entries = readEntries(file);
        byte[] metaBytes = entries.get(META);
        if (metaBytes == null) {
            throw new FeatureCacheException(file, "not a feature-network cache file (no " + META + ")");
        }
        Map<String, Object> meta;
        try {
            meta = JSON.readValue(metaBytes, new TypeReference<LinkedHashMap<String, Object>>() {});
        } catch (IOException e) {
            throw new FeatureCacheException(file, "unreadable " + META + " (corrupted file): " + e.getMessage());
        }
        if (!FORMAT.equals(meta.get("format"))) {
            throw new FeatureCacheException(file, "not a feature-network cache file (format " + meta.get("format") + ")");
        }
        if (!(meta.get("version") instanceof Integer v) || v != VERSION) {
            throw new FeatureCacheException(file, "unsupported feature-network cache version " + meta.get("version")
                    + " (this build reads " + VERSION + "); delete it to retrain");
        }
        byte[] blob = entries.get(WEIGHTS);
        if (blob == null) {
            throw new FeatureCacheException(file, "missing entry " + WEIGHTS);
        }
        Object sums = meta.get("sha256");
        if (!(sums instanceof Map<?, ?> m) || !Checksums.sha256(blob).equals(m.get("weights"))) {
            throw new FeatureCacheException(file, "checksum mismatch in " + WEIGHTS
                    + " (corrupted file); delete it to retrain");
        }
        FeatureNetworkInfo info;
        List<?> names;
        try {
            info = info(meta);
            names = (List<?>) meta.get("parameter_names");
        } catch (RuntimeException e) {
            throw new FeatureCacheException(file, "malformed " + META + ": " + e);
        }
        FeatureNetwork net = FeatureNetworkTrainer.newNetwork(info.recipe(), info.sampleShape(), info.classes(), manager);
        List<String> liveNames = new ArrayList<>();
        List<NDArray> live = new ArrayList<>();
        for (Pair<String, Parameter> p : net.getParameters()) {
            liveNames.add(p.getKey());
            live.add(p.getValue().getArray());
        }
        if (!liveNames.equals(names)) {
            throw new FeatureCacheException(file, "was written by a different network (" + names + ")");
        }
        try (NDManager load = manager.newSubManager()) {
            NDList saved;
            try {
                saved = NDList.decode(load, blob);
            } catch (RuntimeException e) {
                throw new FeatureCacheException(file, "undecodable " + WEIGHTS + ": " + e.getMessage());
            }
            try {
                Checkpoints.copyInto(saved, live, "feature network weights");
            } catch (IllegalArgumentException e) {
                throw new FeatureCacheException(file, e.getMessage());
            }
        }
        return new TrainedFeatureNetwork(net, info, true);
    }

    /**
     * The ReflowKit version from the jar manifest, or {@code "dev"} when run from classes.
     *
     * @return the version string
     */
    static String version() {
        String v = FeatureNetworks.class.getPackage().getImplementationVersion();
        return v == null ? "dev" : v;
    }

    private static FeatureNetworkInfo info(Map<String, Object> meta) {
        @SuppressWarnings("unchecked")
        Map<String, Object> r = (Map<String, Object>) meta.get("recipe");
        FeatureRecipe recipe = new FeatureRecipe(
                ((Number) r.get("steps")).intValue(),
                ((Number) r.get("batch_size")).intValue(),
                ((Number) r.get("learning_rate")).doubleValue(),
                ((Number) r.get("seed")).longValue(),
                ((Number) r.get("width")).intValue(),
                ((Number) r.get("feature_dim")).intValue());
        List<?> s = (List<?>) meta.get("sample_shape");
        long[] shape = new long[s.size()];
        for (int i = 0; i < shape.length; i++) {
            shape[i] = ((Number) s.get(i)).longValue();
        }
        return new FeatureNetworkInfo(recipe, shape,
                ((Number) meta.get("classes")).intValue(),
                (String) meta.get("data_hash"),
                doubleOrNaN(meta.get("test_accuracy")),
                doubleOrNaN(meta.get("train_loss")),
                ((Number) meta.get("train_images")).intValue(),
                ((Number) meta.get("train_seconds")).doubleValue(),
                String.valueOf(meta.get("engine")),
                String.valueOf(meta.get("reflowkit_version")));
    }

    private static Object finiteOrNull(double v) {
        return Double.isFinite(v) ? v : null;
    }

    private static double doubleOrNaN(Object o) {
        return o instanceof Number n ? n.doubleValue() : Double.NaN;
    }

    private static Map<String, byte[]> readEntries(Path file) {
        if (!Files.isRegularFile(file)) {
            throw new FeatureCacheException(file, "no such feature-network cache file");
        }
        Map<String, byte[]> entries;
        try {
            entries = ZipEntries.read(file);
        } catch (ZipException e) {
            throw new FeatureCacheException(file, "corrupted feature-network cache (" + e.getMessage()
                    + "); delete it to retrain");
        } catch (IOException e) {
            throw new FeatureCacheException(file, "unreadable or truncated feature-network cache (" + e.getMessage()
                    + "); delete it to retrain");
        }
        if (entries.isEmpty()) {
            throw new FeatureCacheException(file, "empty or truncated feature-network cache; delete it to retrain");
        }
        return entries;
    }
}
