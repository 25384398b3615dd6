package dev.reflowkit.report;

import dev.reflowkit.metrics.MetricSummary;
import dev.reflowkit.metrics.PointMetricSummary;
import java.util.function.Function;

/** The point-cloud metrics the report tabulates and plots, in display order. */
enum ReportMetric {
    /** Exact 2-Wasserstein distance. */
    W2("W2", "2-Wasserstein distance", PointMetricSummary::w2),
    /** Energy distance. */
    ENERGY("energy", "energy distance", PointMetricSummary::energy),
    /** Squared RBF-kernel MMD. */
    MMD("MMD", "squared RBF-kernel MMD", PointMetricSummary::mmd);

    private final String label;
    private final String description;
    private final Function<PointMetricSummary, MetricSummary> getter;

    ReportMetric(String label, String description, Function<PointMetricSummary, MetricSummary> getter) {
        this.label = label;
        this.description = description;
        this.getter = getter;
    }

    /** The short name for headers and axes. */
    String label() {
        return label;
    }

    /** The long name for captions. */
    String description() {
        return description;
    }

    /** This metric's summary within a summary of all metrics. */
    MetricSummary of(PointMetricSummary s) {
        return getter.apply(s);
    }
}
