package dev.reflowkit.loss;

import dev.reflowkit.config.ComponentParams;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * Builds loss weights from config names and parameters.
 *
 * <table>
 *   <caption>Names and parameters</caption>
 *   <tr><th>name</th><th>parameters</th><th>class</th></tr>
 *   <tr><td>{@code constant}</td><td>{@code value} (1)</td><td>{@link ConstantWeight}</td></tr>
 *   <tr><td>{@code time-power}</td><td>{@code power} (required), {@code eps} (1e-3)</td>
 *       <td>{@link TimePowerWeight}</td></tr>
 *   <tr><td>{@code per-sample}</td><td>{@code eps} (1e-3)</td>
 *       <td>{@link PerSampleNormalization}</td></tr>
 *   <tr><td>{@code time-bin-ema}</td><td>{@code bins} (20), {@code decay} (0.99), {@code eps}
 *       (1e-3)</td><td>{@link TimeBinEmaNormalization}</td></tr>
 * </table>
 */
public final class LossWeights {

    /** The names {@link #byName(String, Map)} understands. */
    public static final List<String> NAMES =
            List.of("constant", "time-power", "per-sample", "time-bin-ema");

    private LossWeights() {}

    /**
     * The named weight with default parameters.
     *
     * @param name one of {@link #NAMES}
     * @return the weight
     */
    public static LossWeight byName(String name) {
        return byName(name, Map.of());
    }

    /**
     * The named weight with the given parameters.
     *
     * @param name one of {@link #NAMES}, case-insensitive
     * @param params numeric parameters (numbers or numeric strings); null means none
     * @return a new weight (stateful weights are never shared)
     * @throws IllegalArgumentException for an unknown name, an unknown or missing parameter or a
     *     bad value
     */
    public static LossWeight byName(String name, Map<String, ?> params) {
        if (name == null) {
            throw new IllegalArgumentException("loss weight name must not be null; one of " + NAMES);
        }
        String key = name.trim().toLowerCase(Locale.ROOT);
        String component = "loss weight '" + key + "'";
        switch (key) {
            case "constant" -> {
                ComponentParams p = ComponentParams.of(component, params, Set.of("value"));
                return ConstantWeight.of(p.getDouble("value", 1.0));
            }
            case "time-power" -> {
                ComponentParams p = ComponentParams.of(component, params, Set.of("power", "eps"));
                TimePowerWeight.Builder b = TimePowerWeight.builder()
                        .setPower(p.requireDouble("power"))
                        .optEps(p.getDouble("eps", TimePowerWeight.DEFAULT_EPS));
                try {
                    return b.build();
                } catch (IllegalStateException e) {
                    throw new IllegalArgumentException(e.getMessage(), e);
                }
            }
            case "per-sample" -> {
                ComponentParams p = ComponentParams.of(component, params, Set.of("eps"));
                return PerSampleNormalization.builder()
                        .optEps(p.getDouble("eps", PerSampleNormalization.DEFAULT_EPS))
                        .build();
            }
            case "time-bin-ema" -> {
                ComponentParams p = ComponentParams.of(component, params, Set.of("bins", "decay", "eps"));
                return TimeBinEmaNormalization.builder()
                        .optBins(p.getInt("bins", TimeBinEmaNormalization.DEFAULT_BINS))
                        .optDecay(p.getDouble("decay", TimeBinEmaNormalization.DEFAULT_DECAY))
                        .optEps(p.getDouble("eps", TimeBinEmaNormalization.DEFAULT_EPS))
                        .build();
            }
            default -> throw new IllegalArgumentException(
                    "unknown loss weight '" + name + "'; known: " + NAMES);
        }
    }
}
