package dev.reflowkit.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.reflowkit.io.Npy;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code configs/mnist-smoke.yaml} end to end on a small image set the project makes
 * ({@code synthetic-shapes}): a U-Net teacher, image pair stores, baseline and simple-reflow with
 * the HPF loss, image metrics with their floor, image grids in the report, and a rerun that
 * resumes instead of retraining.
 */
class ImagePipelineTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final List<String> IMAGE_METRICS = List.of("fd", "kid", "kid_std", "precision", "recall", "sw2");

    @TempDir
    Path dir;

    @Test
    void smokeConfigRunsTheImagePipelineAndResumes() throws IOException {
        Path out = dir.resolve("run");
        String[] args = {"pipeline", "--config", smokeConfig().toString(), "--out", out.toString(),
                "--set", "data.source=synthetic-shapes:1200", "--set", "eval.feature_cache=" + dir.resolve("features")};
        Cli.Result r = Cli.run(args);
        assertEquals(0, r.exitCode(), r::toString);
        assertFalse(r.err().contains("\tat "), r.err());
        // The stages' own output, relayed from their processes: no engine warnings (the pair
        // stages' warm-up once printed one per convolution, as NNPACK does not run on this CPU).
        assertFalse(r.out().contains("NNPACK") || r.err().contains("NNPACK"), r::toString);

        JsonNode m = JSON.readTree(out.resolve("metrics.json").toFile());
        assertTrue(m.get("data").asText().startsWith("synthetic-shapes"), m.get("data").toString());
        checkMetrics("floor", m.get("floor"));
        JsonNode runs = m.get("runs");
        assertEquals(9, runs.size(), "teacher, baseline, simple-reflow at NFE 1, 2 and dopri5: " + runs);
        for (JsonNode run : runs) {
            checkMetrics(run.get("model").asText() + " NFE " + run.get("nfe"), run.get("metrics"));
        }
        String simple = Files.readString(out.resolve("reflow").resolve("simple-reflow").resolve("config.yaml"));
        assertTrue(simple.contains("type: hpf"), "simple-reflow on images uses the HPF loss:\n" + simple);
        String baseline = Files.readString(out.resolve("reflow").resolve("baseline").resolve("config.yaml"));
        assertTrue(baseline.contains("type: mse"), "baseline keeps MSE:\n" + baseline);

        String html = Files.readString(out.resolve("report.html"));
        assertTrue(html.contains("id=\"images\""), "image section in the report");
        try (Stream<Path> pngs = Files.list(out.resolve("report-images"))) {
            assertTrue(pngs.filter(p -> p.toString().endsWith(".png")).count() >= 6, "grid and strip files");
        }

        // Rerun: every stage is found complete; nothing is retrained and the scores repeat.
        Path teacher = out.resolve("teacher").resolve("model.ckpt");
        byte[] teacherBytes = Files.readAllBytes(teacher);
        List<String> log = Files.readAllLines(out.resolve("reflow").resolve("simple-reflow").resolve("train_log.jsonl"));
        Cli.Result again = Cli.run(args);
        assertEquals(0, again.exitCode(), again::toString);
        assertArrayEquals(teacherBytes, Files.readAllBytes(teacher), "teacher untouched");
        assertEquals(log, Files.readAllLines(out.resolve("reflow").resolve("simple-reflow").resolve("train_log.jsonl")), "no retraining");
        JsonNode m2 = JSON.readTree(out.resolve("metrics.json").toFile());
        for (int i = 0; i < runs.size(); i++) {
            assertEquals(runs.get(i).get("metrics").get("fd").asDouble(),
                    m2.get("runs").get(i).get("metrics").get("fd").asDouble(), 1e-6, "run " + i);
        }
        assertTrue(again.out().contains("feature network loaded from"), again.out());

        // Sampling an image model: (N, C, H, W) .npy plus a PNG grid.
        Path npy = dir.resolve("s.npy");
        Path png = dir.resolve("s.png");
        Cli.Result s = Cli.run("sample", "--model", out.resolve("reflow/simple-reflow/model.ckpt").toString(),
                "--nfe", "2", "--count", "20", "--out", npy.toString(), "--png", png.toString());
        assertEquals(0, s.exitCode(), s::toString);
        assertArrayEquals(new long[] {20, 1, 8, 8}, Npy.read(npy).shape());
        BufferedImage grid = ImageIO.read(png.toFile());
        assertTrue(grid != null && grid.getWidth() > 16 * 8 && grid.getHeight() > 8, "PNG grid");

        // Scoring an image model alone: image metrics, the cached feature network.
        Path scores = dir.resolve("scores.json");
        Cli.Result e = Cli.run("eval", "--model", out.resolve("teacher/model.ckpt").toString(), "--nfe", "1",
                "--count", "60", "--out", scores.toString(), "--set", "eval.kid_subset_size=30");
        assertEquals(0, e.exitCode(), e::toString);
        JsonNode sm = JSON.readTree(scores.toFile());
        checkMetrics("eval floor", sm.get("floor"));
        assertEquals(2, sm.get("runs").size(), "NFE 1 and the dopri5 reference");
    }

    private static void checkMetrics(String what, JsonNode metrics) {
        for (String k : IMAGE_METRICS) {
            JsonNode v = metrics.get(k);
            assertTrue(v != null && v.isNumber() && Double.isFinite(v.asDouble()), what + " " + k + ": " + metrics);
        }
        assertTrue(metrics.get("fd").asDouble() >= 0, what + " fd >= 0");
        double p = metrics.get("precision").asDouble();
        assertTrue(p >= 0 && p <= 1, what + " precision in [0, 1]: " + p);
    }

    /** {@code configs/mnist-smoke.yaml} from the module or the repository root. */
    static Path smokeConfig() {
        for (Path p : List.of(Path.of("../configs/mnist-smoke.yaml"), Path.of("configs/mnist-smoke.yaml"))) {
            if (Files.exists(p)) {
                return p;
            }
        }
        throw new IllegalStateException("configs/mnist-smoke.yaml not found from " + Path.of("").toAbsolutePath());
    }
}
