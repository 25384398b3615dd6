package dev.reflowkit.report;

import dev.reflowkit.data.PointSet;
import dev.reflowkit.eval.MetricsReport;
import dev.reflowkit.io.AtomicFiles;
import java.io.IOException;
import java.nio.file.Path;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import org.jfree.data.Range;

/**
 * Writes {@code report.html}: one self-contained page with a header (title, data set, date, run
 * facts), the metrics tables with their floors, one metric-vs-NFE chart per metric, a grid of
 * sample scatter plots (rows: models, columns: NFE), for image models a section per model with its
 * image grids labelled by NFE and its trajectory strips ({@link ReportImages}), solver trajectory
 * charts and the resolved configuration. Charts and pictures are PNGs embedded as {@code data:}
 * URIs; the page has no scripts and no external resources, and its content security policy
 * forbids loading any, so it renders the same offline. All text is HTML-escaped. Sections without
 * data are left out.
 *
 * <pre>{@code
 * HtmlReport.write(runDir.resolve("report.html"), reportData);
 * // also runDir/report-images/<model>-nfe<k>.png for image models:
 * HtmlReport.write(runDir.resolve("report.html"), reportData, true);
 * }</pre>
 */
public final class HtmlReport {

    /** The conventional file name. */
    public static final String FILE_NAME = "report.html";

    /** Only inline styles and {@code data:} images may load; nothing else, no scripts. */
    static final String CONTENT_SECURITY_POLICY = "default-src 'none'; img-src data:; style-src 'unsafe-inline'";

    private static final DateTimeFormatter DATE = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss 'UTC'")
            .withZone(ZoneOffset.UTC);

    private static final String STYLE = """
            body { font-family: sans-serif; margin: 0; color: #222; background: #fff; }
            main { max-width: 1220px; margin: 0 auto; padding: 16px 24px 48px; }
            h1 { margin-bottom: 4px; }
            h2 { border-bottom: 1px solid #ccc; padding-bottom: 4px; margin-top: 36px; }
            .subtitle { color: #555; margin-top: 0; }
            table { border-collapse: collapse; margin: 8px 0 16px; }
            th, td { border: 1px solid #ddd; padding: 3px 8px; text-align: left; font-size: 14px; }
            td.num { text-align: right; font-variant-numeric: tabular-nums; white-space: nowrap; }
            caption { text-align: left; color: #555; padding: 4px 0; font-size: 14px; }
            tr.floor { background: #fff4cc; font-weight: bold; }
            table.facts th { background: #f4f4f4; }
            table.samples td, table.samples th { text-align: center; padding: 2px; }
            .charts { display: flex; flex-wrap: wrap; gap: 12px; }
            figure { margin: 0; }
            figcaption { font-size: 13px; color: #555; max-width: 560px; }
            img { display: block; }
            #images img { image-rendering: pixelated; }
            #images .charts { margin-bottom: 12px; }
            pre { background: #f6f6f6; border: 1px solid #ddd; padding: 12px; overflow-x: auto; font-size: 13px; }
            .note { color: #555; font-size: 14px; }
            """;

    private HtmlReport() {}

    /**
     * Renders the report and writes it atomically.
     *
     * @param file the target, e.g. {@code DIR/report.html}
     * @param data the report data
     * @throws IOException if writing fails
     */
    public static void write(Path file, ReportData data) throws IOException {
        write(file, data, false);
    }

    /**
     * Renders the report and writes it atomically, optionally with the pictures of image models
     * as PNG files in {@link ReportImages#DIR_NAME} next to it ({@link ReportImages#write}); the
     * page names those files in its captions. Without image models no folder is made.
     *
     * @param file the target, e.g. {@code DIR/report.html}
     * @param data the report data
     * @param imageFiles whether to write the image grids and strips as files too
     * @throws IOException if writing fails
     */
    public static void write(Path file, ReportData data, boolean imageFiles) throws IOException {
        String html = render(data, imageFiles);
        if (imageFiles && (!data.images().isEmpty() || !data.imageTrajectories().isEmpty())) {
            ReportImages.write(file.toAbsolutePath().resolveSibling(ReportImages.DIR_NAME), data);
        }
        AtomicFiles.writeString(file, html);
    }

    /**
     * Renders the report.
     *
     * @param data the report data
     * @return the complete HTML page
     */
    public static String render(ReportData data) {
        return render(data, false);
    }

    /**
     * Renders the report.
     *
     * @param data the report data
     * @param imageFiles whether captions name the PNG files of {@link ReportImages#write}
     * @return the complete HTML page
     */
    static String render(ReportData data, boolean imageFiles) {
        Charts.headless();
        StringBuilder sb = new StringBuilder(1 << 20);
        sb.append("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n")
                .append("<meta http-equiv=\"Content-Security-Policy\" content=\"")
                .append(CONTENT_SECURITY_POLICY).append("\">\n")
                .append("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n")
                .append("<title>").append(Html.escape(data.title())).append("</title>\n")
                .append("<style>\n").append(STYLE).append("</style>\n</head>\n<body>\n<main>\n");
        header(sb, data);
        List<String> models = data.models();
        metrics(sb, data, models);
        samples(sb, data, models);
        images(sb, data, models, imageFiles);
        trajectories(sb, data, models);
        if (data.configYaml() != null) {
            sb.append("<section id=\"config\">\n<h2>Configuration</h2>\n<pre>")
                    .append(Html.escape(data.configYaml())).append("</pre>\n</section>\n");
        }
        sb.append("</main>\n</body>\n</html>\n");
        return sb.toString();
    }

    private static void header(StringBuilder sb, ReportData data) {
        sb.append("<header>\n<h1>").append(Html.escape(data.title())).append("</h1>\n<p class=\"subtitle\">");
        if (data.dataName() != null) {
            sb.append("Data: <strong>").append(Html.escape(data.dataName())).append("</strong> \u00b7 ");
        }
        sb.append("Made ").append(DATE.format(data.date())).append("</p>\n");
        if (!data.facts().isEmpty()) {
            sb.append("<table class=\"facts\">\n");
            for (Map.Entry<String, String> e : data.facts().entrySet()) {
                sb.append("<tr><th scope=\"row\">").append(Html.escape(e.getKey())).append("</th><td>")
                        .append(Html.escape(e.getValue())).append("</td></tr>\n");
            }
            sb.append("</table>\n");
        }
        sb.append("</header>\n");
    }

    private static void metrics(StringBuilder sb, ReportData data, List<String> models) {
        if (data.metrics().isEmpty()) {
            return;
        }
        sb.append("<section id=\"metrics\">\n<h2>Metrics</h2>\n<p class=\"note\">Each model's samples "
                + "against held-out data. The floor compares two independent held-out samples of the same "
                + "size: no model can be expected to score below it.</p>\n");
        for (MetricsReport r : data.metrics()) {
            sb.append(MetricsTable.render(r));
        }
        boolean anyRuns = data.metrics().stream().anyMatch(r -> !r.runs().isEmpty());
        if (anyRuns) {
            sb.append("<h3>Metrics against NFE</h3>\n<div class=\"charts\">\n");
            for (ReportMetric m : ReportMetric.of(data.metrics())) {
                ChartImage img = MetricCurveChart.render(m, data.metrics(), models);
                sb.append("<figure>").append(img.toHtml()).append("<figcaption>")
                        .append(Html.escape(m.label() + ": " + m.description() + ", mean \u00b1 std; "
                                + "diamonds: adaptive reference solver at its measured NFE; dashed line: floor."))
                        .append("</figcaption></figure>\n");
            }
            sb.append("</div>\n");
        }
        sb.append("</section>\n");
    }

    private static void samples(StringBuilder sb, ReportData data, List<String> models) {
        if (data.samples().isEmpty()) {
            return;
        }
        List<PointSet> all = new ArrayList<>();
        if (data.reference() != null) {
            all.add(data.reference());
        } else {
            data.samples().forEach(s -> all.add(s.points()));
        }
        Range[] view = Charts.squareView(all);
        TreeSet<Integer> nfes = new TreeSet<>();
        data.samples().forEach(s -> nfes.add(s.nfe()));
        sb.append("<section id=\"samples\">\n<h2>Samples</h2>\n<p class=\"note\">Generated samples per model "
                + "(rows) and NFE (columns)").append(data.reference() != null ? ", the real data in grey behind" : "")
                .append("; all plots share one view.</p>\n<table class=\"samples\">\n<thead><tr><th>model</th>");
        for (int nfe : nfes) {
            sb.append("<th>NFE ").append(nfe).append("</th>");
        }
        sb.append("</tr></thead>\n<tbody>\n");
        for (String model : models) {
            if (data.samples().stream().noneMatch(s -> s.model().equals(model))) {
                continue;
            }
            sb.append("<tr><th scope=\"row\">").append(Html.escape(model)).append("</th>");
            for (int nfe : nfes) {
                sb.append("<td>");
                for (ModelSamples s : data.samples()) {
                    if (s.model().equals(model) && s.nfe() == nfe) {
                        sb.append(SampleScatterChart.render(s, data.reference(), view, Palette.model(models, model))
                                .toHtml());
                    }
                }
                sb.append("</td>");
            }
            sb.append("</tr>\n");
        }
        sb.append("</tbody>\n</table>\n</section>\n");
    }

    private static void images(StringBuilder sb, ReportData data, List<String> models, boolean imageFiles) {
        if (data.images().isEmpty() && data.imageTrajectories().isEmpty()) {
            return;
        }
        sb.append("<section id=\"images\">\n<h2>Images</h2>\n<p class=\"note\">Generated images per model and "
                + "NFE, the first samples of each run; every model starts image i from the same noise. Pixel values "
                + "are clamped to [-1, 1] and shown from black (-1) to white (1); red pixels are NaN or infinite. "
                + "Trajectory strips show the solver state x(t) of a few samples, one row per sample, from the noise "
                + "at t = 1 (left) to the image at t = 0 (right).");
        if (imageFiles) {
            sb.append(" The pictures are also PNG files in <code>").append(ReportImages.DIR_NAME)
                    .append("/</code> next to this page.");
        }
        sb.append("</p>\n");
        for (String model : models) {
            List<ModelImages> grids = new ArrayList<>();
            data.images().stream().filter(m -> m.model().equals(model)).forEach(grids::add);
            grids.sort(Comparator.comparingInt(ModelImages::nfe));
            List<ModelImageTrajectories> strips = new ArrayList<>();
            data.imageTrajectories().stream().filter(t -> t.model().equals(model)).forEach(strips::add);
            strips.sort(Comparator.comparingInt(ModelImageTrajectories::nfe));
            if (grids.isEmpty() && strips.isEmpty()) {
                continue;
            }
            sb.append("<h3>").append(Html.escape(model)).append("</h3>\n");
            if (!grids.isEmpty()) {
                sb.append("<div class=\"charts\">\n");
                for (ModelImages g : grids) {
                    String caption = g.nfe() == 0 ? "real data" : "NFE " + g.nfe();
                    int bad = g.nonFinite();
                    if (bad > 0) {
                        caption += " \u00b7 " + bad + " non-finite value" + (bad == 1 ? "" : "s") + " (red)";
                    }
                    figure(sb, ReportImages.grid(g), caption,
                            imageFiles ? ReportImages.gridFileName(g.model(), g.nfe()) : null);
                }
                sb.append("</div>\n");
            }
            for (ModelImageTrajectories t : strips) {
                int states = t.states().size();
                int shown = ReportImages.strip(t.shape().toArray()).stepColumns(states).length;
                String caption = "Solver states at NFE " + t.nfe() + ": " + (shown == states ? "all " + states
                        : shown + " of " + states + ", evenly spaced") + ", t = 1 (left) to t = 0 (right); "
                        + "straightness " + Html.number(t.paths().straightness());
                figure(sb, ReportImages.strip(t), caption,
                        imageFiles ? ReportImages.stripFileName(t.model(), t.nfe()) : null);
            }
        }
        sb.append("</section>\n");
    }

    private static void figure(StringBuilder sb, ChartImage img, String caption, String fileName) {
        sb.append("<figure>").append(img.toHtml())
                .append("<figcaption>").append(Html.escape(caption));
        if (fileName != null) {
            sb.append(" \u00b7 <code>").append(Html.escape(ReportImages.DIR_NAME + "/" + fileName)).append("</code>");
        }
        sb.append("</figcaption></figure>\n");
    }

    private static void trajectories(StringBuilder sb, ReportData data, List<String> models) {
        if (data.trajectories().isEmpty()) {
            return;
        }
        List<PointSet> all = new ArrayList<>();
        all.add(data.reference());
        data.trajectories().forEach(t -> all.addAll(t.states()));
        Range[] view = Charts.squareView(all);
        sb.append("<section id=\"trajectories\">\n<h2>Trajectories</h2>\n<p class=\"note\">Solver paths x(t) "
                + "from the same noise seeds, t = 1 (grey dots) to t = 0 (coloured dots). Straightness is the "
                + "mean ratio of chord to path length (1 = straight); ReFlow should straighten the teacher's "
                + "paths.</p>\n<div class=\"charts\">\n");
        for (ModelTrajectories t : data.trajectories()) {
            sb.append("<figure>")
                    .append(TrajectoryChart.render(t, data.reference(), view, Palette.model(models, t.model()))
                            .toHtml())
                    .append("</figure>\n");
        }
        sb.append("</div>\n</section>\n");
    }
}
