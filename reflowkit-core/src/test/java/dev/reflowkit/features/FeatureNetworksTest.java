package dev.reflowkit.features;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDManager;
import dev.reflowkit.data.PointSet;
import dev.reflowkit.engine.Engines;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;
import java.util.zip.ZipOutputStream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

@ExtendWith(OneTorchThread.class)
class FeatureNetworksTest {

    private static final LabeledImages TRAIN = TestImages.halves(256, 0.6, 1);
    private static final LabeledImages TEST = TestImages.halves(128, 0.6, 2);
    private static final FeatureRecipe RECIPE = TestImages.tinyRecipe(30);

    @TempDir
    static Path dir;
    private static Path cached;

    /** Trains once and caches; the tests below read, damage and compare the file. */
    @BeforeAll
    static void trainOnce() throws IOException {
        try (NDManager m = Engines.newManager()) {
            TrainedFeatureNetwork t = FeatureNetworks.loadOrTrain(dir, "data-1", RECIPE, TRAIN, TEST, m);
            assertFalse(t.fromCache());
            cached = FeatureNetworks.cacheFile(dir, "data-1", RECIPE, TestImages.SHAPE, 2);
            assertTrue(Files.isRegularFile(cached), "cache file written: " + cached);
        }
    }

    @Test
    void roundTripGivesIdenticalFeaturesAndMetadata() throws IOException {
        PointSet probe = TEST.images().head(50);
        try (NDManager m = Engines.newManager()) {
            TrainedFeatureNetwork fresh = FeatureNetworkTrainer.train(RECIPE, TRAIN, TEST, "data-1", m);
            List<String> log = new ArrayList<>();
            TrainedFeatureNetwork loaded = FeatureNetworks.loadOrTrain(dir, "data-1", RECIPE, TRAIN, TEST, m, log::add);
            assertTrue(loaded.fromCache());
            assertTrue(log.get(0).contains("loaded from") && log.get(0).contains(cached.getFileName().toString()),
                    log.toString());
            assertArrayEquals(fresh.extractor(m).featurePoints(probe).data(),
                    loaded.extractor(m).featurePoints(probe).data(), "cached weights = trained weights");
            FeatureNetworkInfo info = loaded.info();
            assertEquals(RECIPE, info.recipe());
            assertEquals("data-1", info.dataHash());
            assertArrayEquals(TestImages.SHAPE, info.sampleShape());
            assertEquals(2, info.classes());
            assertEquals(fresh.info().testAccuracy(), info.testAccuracy(), 0);
            assertTrue(info.testAccuracy() > 0.9, info.toString());
            assertEquals(256, info.trainImages());
            assertTrue(info.engine().contains("PyTorch"), info.engine());
        }
        String meta = new String(entries(cached).get("meta.json"), StandardCharsets.UTF_8);
        for (String key : List.of("\"recipe\"", "\"seed\" : 5", "\"data_hash\" : \"data-1\"", "\"test_accuracy\"",
                "\"sha256\"", "\"reflowkit_version\"", "\"sample_shape\" : [ 1, 8, 8 ]")) {
            assertTrue(meta.contains(key), key + " in\n" + meta);
        }
    }

    @Test
    void cacheKeyDependsOnDataRecipeAndShape() {
        Path base = FeatureNetworks.cacheFile(dir, "data-1", RECIPE, TestImages.SHAPE, 2);
        assertTrue(base.getFileName().toString().matches("feature-net-[0-9a-f]{16}\\.zip"), base.toString());
        assertEquals(base, FeatureNetworks.cacheFile(dir, "data-1", TestImages.tinyRecipe(30), TestImages.SHAPE, 2));
        assertNotEquals(base, FeatureNetworks.cacheFile(dir, "data-2", RECIPE, TestImages.SHAPE, 2));
        assertNotEquals(base, FeatureNetworks.cacheFile(dir, "data-1", RECIPE.withSeed(6), TestImages.SHAPE, 2));
        assertNotEquals(base, FeatureNetworks.cacheFile(dir, "data-1", RECIPE, new long[] {1, 8, 16}, 2));
        assertNotEquals(base, FeatureNetworks.cacheFile(dir, "data-1", RECIPE, TestImages.SHAPE, 3));
    }

    @Test
    void corruptedWeightsFailTheChecksumAndNameTheFile(@TempDir Path other) throws IOException {
        Map<String, byte[]> e = entries(cached);
        byte[] weights = e.get("weights.ndlist");
        weights[weights.length - 5] ^= 0x40; // one bit of a stored float
        Path bad = FeatureNetworks.cacheFile(other, "data-1", RECIPE, TestImages.SHAPE, 2);
        writeZip(bad, e);
        try (NDManager m = Engines.newManager()) {
            FeatureCacheException ex = assertThrows(FeatureCacheException.class,
                    () -> FeatureNetworks.loadOrTrain(other, "data-1", RECIPE, TRAIN, TEST, m));
            assertTrue(ex.getMessage().startsWith(bad.toString()), ex.getMessage());
            assertTrue(ex.getMessage().contains("checksum mismatch"), ex.getMessage());
        }
    }

    @Test
    void damagedOrTruncatedFilesAreDetected(@TempDir Path other) throws IOException {
        byte[] bytes = Files.readAllBytes(cached);
        Path flipped = other.resolve("flipped.zip");
        byte[] copy = bytes.clone();
        copy[copy.length / 2] ^= 0x5a; // inside the compressed weights
        Files.write(flipped, copy);
        Path truncated = other.resolve("truncated.zip");
        Files.write(truncated, java.util.Arrays.copyOf(bytes, bytes.length / 3));
        Path empty = other.resolve("empty.zip");
        Files.write(empty, new byte[0]);
        try (NDManager m = Engines.newManager()) {
            for (Path p : List.of(flipped, truncated, empty, other.resolve("missing.zip"))) {
                FeatureCacheException ex = assertThrows(FeatureCacheException.class, () -> FeatureNetworks.read(p, m),
                        p.toString());
                assertTrue(ex.getMessage().startsWith(p.toString()), ex.getMessage());
            }
        }
    }

    @Test
    void aFileForAnotherRecipeIsRejected(@TempDir Path other) throws IOException {
        FeatureRecipe otherRecipe = RECIPE.withSteps(31);
        Path misplaced = FeatureNetworks.cacheFile(other, "data-1", otherRecipe, TestImages.SHAPE, 2);
        Files.createDirectories(other);
        Files.copy(cached, misplaced);
        try (NDManager m = Engines.newManager()) {
            FeatureCacheException ex = assertThrows(FeatureCacheException.class,
                    () -> FeatureNetworks.loadOrTrain(other, "data-1", otherRecipe, TRAIN, TEST, m));
            assertTrue(ex.getMessage().contains("another recipe or data set"), ex.getMessage());
        }
    }

    private static Map<String, byte[]> entries(Path zipFile) throws IOException {
        Map<String, byte[]> out = new LinkedHashMap<>();
        try (InputStream in = Files.newInputStream(zipFile); ZipInputStream zip = new ZipInputStream(in)) {
            for (ZipEntry e = zip.getNextEntry(); e != null; e = zip.getNextEntry()) {
                ByteArrayOutputStream buf = new ByteArrayOutputStream();
                zip.transferTo(buf);
                out.put(e.getName(), buf.toByteArray());
            }
        }
        return out;
    }

    private static void writeZip(Path file, Map<String, byte[]> entries) throws IOException {
        Files.createDirectories(file.getParent());
        try (ZipOutputStream zip = new ZipOutputStream(Files.newOutputStream(file))) {
            for (Map.Entry<String, byte[]> e : entries.entrySet()) {
                zip.putNextEntry(new ZipEntry(e.getKey()));
                zip.write(e.getValue());
                zip.closeEntry();
            }
        }
    }
}
