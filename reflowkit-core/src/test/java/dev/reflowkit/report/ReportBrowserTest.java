package dev.reflowkit.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.awt.Color;
import java.awt.image.BufferedImage;
import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * End-to-end: the report rendered by headless Chromium loads every image, logs nothing to the
 * console and paints the charts. Skipped when no Chromium is installed (Debian: {@code apt-get
 * install chromium}); {@code -Dreflowkit.chromium=PATH} or {@code CHROMIUM=PATH} picks a binary,
 * {@code -Dreflowkit.report.artifacts=DIR} keeps the page and the screenshot.
 */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class ReportBrowserTest {

    private static final int WINDOW_WIDTH = 1200;
    private static final int WINDOW_HEIGHT = 3000;
    private static final long BROWSER_SECONDS = 20;

    /**
     * Records, once the page has loaded, how many images decoded and which load errors happened,
     * in an element the dumped DOM shows. Injected into a copy of the page for the test only.
     */
    private static final String CHECK_SCRIPT = "<script>\n"
            + "var reportErrors = [];\n"
            + "window.addEventListener('error', function (e) {\n"
            + "  reportErrors.push(e.message || (e.target && e.target.tagName) || 'error'); }, true);\n"
            + "window.addEventListener('load', function () {\n"
            + "  var ok = 0, imgs = document.images;\n"
            + "  for (var i = 0; i < imgs.length; i++) {\n"
            + "    if (imgs[i].complete && imgs[i].naturalWidth > 0 && imgs[i].naturalWidth == imgs[i].width) ok++; }\n"
            + "  var d = document.createElement('div'); d.id = 'report-check';\n"
            + "  d.setAttribute('data-ok', ok); d.setAttribute('data-total', imgs.length);\n"
            + "  d.setAttribute('data-errors', reportErrors.join('|'));\n"
            + "  document.body.appendChild(d); });\n"
            + "</script>\n";

    private static final Pattern CHECK = Pattern.compile(
            "<div id=\"report-check\" data-ok=\"(\\d+)\" data-total=\"(\\d+)\" data-errors=\"([^\"]*)\"></div>");

    private static final Path CHROMIUM = locateChromium();

    private static String html;

    @BeforeEach
    void requireChromium() {
        // Per test (not @BeforeAll) so that each test is reported as skipped, with this message.
        assumeTrue(CHROMIUM != null, "no Chromium found (tried -Dreflowkit.chromium, $CHROMIUM and chromium, "
                + "chromium-browser, google-chrome on PATH): skipping the browser test; install the Debian "
                + "package 'chromium' to run it");
    }

    @Test
    void everyImageLoadsInTheBrowser(@TempDir Path dir) throws Exception {
        Path page = dir.resolve("check.html");
        Files.writeString(page, instrument(reportHtml()), StandardCharsets.UTF_8);
        String dom = run(dir, "--dump-dom", page.toUri().toString()).stdout();
        assertTrue(dom.contains("<h1>Report &lt;script&gt;"), "the page rendered its title");
        Matcher m = CHECK.matcher(dom);
        assertTrue(m.find(), "the load check ran; DOM tail: " + tail(dom));
        int total = Integer.parseInt(m.group(2));
        assertEquals(SyntheticReport.imageCount(), total, "images in the DOM");
        assertEquals(total, Integer.parseInt(m.group(1)), "images that decoded at their size");
        assertEquals("", m.group(3), "load errors");
    }

    @Test
    void everyPictureOfAnImageReportLoads(@TempDir Path dir) throws Exception {
        Path page = dir.resolve("images.html");
        Files.writeString(page, instrument(HtmlReport.render(SyntheticImages.build())), StandardCharsets.UTF_8);
        Matcher m = CHECK.matcher(run(dir, "--dump-dom", page.toUri().toString()).stdout());
        assertTrue(m.find(), "the load check ran");
        assertEquals("4", m.group(2), "three image grids and a trajectory strip");
        assertEquals("4", m.group(1), "pictures that decoded at their size");
        assertEquals("", m.group(3), "load errors");
    }

    @Test
    void theCheckCatchesABrokenImage(@TempDir Path dir) throws Exception {
        String html = "<!DOCTYPE html><html><head></head><body><img src=\"data:image/png;base64,"
                + "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==\">"
                + "<img src=\"data:image/png;base64,AAAA\"></body></html>";
        Path page = dir.resolve("broken.html");
        Files.writeString(page, instrument(html), StandardCharsets.UTF_8);
        Matcher m = CHECK.matcher(run(dir, "--dump-dom", page.toUri().toString()).stdout());
        assertTrue(m.find());
        assertEquals("1", m.group(1), "one of two images decodes");
        assertEquals("2", m.group(2));
        assertTrue(m.group(3).contains("IMG"), "the broken image's error is recorded: " + m.group(3));
    }

    @Test
    void theReportPaintsItsChartsWithoutConsoleMessages(@TempDir Path dir) throws Exception {
        Path report = dir.resolve(HtmlReport.FILE_NAME);
        Files.writeString(report, reportHtml(), StandardCharsets.UTF_8);
        Path shot = dir.resolve("shot.png");
        Result r = run(dir, "--enable-logging=stderr", "--v=0", "--screenshot=" + shot,
                "--window-size=" + WINDOW_WIDTH + "," + WINDOW_HEIGHT, report.toUri().toString());
        keep(report, shot);
        // The report has no scripts: any console line is a blocked load, a CSP violation or worse.
        assertEquals(List.of(), console(r), "console messages");
        BufferedImage img = ImageIO.read(shot.toFile());
        assertNotNull(img, "the screenshot is a PNG");
        assertEquals(WINDOW_WIDTH, img.getWidth());
        assertEquals(WINDOW_HEIGHT, img.getHeight());
        Set<Integer> colors = new HashSet<>();
        int nonWhite = 0;
        int teacher = 0;
        int reflow = 0;
        for (int y = 0; y < img.getHeight(); y++) {
            for (int x = 0; x < img.getWidth(); x++) {
                int rgb = img.getRGB(x, y) & 0xffffff;
                colors.add(rgb);
                nonWhite += rgb == 0xffffff ? 0 : 1;
                teacher += near(rgb, Palette.model(0)) ? 1 : 0;
                reflow += near(rgb, Palette.model(1)) ? 1 : 0;
            }
        }
        assertTrue(colors.size() > 500, "a painted page has many colours, got " + colors.size());
        assertTrue(nonWhite > img.getWidth() * img.getHeight() / 20, "non-white pixels: " + nonWhite);
        assertTrue(teacher > 2000, "teacher-coloured pixels in the charts: " + teacher);
        assertTrue(reflow > 2000, "ReFlow-coloured pixels in the charts: " + reflow);
    }

    @Test
    void theConsoleCheckCatchesABlockedLoad(@TempDir Path dir) throws Exception {
        String html = "<!DOCTYPE html><html><head><meta http-equiv=\"Content-Security-Policy\" content=\""
                + HtmlReport.CONTENT_SECURITY_POLICY + "\"></head><body><p>x</p>"
                + "<img src=\"https://reflowkit.invalid/x.png\" width=\"10\" height=\"10\"></body></html>";
        Path page = dir.resolve("external.html");
        Files.writeString(page, html, StandardCharsets.UTF_8);
        List<String> console = console(run(dir, "--enable-logging=stderr", "--v=0", "--screenshot=" + dir.resolve("x.png"),
                "--window-size=200,200", page.toUri().toString()));
        assertTrue(console.stream().anyMatch(l -> l.contains("Content Security Policy")),
                "the policy blocks the external image and says so: " + console);
    }

    /** The synthetic report, rendered once for all tests. */
    private static synchronized String reportHtml() {
        if (html == null) {
            html = HtmlReport.render(SyntheticReport.build());
        }
        return html;
    }

    /** Console messages in Chromium's log ({@code --enable-logging=stderr}). */
    private static List<String> console(Result r) {
        List<String> lines = new ArrayList<>();
        for (String line : r.stderr().split("\n")) {
            if (line.contains(":CONSOLE")) {
                lines.add(line);
            }
        }
        return lines;
    }

    /** The page without its content security policy (which forbids scripts), with the load check. */
    private static String instrument(String html) {
        String page = html.replaceFirst("<meta http-equiv=\"Content-Security-Policy\"[^>]*>\n?", "");
        return page.replaceFirst("<head>", "<head>\n" + Matcher.quoteReplacement(CHECK_SCRIPT));
    }

    private static boolean near(int rgb, Color c) {
        return Math.abs(((rgb >> 16) & 0xff) - c.getRed()) <= 12 && Math.abs(((rgb >> 8) & 0xff) - c.getGreen()) <= 12
                && Math.abs((rgb & 0xff) - c.getBlue()) <= 12;
    }

    private record Result(String stdout, String stderr) {}

    /** Runs Chromium headless, offline-minded, with a throw-away profile; fails on a non-zero exit. */
    private static Result run(Path dir, String... args) throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>(List.of(CHROMIUM.toString(), "--headless", "--no-sandbox", "--disable-gpu",
                "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update",
                "--disable-sync", "--disable-extensions", "--disable-dev-shm-usage", "--user-data-dir=" + dir.resolve("profile")));
        cmd.addAll(List.of(args));
        Path out = Files.createTempFile(dir, "chromium", ".out");
        Path err = Files.createTempFile(dir, "chromium", ".err");
        Process p = new ProcessBuilder(cmd).redirectOutput(out.toFile()).redirectError(err.toFile()).start();
        if (!p.waitFor(BROWSER_SECONDS, TimeUnit.SECONDS)) {
            p.descendants().forEach(ProcessHandle::destroyForcibly);
            p.destroyForcibly();
            throw new AssertionError("Chromium did not finish within " + BROWSER_SECONDS + " s: " + cmd);
        }
        String stderr = Files.readString(err, StandardCharsets.UTF_8);
        assertEquals(0, p.exitValue(), "Chromium exit status; stderr: " + tail(stderr));
        return new Result(Files.readString(out, StandardCharsets.UTF_8), stderr);
    }

    private static void keep(Path... files) throws IOException {
        String where = System.getProperty("reflowkit.report.artifacts");
        if (where == null || where.isBlank()) {
            return;
        }
        Path dir = Path.of(where);
        Files.createDirectories(dir);
        for (Path f : files) {
            Files.copy(f, dir.resolve(f.getFileName()), StandardCopyOption.REPLACE_EXISTING);
        }
    }

    private static Path locateChromium() {
        for (String configured : new String[] {System.getProperty("reflowkit.chromium"), System.getenv("CHROMIUM")}) {
            if (configured != null && !configured.isBlank()) {
                Path p = Path.of(configured);
                return Files.isExecutable(p) ? p : null;
            }
        }
        String path = System.getenv("PATH");
        if (path == null) {
            return null;
        }
        for (String name : List.of("chromium", "chromium-browser", "google-chrome", "google-chrome-stable")) {
            for (String d : path.split(File.pathSeparator)) {
                Path p = Path.of(d, name);
                if (Files.isExecutable(p) && !Files.isDirectory(p)) {
                    return p;
                }
            }
        }
        return null;
    }

    private static String tail(String s) {
        return s.length() <= 2000 ? s : s.substring(s.length() - 2000);
    }
}
