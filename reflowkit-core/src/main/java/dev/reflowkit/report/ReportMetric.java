package dev.reflowkit.report;

import dev.reflowkit.eval.MetricsReport;
import dev.reflowkit.metrics.MetricSummaries;
import dev.reflowkit.metrics.MetricSummary;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * A sample-quality metric the report tabulates and plots: its key in {@code metrics.json}, a short
 * label for headers and axes, and a long name for captions.
 *
 * @param key the metric name in the metrics report, e.g. {@code "w2"} or {@code "fd"}
 * @param label the short name
 * @param description the long name
 */
record ReportMetric(String key, String label, String description) {

    private static final Map<String, String[]> KNOWN = Map.of(
            "w2", new String[] {"W2", "2-Wasserstein distance"},
            "energy", new String[] {"energy", "energy distance"},
            "mmd", new String[] {"MMD", "squared RBF-kernel MMD"},
            "fd", new String[] {"FD", "Fréchet distance on feature-network features"},
            "kid", new String[] {"KID", "kernel inception distance (polynomial-kernel MMD^2 on features)"},
            "kid_std", new String[] {"KID std", "standard deviation of KID over subsets"},
            "precision", new String[] {"precision", "improved precision (k = 3) on features"},
            "recall", new String[] {"recall", "improved recall (k = 3) on features"},
            "sw2", new String[] {"SW2", "sliced 2-Wasserstein distance on pixels"});

    /**
     * The metric of a key, with a known label or the key itself.
     *
     * @param key the metric name
     * @return the metric
     */
    static ReportMetric of(String key) {
        String[] k = KNOWN.get(key);
        return k == null ? new ReportMetric(key, key, key) : new ReportMetric(key, k[0], k[1]);
    }

    /**
     * The metrics of reports, in the first report's order (then any others').
     *
     * @param reports metrics reports
     * @return the metrics
     */
    static List<ReportMetric> of(List<MetricsReport> reports) {
        List<String> keys = new ArrayList<>();
        for (MetricsReport r : reports) {
            for (String n : r.floor().names()) {
                if (!keys.contains(n)) {
                    keys.add(n);
                }
            }
        }
        return keys.stream().map(ReportMetric::of).toList();
    }

    /**
     * This metric's summary within a summary of all metrics.
     *
     * @param s the summaries
     * @return the summary, or null if {@code s} lacks this metric
     */
    MetricSummary of(MetricSummaries s) {
        return s.has(key) ? s.get(key) : null;
    }
}
