package dev.reflowkit.report;

import dev.reflowkit.data.PointSet;
import java.awt.Color;
import org.jfree.chart.JFreeChart;
import org.jfree.chart.plot.DatasetRenderingOrder;
import org.jfree.chart.plot.XYPlot;
import org.jfree.chart.renderer.xy.XYDotRenderer;
import org.jfree.chart.ui.RectangleInsets;
import org.jfree.data.Range;
import org.jfree.data.xy.DefaultXYDataset;

/**
 * A small scatter plot of one model's samples at one NFE (first two coordinates) in the model's
 * colour, over the real data in light grey. Every scatter of a report shares one view, so the
 * grid of them compares like with like; the page labels rows and columns.
 */
final class SampleScatterChart {

    /** Image width and height in pixels. */
    static final int SIZE = 220;

    /** At most this many points of each set are drawn (the first ones). */
    static final int MAX_POINTS = 5000;

    private SampleScatterChart() {}

    /**
     * Draws the chart.
     *
     * @param samples the samples
     * @param reference the real data, or null
     * @param view the shared {@code [x range, y range]}
     * @param color the model's colour
     * @return the image
     */
    static ChartImage render(ModelSamples samples, PointSet reference, Range[] view, Color color) {
        XYPlot plot = new XYPlot();
        plot.setDomainAxis(Charts.fixedAxis(null, view[0], false));
        plot.setRangeAxis(Charts.fixedAxis(null, view[1], false));
        plot.setDatasetRenderingOrder(DatasetRenderingOrder.FORWARD);
        plot.setDomainGridlinesVisible(false);
        plot.setRangeGridlinesVisible(false);
        plot.setAxisOffset(RectangleInsets.ZERO_INSETS);
        if (reference != null) {
            plot.setDataset(0, points("data", reference));
            plot.setRenderer(0, dots(Palette.REFERENCE));
        }
        plot.setDataset(1, points(samples.model(), samples.points()));
        plot.setRenderer(1, dots(Palette.withAlpha(color, 140)));
        JFreeChart chart = Charts.chart(null, plot, false);
        chart.setPadding(new RectangleInsets(2, 2, 2, 2));
        return ChartImage.render(chart, SIZE, SIZE, "samples of " + samples.model() + " at NFE " + samples.nfe()
                + (reference != null ? " over the real data in grey" : ""));
    }

    /**
     * The first two coordinates of up to {@link #MAX_POINTS} points as a one-series dataset.
     *
     * @param key the series key
     * @param p the points
     * @return the dataset
     */
    static DefaultXYDataset points(String key, PointSet p) {
        int n = Math.min(p.n(), MAX_POINTS);
        double[][] xy = new double[2][n];
        for (int i = 0; i < n; i++) {
            xy[0][i] = p.get(i, 0);
            xy[1][i] = p.get(i, 1);
        }
        DefaultXYDataset data = new DefaultXYDataset();
        data.addSeries(key, xy);
        return data;
    }

    /**
     * A renderer of small square dots in one colour.
     *
     * @param color the colour
     * @return the renderer
     */
    static XYDotRenderer dots(Color color) {
        XYDotRenderer r = new XYDotRenderer();
        r.setDotWidth(2);
        r.setDotHeight(2);
        r.setSeriesPaint(0, color);
        return r;
    }
}
