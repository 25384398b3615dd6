package dev.reflowkit.report;

import dev.reflowkit.eval.EvalRun;
import dev.reflowkit.eval.MetricsReport;
import dev.reflowkit.metrics.MetricSummary;
import dev.reflowkit.metrics.MetricSummaries;
import java.util.List;
import java.util.Locale;

/**
 * The numbers of a {@link MetricsReport} as an HTML table: the data-vs-data floor first and
 * highlighted, then one row per run with model, solver, grid, NFE, each metric's mean ± std, the
 * primary metric (W2, or FD for images) as a multiple of its floor, and the sampling time.
 */
final class MetricsTable {

    private MetricsTable() {}

    /**
     * The table.
     *
     * @param report the report
     * @return the HTML
     */
    static String render(MetricsReport report) {
        StringBuilder sb = new StringBuilder();
        sb.append("<table class=\"metrics\">\n<caption>").append(Html.escape(String.format(Locale.ROOT,
                "%s: %d points per sample, %d repeat%s, mean \u00b1 std over repeats",
                report.data(), report.count(), report.repeats(), report.repeats() == 1 ? "" : "s")))
                .append("</caption>\n<thead><tr><th>model</th><th>solver</th><th>grid</th><th>NFE</th>");
        List<ReportMetric> metrics = ReportMetric.of(List.of(report));
        ReportMetric primary = metrics.get(0);
        for (ReportMetric m : metrics) {
            sb.append("<th title=\"").append(Html.escape(m.description())).append("\">")
                    .append(Html.escape(m.label())).append("</th>");
        }
        sb.append("<th>").append(Html.escape(primary.label())).append(" / floor</th><th>seconds</th></tr></thead>\n<tbody>\n");
        sb.append("<tr class=\"floor\"><th scope=\"row\" colspan=\"4\">floor (data vs data)</th>");
        appendMetrics(sb, metrics, report.floor());
        sb.append("<td>1</td><td></td></tr>\n");
        double floorW2 = primary.of(report.floor()).mean();
        for (EvalRun r : report.runs()) {
            sb.append("<tr class=\"run\"><td>").append(Html.escape(r.model())).append("</td><td>")
                    .append(Html.escape(r.solver())).append("</td><td>").append(Html.escape(r.grid()))
                    .append("</td><td class=\"num\">").append(Html.nfe(r.nfe())).append("</td>");
            appendMetrics(sb, metrics, r.metrics());
            double ratio = primary.of(r.metrics()).mean() / floorW2;
            sb.append("<td class=\"num\">").append(floorW2 > 0 ? String.format(Locale.ROOT, "%.2f", ratio) : "")
                    .append("</td><td class=\"num\">").append(String.format(Locale.ROOT, "%.2f", r.seconds()))
                    .append("</td></tr>\n");
        }
        sb.append("</tbody>\n</table>\n");
        return sb.toString();
    }

    private static void appendMetrics(StringBuilder sb, List<ReportMetric> metrics, MetricSummaries s) {
        for (ReportMetric m : metrics) {
            MetricSummary v = m.of(s);
            if (v == null) {
                sb.append("<td></td>");
                continue;
            }
            sb.append("<td class=\"num\">").append(Html.number(v.mean())).append(" \u00b1 ")
                    .append(Html.number(v.std())).append("</td>");
        }
    }
}
