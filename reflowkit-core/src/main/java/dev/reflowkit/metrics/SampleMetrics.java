package dev.reflowkit.metrics;

import dev.reflowkit.data.PointSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A family of sample-quality metrics that scores a sample against reference data: exact W2,
 * energy distance and MMD for point clouds ({@link PointMetrics}); Fréchet distance, KID,
 * precision/recall and sliced W2 for images. Lower is better for the primary (first) metric.
 *
 * <pre>{@code
 * Map<String, Double> v = metrics.evaluate(sample, heldOut);     // one sample
 * MetricSummaries s = metrics.evaluateRepeats(pairs);            // mean ± std over repeats
 * MetricSummaries floor = metrics.floorRepeats(dataPairs);       // data vs data
 * }</pre>
 */
public interface SampleMetrics {

    /**
     * The metric names, in display order; the first is the primary metric.
     *
     * @return the names, as {@link #evaluate} returns them
     */
    List<String> names();

    /**
     * All metrics between a sample and reference data.
     *
     * @param sample the sample, e.g. model output
     * @param reference the reference data, same dimension
     * @return the values by name, in {@link #names()} order
     * @throws IllegalArgumentException if the sets cannot be compared
     */
    Map<String, Double> evaluate(PointSet sample, PointSet reference);

    /**
     * The data-vs-data floor: the metrics between two independent data samples of the size the
     * model samples have.
     *
     * @param dataA a data sample
     * @param dataB an independent data sample of the same size
     * @return the values by name
     * @throws IllegalArgumentException if the sizes differ
     */
    default Map<String, Double> floor(PointSet dataA, PointSet dataB) {
        if (dataA.n() != dataB.n()) {
            throw new IllegalArgumentException("a floor compares two data samples of the same size, got "
                    + dataA.n() + " and " + dataB.n());
        }
        return evaluate(dataA, dataB);
    }

    /**
     * The metrics averaged over repeats (R model samples, each against its own data sample).
     *
     * @param pairs the (sample, reference) pairs, at least one
     * @return mean and sample standard deviation of each metric
     */
    default MetricSummaries evaluateRepeats(List<SamplePair> pairs) {
        return summarize(pairs, false);
    }

    /**
     * The data-vs-data floor averaged over repeats.
     *
     * @param pairs the (data, data) pairs, at least one
     * @return mean and sample standard deviation of each metric
     */
    default MetricSummaries floorRepeats(List<SamplePair> pairs) {
        return summarize(pairs, true);
    }

    private MetricSummaries summarize(List<SamplePair> pairs, boolean floor) {
        if (pairs == null || pairs.isEmpty()) {
            throw new IllegalArgumentException("need at least one (sample, reference) pair");
        }
        List<String> names = names();
        double[][] values = new double[names.size()][pairs.size()];
        for (int i = 0; i < pairs.size(); i++) {
            SamplePair p = pairs.get(i);
            Map<String, Double> v = floor ? floor(p.sample(), p.reference()) : evaluate(p.sample(), p.reference());
            for (int k = 0; k < names.size(); k++) {
                Double x = v.get(names.get(k));
                if (x == null) {
                    throw new IllegalStateException("metric '" + names.get(k) + "' missing from " + v.keySet());
                }
                values[k][i] = x;
            }
        }
        Map<String, MetricSummary> out = new LinkedHashMap<>();
        for (int k = 0; k < names.size(); k++) {
            out.put(names.get(k), MetricSummary.of(values[k]));
        }
        return new MetricSummaries(out);
    }
}
