package dev.reflowkit.report;

import dev.reflowkit.eval.EvalRun;
import dev.reflowkit.eval.MetricsReport;
import dev.reflowkit.metrics.MetricSummary;
import java.awt.Color;
import java.awt.Font;
import java.awt.Shape;
import java.awt.geom.Ellipse2D;
import java.awt.geom.Path2D;
import java.math.BigDecimal;
import java.math.MathContext;
import java.text.DecimalFormat;
import java.text.FieldPosition;
import java.text.NumberFormat;
import java.text.ParsePosition;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.jfree.chart.JFreeChart;
import org.jfree.chart.axis.LogAxis;
import org.jfree.chart.axis.NumberAxis;
import org.jfree.chart.axis.NumberTickUnit;
import org.jfree.chart.axis.ValueAxis;
import org.jfree.chart.plot.DatasetRenderingOrder;
import org.jfree.chart.plot.ValueMarker;
import org.jfree.chart.plot.XYPlot;
import org.jfree.chart.renderer.xy.XYErrorRenderer;
import org.jfree.chart.title.LegendTitle;
import org.jfree.chart.ui.RectangleAnchor;
import org.jfree.chart.ui.RectangleEdge;
import org.jfree.chart.ui.TextAnchor;
import org.jfree.data.xy.YIntervalSeries;
import org.jfree.data.xy.YIntervalSeriesCollection;

/**
 * One metric against NFE: a line per (model, solver, grid) with mean ± std error bars on a log-2
 * NFE axis, adaptive reference runs as diamonds at their measured NFE, and each report's
 * data-vs-data floor as a dashed horizontal line. The metric axis is logarithmic when every value
 * is positive (the unbiased MMD can be slightly negative; then it is linear).
 */
final class MetricCurveChart {

    /** Image width in pixels. */
    static final int WIDTH = 560;

    /** Image height in pixels. */
    static final int HEIGHT = 420;

    /** The grid name of adaptive runs in a {@link MetricsReport}. */
    static final String ADAPTIVE = "adaptive";

    private MetricCurveChart() {}

    /**
     * Draws the chart.
     *
     * @param metric the metric
     * @param reports the metrics reports (at least one run among them)
     * @param models the report's models, for colours
     * @return the image
     */
    static ChartImage render(ReportMetric metric, List<MetricsReport> reports, List<String> models) {
        List<Double> floors = new ArrayList<>();
        boolean positive = true;
        for (MetricsReport report : reports) {
            MetricSummary f = metric.of(report.floor());
            if (f == null) {
                continue;
            }
            double floor = f.mean();
            if (!floors.contains(floor)) {
                floors.add(floor);
            }
            positive &= floor > 0;
            for (EvalRun r : report.runs()) {
                MetricSummary v = metric.of(r.metrics());
                positive &= v != null && v.mean() > 0;
            }
        }
        Map<String, YIntervalSeries> lines = new LinkedHashMap<>();
        Map<String, YIntervalSeries> markers = new LinkedHashMap<>();
        Map<String, String> modelOf = new LinkedHashMap<>();
        Map<String, Boolean> dashed = new LinkedHashMap<>();
        for (MetricsReport report : reports) {
            for (EvalRun r : report.runs()) {
                boolean adaptive = ADAPTIVE.equals(r.grid());
                String key = adaptive ? r.model() + " " + r.solver() + " (adaptive)"
                        : r.model() + " " + r.solver() + "/" + r.grid();
                Map<String, YIntervalSeries> target = adaptive ? markers : lines;
                if (!target.containsKey(key)) {
                    // A model's second (fourth, ...) solver/grid line is dashed.
                    long sameModel = target.keySet().stream().filter(k -> modelOf.get(k).equals(r.model())).count();
                    dashed.put(key, sameModel % 2 == 1);
                    modelOf.put(key, r.model());
                    target.put(key, new YIntervalSeries(key, true, true));
                }
                MetricSummary m = metric.of(r.metrics());
                if (m == null) {
                    continue;
                }
                double low = m.mean() - m.std();
                if (positive) {
                    // On a log axis a bar reaching zero would stretch the axis: cap its drawn end.
                    low = Math.max(low, m.mean() / 3);
                }
                target.get(key).add(r.nfe(), m.mean(), low, m.mean() + m.std());
            }
        }

        XYPlot plot = new XYPlot();
        plot.setDomainAxis(nfeAxis());
        plot.setRangeAxis(metricAxis(metric, positive));
        plot.setDatasetRenderingOrder(DatasetRenderingOrder.FORWARD);

        YIntervalSeriesCollection lineData = new YIntervalSeriesCollection();
        XYErrorRenderer lineRenderer = errorRenderer(true);
        int i = 0;
        for (Map.Entry<String, YIntervalSeries> e : lines.entrySet()) {
            lineData.addSeries(e.getValue());
            Color c = Palette.model(models, modelOf.get(e.getKey()));
            lineRenderer.setSeriesPaint(i, c);
            lineRenderer.setSeriesStroke(i, Charts.stroke(2f, dashed.get(e.getKey())));
            lineRenderer.setSeriesShape(i, new Ellipse2D.Double(-3, -3, 6, 6));
            i++;
        }
        YIntervalSeriesCollection markerData = new YIntervalSeriesCollection();
        XYErrorRenderer markerRenderer = errorRenderer(false);
        i = 0;
        for (Map.Entry<String, YIntervalSeries> e : markers.entrySet()) {
            markerData.addSeries(e.getValue());
            markerRenderer.setSeriesPaint(i, Palette.model(models, modelOf.get(e.getKey())));
            markerRenderer.setSeriesShape(i, diamond(6));
            i++;
        }
        plot.setDataset(0, lineData);
        plot.setRenderer(0, lineRenderer);
        plot.setDataset(1, markerData);
        plot.setRenderer(1, markerRenderer);

        for (int k = 0; k < floors.size(); k++) {
            ValueMarker floor = new ValueMarker(floors.get(k), Palette.FLOOR, Charts.stroke(1.5f, true));
            floor.setLabel(floors.size() == 1 ? "floor" : "floor " + (k + 1));
            floor.setLabelFont(Charts.SUBTITLE_FONT);
            floor.setLabelPaint(Palette.FLOOR);
            floor.setLabelAnchor(RectangleAnchor.TOP_LEFT);
            floor.setLabelTextAnchor(TextAnchor.BOTTOM_LEFT);
            plot.addRangeMarker(floor);
        }
        // Keep the floor in view even when every run is far above it.
        ValueAxis range = plot.getRangeAxis();
        range.setAutoRange(true);
        double lo = range.getLowerBound();
        double hi = range.getUpperBound();
        for (double f : floors) {
            lo = Math.min(lo, positive ? f / 1.5 : f - 0.05 * Math.abs(hi - f));
            hi = Math.max(hi, f);
        }
        range.setRange(lo, hi);
        if (range instanceof LogAxis log) {
            // Ticks at even steps of the exponent, about five to ten of them.
            double decades = Math.log10(hi / lo);
            log.setTickUnit(new NumberTickUnit(decades >= 5 ? 1 : decades >= 2.5 ? 0.5 : decades >= 1 ? 0.25 : 0.1));
        }

        JFreeChart chart = Charts.chart(metric.label() + " vs NFE", plot, true);
        LegendTitle legend = chart.getLegend();
        legend.setPosition(RectangleEdge.BOTTOM);
        legend.setItemFont(new Font(Font.SANS_SERIF, Font.PLAIN, 11));
        return ChartImage.render(chart, WIDTH, HEIGHT,
                metric.label() + " (" + metric.description() + ") against NFE per model, floor dashed");
    }

    private static XYErrorRenderer errorRenderer(boolean lines) {
        XYErrorRenderer r = new XYErrorRenderer();
        r.setDrawXError(false);
        r.setDefaultLinesVisible(lines);
        r.setDefaultShapesVisible(true);
        r.setCapLength(5);
        r.setErrorStroke(Charts.stroke(1f, false));
        return r;
    }

    private static ValueAxis nfeAxis() {
        LogAxis axis = new LogAxis("NFE (velocity evaluations per sample)");
        axis.setBase(2);
        axis.setTickUnit(new NumberTickUnit(1));
        axis.setNumberFormatOverride(new DecimalFormat("0"));
        axis.setSmallestValue(0.5);
        axis.setLowerMargin(0.04);
        axis.setUpperMargin(0.06);
        return axis;
    }

    private static ValueAxis metricAxis(ReportMetric metric, boolean log) {
        if (log) {
            LogAxis axis = new LogAxis(metric.label() + " (log scale)");
            axis.setBase(10);
            axis.setSmallestValue(1e-12);
            axis.setNumberFormatOverride(new TwoDigitFormat());
            return axis;
        }
        NumberAxis axis = new NumberAxis(metric.label());
        axis.setAutoRangeIncludesZero(false);
        return axis;
    }

    private static Shape diamond(double s) {
        Path2D.Double p = new Path2D.Double();
        p.moveTo(0, -s);
        p.lineTo(s, 0);
        p.lineTo(0, s);
        p.lineTo(-s, 0);
        p.closePath();
        return p;
    }

    /** Axis labels with two significant digits: {@code 0.063}, {@code 1.3}, {@code 6.3e-05}. */
    private static final class TwoDigitFormat extends NumberFormat {

        private static final long serialVersionUID = 1L;

        @Override
        public StringBuffer format(double v, StringBuffer to, FieldPosition pos) {
            double a = Math.abs(v);
            if (v == 0) {
                return to.append('0');
            }
            if (a >= 1e-3 && a < 1e5) {
                return to.append(new BigDecimal(v).round(new MathContext(2)).stripTrailingZeros().toPlainString());
            }
            return to.append(String.format(Locale.ROOT, "%.1e", v));
        }

        @Override
        public StringBuffer format(long v, StringBuffer to, FieldPosition pos) {
            return format((double) v, to, pos);
        }

        @Override
        public Number parse(String source, ParsePosition pos) {
            throw new UnsupportedOperationException("axis labels are not parsed");
        }
    }
}
