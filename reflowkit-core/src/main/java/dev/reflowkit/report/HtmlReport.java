package dev.reflowkit.report;

import dev.reflowkit.data.PointSet;
import dev.reflowkit.eval.MetricsReport;
import dev.reflowkit.io.AtomicFiles;
import java.io.IOException;
import java.nio.file.Path;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import org.jfree.data.Range;

/**
 * Writes {@code report.html}: one self-contained page with a header (title, data set, date, run
 * facts), the metrics tables with their floors, one metric-vs-NFE chart per metric, a grid of
 * sample scatter plots (rows: models, columns: NFE), solver trajectory charts and the resolved
 * configuration. Charts are PNGs embedded as {@code data:} URIs; the page has no scripts and no
 * external resources, and its content security policy forbids loading any, so it renders the
 * same offline. All text is HTML-escaped. Sections without data are left out.
 *
 * <pre>{@code
 * HtmlReport.write(runDir.resolve("report.html"), reportData);
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
        AtomicFiles.writeString(file, render(data));
    }

    /**
     * Renders the report.
     *
     * @param data the report data
     * @return the complete HTML page
     */
    public static String render(ReportData data) {
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
