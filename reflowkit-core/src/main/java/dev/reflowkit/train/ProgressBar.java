package dev.reflowkit.train;

import java.io.PrintStream;
import java.util.Locale;

/**
 * The training progress display: a redrawn one-line bar on a terminal, or one plain line per log
 * interval when output goes to a file or pipe. Progress is counted in steps and samples seen.
 */
public final class ProgressBar {

    private static final int WIDTH = 24;

    private final PrintStream out;
    private final long total;
    private final boolean interactive;
    private long lastDraw;

    /**
     * Creates a display.
     *
     * @param out where to draw (usually standard error)
     * @param totalSteps the run length
     * @param interactive true to redraw one line in place (a terminal)
     */
    public ProgressBar(PrintStream out, long totalSteps, boolean interactive) {
        this.out = out;
        this.total = totalSteps;
        this.interactive = interactive;
    }

    /**
     * A display that draws on standard error, redrawing in place when a console is attached.
     *
     * @param totalSteps the run length
     * @return the display
     */
    public static ProgressBar onStderr(long totalSteps) {
        return new ProgressBar(System.err, totalSteps, System.console() != null);
    }

    /**
     * Reports progress.
     *
     * @param step steps done
     * @param samples samples seen
     * @param loss the recent mean loss
     * @param samplesPerSecond recent throughput
     * @param logPoint whether this step is a log interval (plain mode prints only then)
     */
    public void update(long step, long samples, double loss, double samplesPerSecond, boolean logPoint) {
        long now = System.nanoTime();
        boolean last = step >= total;
        if (interactive) {
            if (!last && now - lastDraw < 100_000_000L) {
                return;
            }
            lastDraw = now;
            out.print("\r" + line(step, samples, loss, samplesPerSecond) + (last ? "\n" : ""));
            out.flush();
        } else if (logPoint || last) {
            out.println(line(step, samples, loss, samplesPerSecond));
        }
    }

    private String line(long step, long samples, double loss, double sps) {
        double frac = Math.min(1.0, step / (double) total);
        int filled = (int) Math.round(frac * WIDTH);
        double eta = sps > 0 && step > 0 ? (total - step) * (samples / (double) step) / sps : Double.NaN;
        return String.format(Locale.ROOT, "[%s%s] %3.0f%% step %d/%d  %.1fk samples  loss %.4g  %.0f samples/s  eta %s",
                "#".repeat(filled), ".".repeat(WIDTH - filled), frac * 100, step, total, samples / 1000.0,
                loss, sps, Double.isNaN(eta) ? "?" : formatSeconds(eta));
    }

    private static String formatSeconds(double s) {
        long sec = Math.round(s);
        return sec >= 3600 ? String.format(Locale.ROOT, "%dh%02dm", sec / 3600, sec % 3600 / 60)
                : String.format(Locale.ROOT, "%dm%02ds", sec / 60, sec % 60);
    }
}
