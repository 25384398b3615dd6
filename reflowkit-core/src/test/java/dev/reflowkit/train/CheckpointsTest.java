package dev.reflowkit.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import dev.reflowkit.engine.Engines;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CheckpointsTest {

    @TempDir
    Path dir;

    private Checkpoint sample(NDManager m) {
        NDList w = new NDList(m.create(new float[] {1, 2, 3}), m.create(new float[] {4}));
        NDList e = new NDList(m.create(new float[] {1.5f, 2, 3}), m.create(new float[] {4.5f}));
        NDList a = new NDList(m.create(new float[] {0.1f, 0, 0}), m.create(new float[] {0}));
        NDList b = new NDList(m.create(new float[] {0.01f, 0, 0}), m.create(new float[] {0}));
        return new Checkpoint(new TrainingState(42, 42 * 8, new double[] {0.5, 0.25}, 1.5, 1.25, 2),
                Map.of("seed", 7), new long[] {3}, List.of("w", "b"), w, e, a, b);
    }

    @Test
    void roundTripsEverything() throws IOException {
        try (NDManager m = Engines.newManager()) {
            Path f = dir.resolve("c.ckpt");
            Checkpoints.write(f, sample(m));
            Checkpoint c = Checkpoints.read(f, m);
            assertEquals(42, c.state().step());
            assertEquals(336, c.state().samplesSeen());
            assertArrayEquals(new double[] {0.5, 0.25}, c.state().lossWeightState());
            assertEquals(1.5, c.state().logLossSum());
            assertEquals(List.of("w", "b"), c.parameterNames());
            assertArrayEquals(new long[] {3}, c.sampleShape());
            assertEquals(7, c.config().get("seed"));
            assertArrayEquals(new float[] {1.5f, 2, 3}, c.ema().get(0).toFloatArray());
            assertArrayEquals(new float[] {0.01f, 0, 0}, c.adamSecond().get(0).toFloatArray());
            try (var files = Files.list(dir)) {
                assertEquals(1, files.count(), "no temp file left behind");
            }
        }
    }

    @Test
    void truncatedOrCorruptedFilesFailWithTheFileName() throws IOException {
        try (NDManager m = Engines.newManager()) {
            Path f = dir.resolve("c.ckpt");
            Checkpoints.write(f, sample(m));
            byte[] bytes = Files.readAllBytes(f);

            Path truncated = dir.resolve("truncated.ckpt");
            Files.write(truncated, Arrays.copyOf(bytes, bytes.length / 2));
            CheckpointException e1 = assertThrows(CheckpointException.class, () -> Checkpoints.read(truncated, m));
            assertTrue(e1.getMessage().startsWith(truncated.toString()), e1.getMessage());

            Path garbage = dir.resolve("garbage.ckpt");
            Files.writeString(garbage, "not a checkpoint");
            assertThrows(CheckpointException.class, () -> Checkpoints.read(garbage, m));

            Path flipped = dir.resolve("flipped.ckpt");
            byte[] copy = bytes.clone();
            copy[bytes.length / 3] ^= 0x5a;
            Files.write(flipped, copy);
            CheckpointException e2 = assertThrows(CheckpointException.class, () -> Checkpoints.read(flipped, m));
            assertTrue(e2.getMessage().startsWith(flipped.toString()), e2.getMessage());

            Path missing = dir.resolve("missing.ckpt");
            CheckpointException e3 = assertThrows(CheckpointException.class, () -> Checkpoints.read(missing, m));
            assertTrue(e3.getMessage().contains("no such checkpoint"), e3.getMessage());
        }
    }

    @Test
    void aMetaJsonWithAFieldOfTheWrongTypeIsACheckpointError() throws IOException {
        try (NDManager m = Engines.newManager()) {
            Path f = dir.resolve("c.ckpt");
            Checkpoints.write(f, sample(m));
            Path edited = dir.resolve("edited.ckpt");
            try (var in = new java.util.zip.ZipInputStream(Files.newInputStream(f));
                    var out = new java.util.zip.ZipOutputStream(Files.newOutputStream(edited))) {
                for (var e = in.getNextEntry(); e != null; e = in.getNextEntry()) {
                    byte[] b = in.readAllBytes();
                    if (e.getName().equals("meta.json")) {
                        // edited by hand: without the file digest, which the edit would break
                        b = new String(b, java.nio.charset.StandardCharsets.UTF_8)
                                .replaceFirst("\"step\" : \\d+", "\"step\" : \"seven\"")
                                .replaceFirst(",\\s*\"file_sha256\" : \"[^\"]*\"", "")
                                .getBytes(java.nio.charset.StandardCharsets.UTF_8);
                    }
                    out.putNextEntry(new java.util.zip.ZipEntry(e.getName()));
                    out.write(b);
                    out.closeEntry();
                }
            }
            CheckpointException e = assertThrows(CheckpointException.class, () -> Checkpoints.read(edited, m));
            assertTrue(e.getMessage().startsWith(edited + ": invalid meta.json"), e.getMessage());
        }
    }

    @Test
    void everyFlippedOrMissingByteIsFound() throws IOException {
        try (NDManager m = Engines.newManager()) {
            Path f = dir.resolve("c.ckpt");
            Checkpoints.write(f, sample(m));
            byte[] bytes = Files.readAllBytes(f);
            Path damaged = dir.resolve("damaged.ckpt");
            // zip headers, the central directory and its end record included, which the entries'
            // own checksums do not cover: the file's SHA-256 in the zip comment does
            for (int at = 0; at < bytes.length; at++) {
                byte[] copy = bytes.clone();
                copy[at] ^= (byte) (1 + at % 255);
                Files.write(damaged, copy);
                int offset = at;
                assertThrows(CheckpointException.class, () -> Checkpoints.read(damaged, m), () -> "byte " + offset);
            }
            for (int length = 0; length < bytes.length; length++) {
                Files.write(damaged, Arrays.copyOf(bytes, length));
                int l = length;
                assertThrows(CheckpointException.class, () -> Checkpoints.read(damaged, m), () -> "length " + l);
            }
            byte[] longer = Arrays.copyOf(bytes, bytes.length + 1);
            Files.write(damaged, longer);
            assertThrows(CheckpointException.class, () -> Checkpoints.read(damaged, m), "a byte appended");
            assertEquals(42, Checkpoints.read(f, m).state().step(), "the original reads");
        }
    }

    @Test
    void aCheckpointWrittenBeforeTheFileDigestStillReads() throws IOException {
        try (NDManager m = Engines.newManager()) {
            Path f = dir.resolve("c.ckpt");
            Checkpoints.write(f, sample(m));
            Path legacy = dir.resolve("legacy.ckpt");
            try (var in = new java.util.zip.ZipInputStream(Files.newInputStream(f));
                    var out = new java.util.zip.ZipOutputStream(Files.newOutputStream(legacy))) {
                for (var e = in.getNextEntry(); e != null; e = in.getNextEntry()) {
                    byte[] b = in.readAllBytes();
                    if (e.getName().equals("meta.json")) {
                        b = new String(b, java.nio.charset.StandardCharsets.UTF_8)
                                .replaceFirst(",\\s*\"file_sha256\" : \"[^\"]*\"", "")
                                .getBytes(java.nio.charset.StandardCharsets.UTF_8);
                    }
                    out.putNextEntry(new java.util.zip.ZipEntry(e.getName()));
                    out.write(b);
                    out.closeEntry();
                }
            }
            assertEquals(42, Checkpoints.read(legacy, m).state().step());
        }
    }

    @Test
    void copyIntoRejectsShapeMismatch() {
        try (NDManager m = Engines.newManager()) {
            NDList saved = new NDList(m.create(new float[] {1, 2}));
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> Checkpoints.copyInto(saved, List.of(m.create(new float[] {1, 2, 3})), "weights"));
            assertTrue(e.getMessage().contains("(2)") && e.getMessage().contains("(3)"), e.getMessage());
        }
    }

    @Test
    void directoryFindsNewestAndPrunes() throws IOException {
        CheckpointDirectory cd = new CheckpointDirectory(dir);
        Files.createDirectories(cd.fileFor(1).getParent());
        for (long s : new long[] {100, 20, 3000}) {
            Files.writeString(cd.fileFor(s), "x");
        }
        assertEquals(3000, CheckpointDirectory.stepOf(cd.latest().orElseThrow()));
        cd.prune(2);
        assertEquals(List.of(cd.fileFor(100), cd.fileFor(3000)), cd.list());
        cd.prune(1);
        assertEquals(List.of(cd.fileFor(100), cd.fileFor(3000)), cd.list(), "the previous one stays, for a fallback");
    }
}
