package dev.reflowkit.pairs;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.reflowkit.io.Checksums;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.reflowkit.io.DataFormatException;
import dev.reflowkit.io.Npy;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The on-disk format of a pair store and the checks made when opening one. */
class PairStoreTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path dir;

    private float[] x0;
    private float[] x1;

    @BeforeEach
    void data() {
        x0 = new float[250 * 2];
        x1 = new float[250 * 2];
        for (int i = 0; i < x0.length; i++) {
            x0[i] = i * 0.5f;
            x1[i] = -i;
        }
    }

    @Test
    void storeRoundTripsWithNumpyReadableShards() throws IOException {
        PairStore s = TestStores.write(dir, x0, x1, new long[] {2}, 100);
        assertEquals(250, s.count());
        assertArrayEquals(new long[] {2}, s.sampleShape());
        assertEquals(2, s.sampleSize());
        assertArrayEquals(x0, s.x0());
        assertArrayEquals(x1, s.x1());
        assertEquals(PairDirection.BACKWARD, s.direction());
        assertEquals(3, s.manifest().shards().size());
        assertTrue(s.manifest().complete());
        List<String> names;
        try (var files = Files.list(dir.resolve("shards"))) {
            names = files.map(p -> p.getFileName().toString()).sorted().toList();
        }
        assertEquals(List.of("pairs-0000000000-0000000100.x0.npy", "pairs-0000000000-0000000100.x1.npy",
                "pairs-0000000100-0000000200.x0.npy", "pairs-0000000100-0000000200.x1.npy",
                "pairs-0000000200-0000000250.x0.npy", "pairs-0000000200-0000000250.x1.npy"), names);
        byte[] bytes = Files.readAllBytes(dir.resolve("shards/pairs-0000000200-0000000250.x0.npy"));
        assertArrayEquals(new byte[] {(byte) 0x93, 'N', 'U', 'M', 'P', 'Y', 1, 0}, Arrays.copyOf(bytes, 8));
        String header = new String(bytes, 10, 60, StandardCharsets.ISO_8859_1);
        assertTrue(header.startsWith("{'descr': '<f4', 'fortran_order': False, 'shape': (50, 2), }"), header);
        assertEquals(128 + 50 * 2 * 4, bytes.length, "64-byte aligned header, then float32 data");
        float first = ByteBuffer.wrap(bytes, 128, 4).order(ByteOrder.LITTLE_ENDIAN).getFloat();
        assertEquals(x0[200 * 2], first, "pair 200's first value starts the data");
        var manifest = JSON.readTree(dir.resolve("manifest.json").toFile());
        assertEquals("reflowkit-pairs", manifest.get("format").asText());
        assertEquals(1, manifest.get("version").asInt());
        assertEquals(64, manifest.get("shards").get(0).get("x0_sha256").asText().length());
        assertTrue(manifest.get("complete").asBoolean());
        for (String field : List.of("teacher", "direction", "solver", "grid", "nfe", "seed", "count", "shard_size",
                "sample_shape", "data", "reflowkit_version", "created")) {
            assertTrue(manifest.has(field), "manifest field " + field);
        }
    }

    @Test
    void multiDimensionalSamplesKeepTheirShape() throws IOException {
        float[] a = new float[10 * 12];
        float[] b = new float[10 * 12];
        Arrays.fill(a, 1f);
        PairStore s = TestStores.write(dir, a, b, new long[] {1, 3, 4}, 4);
        assertArrayEquals(new long[] {1, 3, 4}, s.sampleShape());
        assertArrayEquals(new long[] {2, 1, 3, 4}, Npy.read(dir.resolve("shards/pairs-0000000008-0000000010.x1.npy")).shape());
    }

    /** The one-line error of opening a bad store, the same in memory and streamed. */
    private static String error(Path store) {
        DataFormatException e = assertThrows(DataFormatException.class, () -> PairStore.open(store));
        assertEquals(1, e.getMessage().lines().count(), "one line: " + e.getMessage());
        DataFormatException streamed = assertThrows(DataFormatException.class, () -> StreamingPairStore.open(store));
        assertEquals(e.getMessage(), streamed.getMessage());
        return e.getMessage();
    }

    @Test
    void streamingReadsThePairsOfTheStoreInMemory() throws IOException {
        float[] a = new float[250 * 12];
        float[] b = new float[250 * 12];
        for (int i = 0; i < a.length; i++) {
            a[i] = i;
            b[i] = -0.5f * i;
        }
        PairStore memory = TestStores.write(dir, a, b, new long[] {1, 3, 4}, 100); // shards of 100, 100, 50
        try (StreamingPairStore streamed = StreamingPairStore.open(dir)) {
            assertEquals(250, streamed.count());
            float[] s0 = new float[24];
            float[] s1 = new float[24];
            float[] m0 = new float[24];
            float[] m1 = new float[24];
            for (int i : new int[] {0, 99, 100, 199, 200, 249}) {
                streamed.read(i, s0, 12, s1, 0);
                memory.read(i, m0, 12, m1, 0);
                assertArrayEquals(m0, s0, "x0 of pair " + i);
                assertArrayEquals(m1, s1, "x1 of pair " + i);
                assertEquals(12f * i, s0[12]);
            }
            assertThrows(IndexOutOfBoundsException.class, () -> streamed.read(250, s0, 0, s1, 0));
        }
    }

    @Test
    void corruptedMissingAndMalformedShardsAreNamed() throws IOException {
        TestStores.write(dir, x0, x1, new long[] {2}, 100);
        Path shard = dir.resolve("shards/pairs-0000000100-0000000200.x1.npy");
        byte[] good = Files.readAllBytes(shard);

        byte[] flipped = good.clone();
        flipped[300] ^= 0x01;
        Files.write(shard, flipped);
        String corrupted = error(dir);
        assertTrue(corrupted.startsWith(shard.toString()), corrupted);
        assertTrue(corrupted.contains("checksum mismatch"), corrupted);

        Files.write(shard, Arrays.copyOf(good, 200));
        assertTrue(error(dir).contains("checksum mismatch"), "truncated");

        Files.delete(shard);
        String missing = error(dir);
        assertTrue(missing.startsWith(shard.toString()) && missing.contains("missing shard file"), missing);

        // a float64 file (recorded with its own checksum) is rejected for its dtype
        byte[] f8 = float64Npy(100, 2);
        Files.write(shard, f8);
        setChecksum(1, "x1_sha256", Checksums.sha256(shard));
        String dtype = error(dir);
        assertTrue(dtype.contains("dtype") && dtype.contains("<f8"), dtype);

        // a float32 file of the wrong shape
        Npy.write(shard, new float[300], new long[] {100, 3});
        setChecksum(1, "x1_sha256", Checksums.sha256(shard));
        String shape = error(dir);
        assertTrue(shape.contains("wrong shape [100, 3], expected [100, 2]"), shape);
    }

    @Test
    void incompleteAndMissingStoresAreNamed() throws IOException {
        TestStores.write(dir, x0, x1, new long[] {2}, 100);
        ObjectNode root = (ObjectNode) JSON.readTree(dir.resolve("manifest.json").toFile());
        ((com.fasterxml.jackson.databind.node.ArrayNode) root.get("shards")).remove(2);
        root.put("complete", false);
        Files.writeString(dir.resolve("manifest.json"), root.toString());
        String incomplete = error(dir);
        assertTrue(incomplete.startsWith(dir.resolve("manifest.json").toString()), incomplete);
        assertTrue(incomplete.contains("incomplete pair store: 2 of 3 shards"), incomplete);

        Path empty = dir.resolve("nothing");
        Files.createDirectories(empty);
        assertTrue(error(empty).contains("missing manifest.json"));

        Files.writeString(dir.resolve("manifest.json"), "{not json");
        assertTrue(error(dir).contains("not valid JSON"));
        Files.writeString(dir.resolve("manifest.json"), "{\"format\": \"something-else\"}");
        assertTrue(error(dir).contains("not a pair-store manifest"));
    }

    private void setChecksum(int shard, String field, String sha) throws IOException {
        ObjectNode root = (ObjectNode) JSON.readTree(dir.resolve("manifest.json").toFile());
        ((ObjectNode) root.get("shards").get(shard)).put(field, sha);
        Files.writeString(dir.resolve("manifest.json"), root.toString());
    }

    /** A numpy float64 file of zeros. */
    private static byte[] float64Npy(int rows, int cols) {
        String dict = "{'descr': '<f8', 'fortran_order': False, 'shape': (" + rows + ", " + cols + "), }";
        int pad = 64 - (10 + dict.length() + 1) % 64;
        String header = dict + " ".repeat(pad) + "\n";
        ByteBuffer buf = ByteBuffer.allocate(10 + header.length() + rows * cols * 8).order(ByteOrder.LITTLE_ENDIAN);
        buf.put(new byte[] {(byte) 0x93, 'N', 'U', 'M', 'P', 'Y', 1, 0}).putShort((short) header.length());
        buf.put(header.getBytes(StandardCharsets.ISO_8859_1));
        return buf.array();
    }
}
