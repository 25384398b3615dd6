package dev.reflowkit.report;

import dev.reflowkit.data.PointSet;
import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.util.List;
import org.jfree.chart.JFreeChart;
import org.jfree.chart.axis.NumberAxis;
import org.jfree.chart.plot.XYPlot;
import org.jfree.chart.title.TextTitle;
import org.jfree.data.Range;

/** The look shared by the report's charts, and the headless set-up they need. */
final class Charts {

    /** Chart titles. */
    static final Font TITLE_FONT = new Font(Font.SANS_SERIF, Font.BOLD, 14);

    /** Subtitles and captions drawn inside a chart. */
    static final Font SUBTITLE_FONT = new Font(Font.SANS_SERIF, Font.PLAIN, 11);

    /** Light grid lines. */
    static final Color GRID = new Color(220, 220, 220);

    private Charts() {}

    /**
     * Makes AWT headless unless the application chose otherwise; call before any drawing (AWT
     * reads the switch once, when its graphics environment starts).
     */
    static void headless() {
        if (System.getProperty("java.awt.headless") == null) {
            System.setProperty("java.awt.headless", "true");
        }
    }

    /**
     * A chart around a plot, with a white background and light grid lines.
     *
     * @param title the title, or null for none
     * @param plot the plot
     * @param legend whether to show the legend
     * @return the chart
     */
    static JFreeChart chart(String title, XYPlot plot, boolean legend) {
        headless();
        plot.setBackgroundPaint(Color.WHITE);
        plot.setDomainGridlinePaint(GRID);
        plot.setRangeGridlinePaint(GRID);
        plot.setOutlinePaint(Color.GRAY);
        JFreeChart chart = new JFreeChart(null, TITLE_FONT, plot, legend);
        if (title != null) {
            chart.setTitle(new TextTitle(title, TITLE_FONT));
        }
        chart.setBackgroundPaint(Color.WHITE);
        chart.setAntiAlias(true);
        return chart;
    }

    /**
     * A thin stroke, solid or dashed.
     *
     * @param width the line width
     * @param dashed whether dashed
     * @return the stroke
     */
    static BasicStroke stroke(float width, boolean dashed) {
        return dashed
                ? new BasicStroke(width, BasicStroke.CAP_BUTT, BasicStroke.JOIN_ROUND, 1f, new float[] {6f, 4f}, 0f)
                : new BasicStroke(width, BasicStroke.CAP_ROUND, BasicStroke.JOIN_ROUND);
    }

    /**
     * A square view containing the first two coordinates of the given point sets, with a margin,
     * centred on their bounding box.
     *
     * @param sets the point sets (nulls are skipped)
     * @return the range shared by both axes' widths: {@code [x range, y range]}
     */
    static Range[] squareView(List<PointSet> sets) {
        double minX = Double.POSITIVE_INFINITY;
        double maxX = Double.NEGATIVE_INFINITY;
        double minY = Double.POSITIVE_INFINITY;
        double maxY = Double.NEGATIVE_INFINITY;
        for (PointSet s : sets) {
            if (s == null) {
                continue;
            }
            for (int i = 0; i < s.n(); i++) {
                double x = s.get(i, 0);
                double y = s.get(i, 1);
                if (Double.isFinite(x) && Double.isFinite(y)) {
                    minX = Math.min(minX, x);
                    maxX = Math.max(maxX, x);
                    minY = Math.min(minY, y);
                    maxY = Math.max(maxY, y);
                }
            }
        }
        if (minX > maxX) {
            return new Range[] {new Range(-1, 1), new Range(-1, 1)};
        }
        double half = Math.max(Math.max(maxX - minX, maxY - minY) / 2 * 1.05, 1e-6);
        double cx = (minX + maxX) / 2;
        double cy = (minY + maxY) / 2;
        return new Range[] {new Range(cx - half, cx + half), new Range(cy - half, cy + half)};
    }

    /**
     * A linear axis with a fixed range.
     *
     * @param label the label, or null
     * @param range the range
     * @param ticks whether to draw tick labels
     * @return the axis
     */
    static NumberAxis fixedAxis(String label, Range range, boolean ticks) {
        NumberAxis axis = new NumberAxis(label);
        axis.setAutoRange(false);
        axis.setRange(range);
        axis.setTickLabelsVisible(ticks);
        axis.setTickMarksVisible(ticks);
        return axis;
    }
}
