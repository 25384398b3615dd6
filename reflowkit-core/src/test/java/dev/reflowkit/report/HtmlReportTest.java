package dev.reflowkit.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.reflowkit.data.PointSet;
import dev.reflowkit.eval.MetricsReport;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class HtmlReportTest {

    private static final Pattern IMG = Pattern.compile(
            "<img src=\"data:image/png;base64,([A-Za-z0-9+/=]+)\" width=\"(\\d+)\" height=\"(\\d+)\" alt=\"[^\"<>]*\">");

    private static String html;

    @BeforeAll
    static void render() {
        html = HtmlReport.render(SyntheticReport.build());
    }

    @Test
    void headerTitleAndFactsAreThereAndEscaped() {
        String escaped = "Report &lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; more";
        assertTrue(html.startsWith("<!DOCTYPE html>"));
        assertTrue(html.contains("<title>" + escaped + "</title>"), "escaped <title>");
        assertTrue(html.contains("<h1>" + escaped + "</h1>"), "escaped <h1>");
        assertTrue(html.contains("Data: <strong>8gaussians</strong>"));
        assertTrue(html.contains("2026-11-26 10:15:30 UTC"));
        assertTrue(html.contains("<th scope=\"row\">java</th><td>17 &lt;openjdk&gt;</td>"));
    }

    @Test
    void noRawTextFromInputsAndNoActiveContent() {
        assertFalse(html.contains("<script"), "no script element, not even an escaped title's");
        assertFalse(html.contains("<b>"), "config text is escaped");
        assertFalse(html.contains("<fast>"), "model names are escaped");
        assertTrue(html.contains("2-ReFlow &lt;fast&gt; &amp; &#39;co&#39;"));
        assertTrue(html.contains("<pre>data:\n  source: &quot;&lt;b&gt;moons&lt;/b&gt;&quot;\nnote: &#39;a &amp; b &lt; c&#39;\n</pre>"));
    }

    @Test
    void nothingExternal() {
        for (String banned : List.of("http:", "https:", "src=\"/", "src='", "href=", "<link", "url(", "@import",
                "<iframe", "<object", "<embed", "file:")) {
            assertFalse(html.contains(banned), "external reference '" + banned + "' in the report");
        }
        assertEquals(count(html, "<img "), count(html, "<img src=\"data:image/png;base64,"),
                "every image is an embedded PNG");
        assertTrue(html.contains("content=\"default-src 'none'; img-src data:;"), "a CSP forbids loading");
    }

    @Test
    void oneTableRowPerRunAndAFloorRow() {
        MetricsReport m = SyntheticReport.metrics();
        assertEquals(m.runs().size(), count(html, "<tr class=\"run\">"));
        assertEquals(1, count(html, "<tr class=\"floor\">"));
        assertTrue(html.contains("<th scope=\"row\" colspan=\"4\">floor (data vs data)</th>"
                + "<td class=\"num\">0.05000 \u00b1 0.004000</td>"), "floor W2 mean ± std");
        assertTrue(html.contains("<td>dopri5</td><td>adaptive</td><td class=\"num\">38.4</td>"));
        // W2 of teacher at NFE 1 is 1.25 = 25x the floor.
        assertTrue(html.contains("<td class=\"num\">25.00</td>"));
    }

    @Test
    void everyImageIsAPngOfItsStatedSize() throws IOException {
        Matcher mt = IMG.matcher(html);
        List<int[]> sizes = new ArrayList<>();
        Set<String> distinct = new HashSet<>();
        while (mt.find()) {
            byte[] png = Base64.getDecoder().decode(mt.group(1));
            BufferedImage img = ImageIO.read(new ByteArrayInputStream(png));
            assertNotNull(img, "image " + sizes.size() + " decodes");
            int w = Integer.parseInt(mt.group(2));
            int h = Integer.parseInt(mt.group(3));
            assertEquals(w, img.getWidth());
            assertEquals(h, img.getHeight());
            assertTrue(colors(img) > 8, "image " + sizes.size() + " is not blank");
            sizes.add(new int[] {w, h});
            distinct.add(mt.group(1));
        }
        assertEquals(SyntheticReport.imageCount(), sizes.size());
        assertEquals(sizes.size(), count(html, "<img "));
        assertEquals(sizes.size(), distinct.size(), "no two charts are identical");
        int curves = 0;
        int scatters = 0;
        int paths = 0;
        for (int[] s : sizes) {
            curves += s[0] == MetricCurveChart.WIDTH && s[1] == MetricCurveChart.HEIGHT ? 1 : 0;
            scatters += s[0] == SampleScatterChart.SIZE && s[1] == SampleScatterChart.SIZE ? 1 : 0;
            paths += s[0] == TrajectoryChart.SIZE && s[1] == TrajectoryChart.SIZE ? 1 : 0;
        }
        assertEquals(3, curves);
        assertEquals(2 * SyntheticReport.SAMPLE_NFES.length, scatters);
        assertEquals(2, paths);
    }

    @Test
    void sampleGridHasARowPerModelAndAColumnPerNfe() {
        String grid = html.substring(html.indexOf("<table class=\"samples\">"), html.indexOf("<section id=\"trajectories\">"));
        assertEquals(SyntheticReport.SAMPLE_NFES.length, count(grid, "<th>NFE "));
        assertEquals(2, count(grid, "<tr><th scope=\"row\">"));
        assertTrue(grid.indexOf(">teacher<") < grid.indexOf(">2-ReFlow &lt;fast&gt;"), "models in order");
    }

    @Test
    void trajectoryStraightnessShowsWhichPathsAreStraight() {
        assertEquals(1.0, new ModelTrajectories("m", 2, SyntheticReport.paths(0.0, 5)).straightness(), 1e-6);
        double curved = new ModelTrajectories("m", 8, SyntheticReport.paths(0.9, 9)).straightness();
        assertTrue(curved < 0.95, "bent paths score below 1: " + curved);
        // A half circle of radius 1 sampled finely: chord 2, length pi.
        int k = 2001;
        List<PointSet> arc = new ArrayList<>();
        for (int s = 0; s < k; s++) {
            double a = Math.PI * s / (k - 1);
            arc.add(new PointSet(1, 2, new float[] {(float) Math.cos(a), (float) Math.sin(a)}));
        }
        assertEquals(2 / Math.PI, new ModelTrajectories("arc", 1, arc).straightness(), 1e-4);
    }

    @Test
    void writeIsAtomicAndGivesTheRenderedPage(@TempDir Path dir) throws IOException {
        ReportData minimal = ReportData.builder().setTitle("only a title").build();
        Path file = dir.resolve("run/" + HtmlReport.FILE_NAME);
        HtmlReport.write(file, minimal);
        String text = Files.readString(file, StandardCharsets.UTF_8);
        assertTrue(text.contains("<h1>only a title</h1>"));
        assertFalse(text.contains("<img"), "no data, no charts");
        assertFalse(text.contains("<section"), "empty sections are left out");
        try (var files = Files.list(file.getParent())) {
            assertEquals(1, files.count(), "no temporary file left behind");
        }
    }

    @Test
    void badInputsAreRejectedWithClearMessages() {
        ReportData.Builder b = ReportData.builder();
        assertThrows(IllegalStateException.class, b::build);
        PointSet pts = new PointSet(2, 2, new float[] {0, 0, 1, 1});
        b.addSamples("m", 4, pts);
        IllegalArgumentException dup = assertThrows(IllegalArgumentException.class, () -> b.addSamples("m", 4, pts));
        assertTrue(dup.getMessage().contains("'m' already has samples at NFE 4"), dup.getMessage());
        IllegalArgumentException flat = assertThrows(IllegalArgumentException.class,
                () -> b.addSamples("m", 2, new PointSet(3, 1, new float[3])));
        assertTrue(flat.getMessage().contains("[3, 1]"), flat.getMessage());
        IllegalArgumentException shapes = assertThrows(IllegalArgumentException.class,
                () -> b.addTrajectories("m", 2, List.of(pts, new PointSet(1, 2, new float[2]))));
        assertTrue(shapes.getMessage().contains("state 1 has shape [1, 2]"), shapes.getMessage());
        assertThrows(IllegalArgumentException.class, () -> b.addTrajectories("m", 2, List.of(pts)));
        assertThrows(IllegalArgumentException.class, () -> b.addSamples(" ", 2, pts));
        assertThrows(IllegalArgumentException.class, () -> b.setTitle(""));
    }

    static int count(String text, String needle) {
        int n = 0;
        for (int i = text.indexOf(needle); i >= 0; i = text.indexOf(needle, i + needle.length())) {
            n++;
        }
        return n;
    }

    static int colors(BufferedImage img) {
        Set<Integer> c = new HashSet<>();
        for (int y = 0; y < img.getHeight(); y += 2) {
            for (int x = 0; x < img.getWidth(); x += 2) {
                c.add(img.getRGB(x, y));
            }
        }
        return c.size();
    }
}
