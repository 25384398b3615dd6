package dev.reflowkit.report;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Base64;
import org.jfree.chart.ChartUtils;
import org.jfree.chart.JFreeChart;

/**
 * A chart rendered to a PNG of a known size, embeddable as a {@code data:} URI.
 *
 * @param png the PNG bytes
 * @param width the width in pixels
 * @param height the height in pixels
 * @param alt the text alternative
 */
record ChartImage(byte[] png, int width, int height, String alt) {

    /**
     * Renders a chart to a PNG.
     *
     * @param chart the chart
     * @param width the width in pixels
     * @param height the height in pixels
     * @param alt the text alternative
     * @return the image
     */
    static ChartImage render(JFreeChart chart, int width, int height, String alt) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try {
            ChartUtils.writeChartAsPNG(out, chart, width, height);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot encode chart '" + alt + "' as PNG", e);
        }
        return new ChartImage(out.toByteArray(), width, height, alt);
    }

    /**
     * The image as an {@code <img>} element with a base64 {@code data:} URI.
     *
     * @return the HTML
     */
    String toHtml() {
        return "<img src=\"data:image/png;base64," + Base64.getEncoder().encodeToString(png) + "\" width=\""
                + width + "\" height=\"" + height + "\" alt=\"" + Html.escape(alt) + "\">";
    }
}
