package dev.reflowkit.report;

import dev.reflowkit.data.PointSet;
import java.util.Objects;

/**
 * Images a model generated at one NFE, for an image grid ({@link ImageGrid}).
 *
 * @param model the model name, e.g. {@code "teacher"}
 * @param nfe velocity evaluations per sample; 0 for real data shown for comparison
 * @param shape the shape of one image
 * @param images the images, one per row, {@code d = C*H*W}; at least one
 */
public record ModelImages(String model, int nfe, ImageShape shape, PointSet images) {

    /** Checks the fields. */
    public ModelImages {
        ReportData.requireName(model);
        String what = "images of model '" + model + "' at NFE " + nfe;
        if (nfe < 0) {
            throw new IllegalArgumentException(what + ": NFE must be >= 0 (0 = real data)");
        }
        Objects.requireNonNull(shape, what + ": image shape");
        if (images == null || images.n() < 1) {
            throw new IllegalArgumentException(what + ": need at least one image, got "
                    + (images == null ? "null" : "0"));
        }
        if (images.d() != shape.size()) {
            throw new IllegalArgumentException(what + ": images have " + images.d() + " values each, but shape "
                    + shape + " needs " + shape.size());
        }
    }

    /**
     * How many values are NaN or infinite (drawn in the marker colour).
     *
     * @return the count
     */
    public int nonFinite() {
        int c = 0;
        for (float v : images.data()) {
            if (!Float.isFinite(v)) {
                c++;
            }
        }
        return c;
    }
}
