package dev.reflowkit.report;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import dev.reflowkit.data.PointSet;
import dev.reflowkit.engine.Engines;
import dev.reflowkit.field.VelocityField;
import dev.reflowkit.sampling.SeededNoise;
import dev.reflowkit.solver.SamplerPlan;
import dev.reflowkit.solver.Samplers;
import dev.reflowkit.solver.grid.UniformGrid;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Image models in the report, driven through {@link ReportSampler} by a fake field that carries
 * every noise to one known 8x8 image: {@code v = (x - c) / t}, the velocity of the straight path
 * {@code x_t = (1 - t) c + t x1}, which Euler integrates exactly (it never evaluates at t = 0).
 */
class ImageReportTest {

    private static final String DIGITS = "digits";
    private static final String POINTS = "points";
    private static final long[] SHAPE = {1, 8, 8};
    private static final long SEED = 5;
    private static final Pattern IMG = Pattern.compile(
            "<img src=\"data:image/png;base64,([A-Za-z0-9+/=]+)\" width=\"(\\d+)\" height=\"(\\d+)\" alt=\"([^\"<>]*)\">");

    /** The target image: pixel p has level 4p, so values sit far from rounding boundaries. */
    private static final float[] TARGET = new float[64];

    static {
        for (int p = 0; p < 64; p++) {
            TARGET[p] = 4 * p / 127.5f - 1f;
        }
    }

    private static final VelocityField TO_TARGET = (x, t) -> {
        var c = x.getManager().create(TARGET, new Shape(SHAPE[0], SHAPE[1], SHAPE[2]));
        return x.sub(c).div(t.reshape(-1, 1, 1, 1));
    };

    /** {@code v = x}: 2-D samples shrink along straight rays. */
    private static final VelocityField RADIAL = (x, t) -> x.mul(1f);

    private static ReportData data;
    private static String html;

    @BeforeAll
    static void sample() {
        ReportSampler sampler = ReportSampler.builder().optSampleCount(40).optTrajectoryCount(64).optImageCount(12)
                .optStripCount(3).optBatchSize(16).optSeed(SEED).build();
        ReportData.Builder b = ReportData.builder().setTitle("images").optDate(Instant.parse("2026-01-02T03:04:05Z"));
        try (NDManager m = Engines.newManager()) {
            for (int nfe : new int[] {4, 1}) {
                assertEquals(nfe, sampler.addSamples(b, DIGITS, TO_TARGET, SHAPE, euler(nfe), m));
            }
            sampler.addTrajectories(b, DIGITS, TO_TARGET, SHAPE, euler(4), m);
            sampler.addSamples(b, POINTS, RADIAL, new long[] {2}, euler(2), m);
            sampler.addTrajectories(b, POINTS, RADIAL, new long[] {2}, euler(2), m);
        }
        data = b.build();
        html = HtmlReport.render(data);
    }

    private static SamplerPlan euler(int nfe) {
        return Samplers.plan("euler", new UniformGrid(), nfe, 1.0, 0.0);
    }

    @Test
    void imageModelsGiveImagesAndPointModelsScatters() {
        assertEquals(List.of(POINTS, DIGITS), data.models(), "scatter models first, then image models");
        assertEquals(2, data.images().size());
        assertEquals(1, data.samples().size(), "only the 2-D model has scatter samples");
        assertEquals(POINTS, data.samples().get(0).model());
        assertEquals(40, data.samples().get(0).points().n());
        for (ModelImages m : data.images()) {
            assertEquals(12, m.images().n(), "image count, not sample count");
            assertEquals(new ImageShape(1, 8, 8), m.shape());
            for (int k = 0; k < m.images().data().length; k++) {
                assertEquals(TARGET[k % 64], m.images().data()[k], 1e-5, "every image is the target");
            }
        }
        ModelImageTrajectories t = data.imageTrajectories().get(0);
        assertEquals(3, t.paths().paths(), "strip count, not trajectory count");
        assertEquals(5, t.states().size());
        assertArrayEquals(SeededNoise.normal(SEED, 0, 3, 64), t.states().get(0).data(), "paths start at the noise");
        assertEquals(1.0, t.paths().straightness(), 1e-4, "the fake field's paths are straight");
        assertEquals(64, data.trajectories().get(0).paths(), "2-D trajectories keep their count");
    }

    @Test
    void htmlShowsGridsByNfeAndTheStripAndStillTheScatters() throws IOException {
        String images = html.substring(html.indexOf("<section id=\"images\">"), html.indexOf("<section id=\"trajectories\">"));
        assertTrue(images.contains("<h3>digits</h3>"));
        assertFalse(images.contains("<h3>points</h3>"), "no image section for the 2-D model");
        assertTrue(images.indexOf("<figcaption>NFE 1</figcaption>") < images.indexOf("<figcaption>NFE 4</figcaption>"),
                "grids in NFE order");
        assertTrue(images.contains("Solver states at NFE 4: all 5"), "strip caption");
        List<BufferedImage> pictures = new ArrayList<>();
        Matcher mt = IMG.matcher(images);
        while (mt.find()) {
            BufferedImage img = ImageIO.read(new ByteArrayInputStream(Base64.getDecoder().decode(mt.group(1))));
            assertEquals(Integer.parseInt(mt.group(2)), img.getWidth());
            assertEquals(Integer.parseInt(mt.group(3)), img.getHeight());
            pictures.add(img);
        }
        assertEquals(3, pictures.size(), "two grids and a strip");
        // Grid: 12 images, 8 per row, 8x8 tiles upscaled 4x to 32 pixels, 2 pixels apart.
        BufferedImage grid = pictures.get(0);
        assertEquals(8 * 32 + 9 * 2, grid.getWidth());
        assertEquals(2 * 32 + 3 * 2, grid.getHeight());
        for (int p = 0; p < 64; p += 9) {
            int x = 2 + (p % 8) * 4 + 1;
            int y = 2 + (p / 8) * 4 + 1;
            assertEquals(ImageGridTest.grey(4 * p), ImageGridTest.rgb(grid, x, y), "pixel " + p + " of image 0");
            assertEquals(ImageGridTest.grey(4 * p), ImageGridTest.rgb(grid, x + 3 * 34, y + 34),
                    "pixel " + p + " of image 11");
        }
        // Strip: 3 samples by 5 states.
        BufferedImage strip = pictures.get(2);
        assertEquals(5 * 32 + 6 * 2, strip.getWidth());
        assertEquals(3 * 32 + 4 * 2, strip.getHeight());
        assertEquals(ImageGridTest.grey(4 * 63), ImageGridTest.rgb(strip, 2 + 4 * 34 + 31, 2 + 2 * 34 + 31),
                "the last state of the last sample ends at the target");
        // The 2-D model keeps its scatter plot and trajectory chart.
        assertEquals(1, HtmlReportTest.count(html, "<table class=\"samples\">"));
        assertTrue(html.contains("width=\"" + SampleScatterChart.SIZE + "\" height=\"" + SampleScatterChart.SIZE
                + "\" alt=\"samples of points at NFE 2\""));
        String paths = html.substring(html.indexOf("<section id=\"trajectories\">"));
        assertEquals(1, HtmlReportTest.count(paths, "width=\"" + TrajectoryChart.SIZE + "\" height=\""
                + TrajectoryChart.SIZE + "\""), "one trajectory chart, for the 2-D model");
        assertEquals(HtmlReportTest.count(html, "<img "), HtmlReportTest.count(html, "<img src=\"data:image/png;base64,"));
    }

    @Test
    void pointReportsHaveNoImageSection() {
        String points = HtmlReport.render(SyntheticReport.build());
        assertFalse(points.contains("<section id=\"images\">"));
    }

    @Test
    void imageFilesAreWrittenNextToTheReportOnRequest(@TempDir Path dir) throws IOException {
        Path file = dir.resolve("run/" + HtmlReport.FILE_NAME);
        HtmlReport.write(file, data, true);
        Path images = dir.resolve("run/" + ReportImages.DIR_NAME);
        List<String> names = List.of("digits-nfe1.png", "digits-nfe4.png", "digits-trajectories-nfe4.png");
        try (var files = Files.list(images)) {
            assertEquals(names, files.map(p -> p.getFileName().toString()).sorted().toList());
        }
        String page = Files.readString(file);
        for (String name : names) {
            assertTrue(page.contains("<code>" + ReportImages.DIR_NAME + "/" + name + "</code>"), name + " in a caption");
        }
        byte[] nfe1 = Files.readAllBytes(images.resolve("digits-nfe1.png"));
        assertTrue(page.contains(Base64.getEncoder().encodeToString(nfe1)), "the file is the embedded picture");

        Path plain = dir.resolve("plain/" + HtmlReport.FILE_NAME);
        HtmlReport.write(plain, data);
        assertFalse(Files.exists(plain.resolveSibling(ReportImages.DIR_NAME)), "no files unless asked");
        assertFalse(Files.readString(plain).contains(ReportImages.DIR_NAME));
    }

    @Test
    void nonFiniteImagesAreDrawnAndCounted() throws IOException {
        float[] v = new float[2 * 16];
        v[5] = Float.NaN;
        v[20] = Float.NEGATIVE_INFINITY;
        ReportData d = ReportData.builder().setTitle("nan").addImages("bad", 2, new long[] {1, 4, 4},
                new PointSet(2, 16, v)).build();
        String page = HtmlReport.render(d);
        assertTrue(page.contains("<figcaption>NFE 2 \u00b7 2 non-finite values (red)</figcaption>"));
        Matcher mt = IMG.matcher(page);
        assertTrue(mt.find());
        BufferedImage img = ImageIO.read(new ByteArrayInputStream(Base64.getDecoder().decode(mt.group(1))));
        int scale = ImageGrid.scaleFor(new long[] {1, 4, 4}, ReportImages.MIN_TILE_PIXELS);
        // Pixel 5 of image 0 is (y 1, x 1).
        assertEquals(0xff0000, ImageGridTest.rgb(img, 2 + scale + 1, 2 + scale + 1));
    }

    @Test
    void fileNamesAreSafeAndDistinct() {
        assertEquals("teacher", ReportImages.stem("teacher"));
        assertEquals("2-ReFlow.v2", ReportImages.stem("2-ReFlow.v2"));
        String odd = ReportImages.stem(SyntheticReport.REFLOW);
        assertTrue(odd.matches("2-ReFlow_fast_co-[0-9a-f]{8}"), odd);
        assertNotEquals(ReportImages.stem("a b"), ReportImages.stem("a_b"));
        assertTrue(ReportImages.stem("../../etc").matches("etc-[0-9a-f]{8}"), ReportImages.stem("../../etc"));
        assertTrue(ReportImages.stem("<>").matches("model-[0-9a-f]{8}"));
        assertEquals("teacher-nfe4.png", ReportImages.gridFileName("teacher", 4));
        assertEquals("teacher-trajectories-nfe8.png", ReportImages.stripFileName("teacher", 8));
    }

    @Test
    void badImageInputsAreRejectedBeforeSampling() {
        ReportSampler sampler = ReportSampler.builder().build();
        try (NDManager m = Engines.newManager()) {
            IllegalArgumentException c = assertThrows(IllegalArgumentException.class, () -> sampler.addSamples(
                    ReportData.builder(), "m", (x, t) -> {
                        throw new AssertionError("sampled");
                    }, new long[] {2, 4, 4}, euler(1), m));
            assertTrue(c.getMessage().contains("1 (grey) or 3 (RGB) channels, got 2"), c.getMessage());
        }
        ReportData.Builder b = ReportData.builder();
        PointSet four = new PointSet(1, 16, new float[16]);
        b.addImages("m", 1, new long[] {1, 4, 4}, four);
        IllegalArgumentException dup = assertThrows(IllegalArgumentException.class,
                () -> b.addImages("m", 1, new long[] {1, 4, 4}, four));
        assertTrue(dup.getMessage().contains("'m' already has images at NFE 1"), dup.getMessage());
        IllegalArgumentException d = assertThrows(IllegalArgumentException.class,
                () -> b.addImages("m", 2, new long[] {3, 4, 4}, four));
        assertTrue(d.getMessage().contains("16 values each") && d.getMessage().contains("needs 48"), d.getMessage());
        assertThrows(IllegalArgumentException.class,
                () -> b.addImageTrajectories("m", 2, new long[] {1, 4, 4}, List.of(four)));
        assertThrows(IllegalArgumentException.class, () -> ReportSampler.builder().optImageCount(1000));
    }
}
