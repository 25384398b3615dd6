package dev.reflowkit.metrics;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Named metric summaries (mean ± std over repeats) in display order; the first metric is the
 * primary one (W2 for point clouds, the Fréchet distance for images) used for ratios and rankings.
 *
 * @param values the summaries by metric name, in display order, at least one
 */
public record MetricSummaries(Map<String, MetricSummary> values) {

    /** Copies the map, keeping its order, and checks it is not empty. */
    public MetricSummaries {
        if (values == null || values.isEmpty()) {
            throw new IllegalArgumentException("a metric summary needs at least one metric");
        }
        values = Collections.unmodifiableMap(new LinkedHashMap<>(values));
    }

    /**
     * The metric names in display order.
     *
     * @return the names
     */
    public List<String> names() {
        return List.copyOf(values.keySet());
    }

    /**
     * The primary metric's name (the first one).
     *
     * @return the name
     */
    public String primary() {
        return values.keySet().iterator().next();
    }

    /**
     * The primary metric's summary.
     *
     * @return the summary
     */
    public MetricSummary primarySummary() {
        return values.get(primary());
    }

    /**
     * One metric's summary.
     *
     * @param name the metric name
     * @return the summary
     * @throws IllegalArgumentException if there is no such metric
     */
    public MetricSummary get(String name) {
        MetricSummary s = values.get(name);
        if (s == null) {
            throw new IllegalArgumentException("no metric '" + name + "' (have " + values.keySet() + ")");
        }
        return s;
    }

    /**
     * Whether a metric is present.
     *
     * @param name the metric name
     * @return true if present
     */
    public boolean has(String name) {
        return values.containsKey(name);
    }
}
