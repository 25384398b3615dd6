package dev.reflowkit.report;

import dev.reflowkit.data.PointSet;

/**
 * Samples a model generated at one NFE, for a scatter plot.
 *
 * @param model the model name, e.g. {@code "teacher"}
 * @param nfe velocity evaluations per sample
 * @param points the samples, at least two coordinates each
 */
public record ModelSamples(String model, int nfe, PointSet points) {

    /** Checks the fields. */
    public ModelSamples {
        ReportData.requireName(model);
        if (nfe < 1) {
            throw new IllegalArgumentException("samples of model '" + model + "' need an NFE >= 1, got " + nfe);
        }
        ReportData.requirePlottable(points, "samples of model '" + model + "' at NFE " + nfe);
    }
}
