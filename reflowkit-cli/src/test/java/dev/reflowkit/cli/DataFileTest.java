package dev.reflowkit.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.reflowkit.io.Npy;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Training on a user data file ({@code data.source=file:PATH}) and its errors. */
class DataFileTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path dir;

    /** {@code n} points of two Gaussian blobs at (-2, 0) and (2, 1), one per line. */
    private static List<String> blobs(int n, long seed) {
        Random rng = new Random(seed);
        List<String> lines = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            double cx = i % 2 == 0 ? -2 : 2;
            double cy = i % 2 == 0 ? 0 : 1;
            lines.add(String.format(Locale.ROOT, "%.6f,%.6f",
                    cx + 0.3 * rng.nextGaussian(), cy + 0.3 * rng.nextGaussian()));
        }
        return lines;
    }

    private Path csv(String name, List<String> rows) throws IOException {
        List<String> lines = new ArrayList<>();
        lines.add("x,y");
        lines.addAll(rows);
        return Files.write(dir.resolve(name), lines);
    }

    private Cli.Result train(Path out, Path data, String... extraSets) {
        List<String> sets = new ArrayList<>(List.of(extraSets));
        sets.add("data.source=file:" + data);
        return Cli.run(Cli.tiny(List.of("train", "--out", out.toString()), sets.toArray(String[]::new)));
    }

    @Test
    void trainsOnACsvFile() throws IOException {
        Path data = csv("blobs.csv", blobs(3000, 1));
        Path out = dir.resolve("run");
        Cli.Result r = train(out, data);
        assertEquals(0, r.exitCode(), r::toString);
        assertTrue(Files.exists(out.resolve("model.ckpt")));
        JsonNode rec = JSON.readTree(out.resolve("run.json").toFile());
        // eval.count = 100: 2 x 100 points are held out, the rest is trained on
        assertEquals(2800, rec.get("train_points").asInt(), rec.toString());
        assertTrue(rec.get("data").asText().contains("blobs.csv"), rec.get("data").asText());
        assertEquals("file:" + data, rec.get("config").get("data").get("source").asText());
    }

    @Test
    void trainsOnANpyFile() throws IOException {
        float[] pts = new float[2 * 600];
        Random rng = new Random(3);
        for (int i = 0; i < pts.length; i++) {
            pts[i] = (float) rng.nextGaussian();
        }
        Path data = dir.resolve("points.npy");
        Npy.write(data, pts, new long[] {600, 2});
        Path out = dir.resolve("npyrun");
        Cli.Result r = train(out, data, "train.steps=5", "train.checkpoint_every=5", "train.log_every=5");
        assertEquals(0, r.exitCode(), r::toString);
        assertEquals(400, JSON.readTree(out.resolve("run.json").toFile()).get("train_points").asInt());
    }

    @Test
    void malformedCsvNamesFileAndLine() throws IOException {
        List<String> rows = blobs(3000, 2);
        rows.set(55, "0.5,abc"); // line 57: the header is line 1
        Path data = csv("broken.csv", rows);
        Path out = dir.resolve("bad");
        String e = train(out, data).inputError();
        assertTrue(e.contains("broken.csv"), e);
        assertTrue(e.contains("line 57"), e);
        assertTrue(e.contains("abc"), e);
        assertFalse(Files.exists(out.resolve("model.ckpt")));
        assertFalse(Files.exists(out.resolve("run.json")), "nothing recorded for a run that never started");
    }

    @Test
    void csvWithAMissingFieldNamesFileAndLine() throws IOException {
        List<String> rows = blobs(3000, 2);
        rows.set(9, "1.25");
        String e = train(dir.resolve("bad"), csv("short.csv", rows)).inputError();
        assertTrue(e.contains("short.csv") && e.contains("line 11"), e);
    }

    @Test
    void missingDataFileIsAnInputErrorNamingTheFile() {
        Path data = dir.resolve("nope.csv");
        String e = train(dir.resolve("bad"), data).inputError();
        assertTrue(e.contains(data.toString()), e);
        assertTrue(e.contains("no such file"), e);
    }

    @Test
    void tooFewPointsForTheHeldOutSetIsAnInputError() throws IOException {
        String e = train(dir.resolve("bad"), csv("tiny.csv", blobs(150, 4))).inputError();
        assertTrue(e.contains("tiny.csv"), e);
        assertTrue(e.contains("eval.count"), e);
    }

    @Test
    void unsupportedDataFileTypeIsAConfigError() {
        String e = train(dir.resolve("bad"), dir.resolve("points.txt")).inputError();
        assertTrue(e.contains("data.source"), e);
    }
}
