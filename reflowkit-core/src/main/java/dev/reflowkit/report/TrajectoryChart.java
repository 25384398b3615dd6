package dev.reflowkit.report;

import dev.reflowkit.data.PointSet;
import java.awt.Color;
import java.awt.geom.Ellipse2D;
import java.util.List;
import java.util.Locale;
import org.jfree.chart.JFreeChart;
import org.jfree.chart.plot.DatasetRenderingOrder;
import org.jfree.chart.plot.XYPlot;
import org.jfree.chart.renderer.xy.XYLineAndShapeRenderer;
import org.jfree.chart.title.TextTitle;
import org.jfree.data.Range;
import org.jfree.data.xy.DefaultXYDataset;

/**
 * Solver paths of one model at one NFE: each sample's states from the noise ({@code t = 1}, grey
 * dot) to the generated point ({@code t = 0}, coloured dot) as a polyline in the plane of the
 * first two coordinates, over the real data in light grey, with the paths' straightness
 * ({@link ModelTrajectories#straightness()}) in the subtitle. ReFlow models should draw visibly
 * straighter paths than their teacher.
 */
final class TrajectoryChart {

    /** Image width and height in pixels. */
    static final int SIZE = 380;

    private TrajectoryChart() {}

    /**
     * Draws the chart.
     *
     * @param t the trajectories
     * @param reference the real data, or null
     * @param view the shared {@code [x range, y range]}
     * @param color the model's colour
     * @return the image
     */
    static ChartImage render(ModelTrajectories t, PointSet reference, Range[] view, Color color) {
        XYPlot plot = new XYPlot();
        plot.setDomainAxis(Charts.fixedAxis(null, view[0], true));
        plot.setRangeAxis(Charts.fixedAxis(null, view[1], true));
        plot.setDatasetRenderingOrder(DatasetRenderingOrder.FORWARD);
        if (reference != null) {
            plot.setDataset(0, SampleScatterChart.points("data", reference));
            plot.setRenderer(0, SampleScatterChart.dots(Palette.REFERENCE));
        }
        List<PointSet> states = t.states();
        DefaultXYDataset paths = new DefaultXYDataset();
        for (int i = 0; i < t.paths(); i++) {
            double[][] xy = new double[2][states.size()];
            for (int k = 0; k < states.size(); k++) {
                xy[0][k] = states.get(k).get(i, 0);
                xy[1][k] = states.get(k).get(i, 1);
            }
            paths.addSeries("path " + i, xy);
        }
        XYLineAndShapeRenderer lines = new XYLineAndShapeRenderer(true, false);
        lines.setAutoPopulateSeriesPaint(false);
        lines.setAutoPopulateSeriesStroke(false);
        lines.setDefaultPaint(Palette.withAlpha(color, 150));
        lines.setDefaultStroke(Charts.stroke(1.2f, false));
        plot.setDataset(1, paths);
        plot.setRenderer(1, lines);
        plot.setDataset(2, SampleScatterChart.points("noise", states.get(0)));
        plot.setRenderer(2, bigDots(Palette.NOISE));
        plot.setDataset(3, SampleScatterChart.points("sample", states.get(states.size() - 1)));
        plot.setRenderer(3, bigDots(color));

        JFreeChart chart = Charts.chart(t.model() + " \u00b7 NFE " + t.nfe(), plot, false);
        String sub = String.format(Locale.ROOT, "straightness %.3f (1 = straight) \u00b7 %d paths, t = 1 (grey) to 0",
                t.straightness(), t.paths());
        chart.addSubtitle(new TextTitle(sub, Charts.SUBTITLE_FONT));
        return ChartImage.render(chart, SIZE, SIZE, String.format(Locale.ROOT,
                "solver paths of %s at NFE %d from noise to data, straightness %.3f", t.model(), t.nfe(),
                t.straightness()));
    }

    private static XYLineAndShapeRenderer bigDots(Color color) {
        XYLineAndShapeRenderer r = new XYLineAndShapeRenderer(false, true);
        r.setSeriesShape(0, new Ellipse2D.Double(-2.5, -2.5, 5, 5));
        r.setSeriesPaint(0, color);
        return r;
    }
}
