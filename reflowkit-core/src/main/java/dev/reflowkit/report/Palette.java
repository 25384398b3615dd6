package dev.reflowkit.report;

import java.awt.Color;
import java.util.List;

/**
 * Chart colours: one fixed colour per model (by its position in {@link ReportData#models()}), so
 * a model looks the same in every chart, and the light grey of the real data.
 */
final class Palette {

    /** The real data behind samples and trajectories. */
    static final Color REFERENCE = new Color(0, 0, 0, 38);

    /** The noise start points of trajectories. */
    static final Color NOISE = new Color(90, 90, 90, 150);

    /** The data-vs-data floor line. */
    static final Color FLOOR = new Color(40, 40, 40);

    private static final List<Color> MODELS = List.of(
            new Color(0x1f, 0x77, 0xb4), new Color(0xd6, 0x27, 0x28), new Color(0x2c, 0xa0, 0x2c),
            new Color(0xff, 0x7f, 0x0e), new Color(0x94, 0x67, 0xbd), new Color(0x8c, 0x56, 0x4b),
            new Color(0xe3, 0x77, 0xc2), new Color(0x17, 0xbe, 0xcf), new Color(0xbc, 0xbd, 0x22));

    private Palette() {}

    /**
     * The colour of the model at a position, cycling after nine.
     *
     * @param index the model's position
     * @return its colour
     */
    static Color model(int index) {
        return MODELS.get(Math.floorMod(index, MODELS.size()));
    }

    /**
     * The colour of a model among a report's models.
     *
     * @param models the report's models, in order
     * @param model the model
     * @return its colour
     */
    static Color model(List<String> models, String model) {
        return model(models.indexOf(model));
    }

    /**
     * A colour with a new alpha.
     *
     * @param c the colour
     * @param alpha 0 (transparent) to 255 (opaque)
     * @return the translucent colour
     */
    static Color withAlpha(Color c, int alpha) {
        return new Color(c.getRed(), c.getGreen(), c.getBlue(), alpha);
    }
}
