package dev.reflowkit.loss;

import dev.reflowkit.config.ComponentParams;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * Builds velocity losses from config names and parameters.
 *
 * <table>
 *   <caption>Names and parameters (all optional)</caption>
 *   <tr><th>name</th><th>parameters</th><th>class</th></tr>
 *   <tr><td>{@code mse}</td><td>none</td><td>{@link MseLoss}</td></tr>
 *   <tr><td>{@code pseudo-huber}</td><td>{@code c} (default {@code 0.00054 sqrt(d)})</td>
 *       <td>{@link PseudoHuberLoss}</td></tr>
 *   <tr><td>{@code hpf}</td><td>{@code lambda} (1), {@code cutoff} (0.125)</td>
 *       <td>{@link HighPassFilterLoss}</td></tr>
 * </table>
 */
public final class Losses {

    /** The names {@link #byName(String, Map)} understands. */
    public static final List<String> NAMES = List.of("mse", "pseudo-huber", "hpf");

    private Losses() {}

    /**
     * The named loss with default parameters.
     *
     * @param name one of {@link #NAMES}
     * @return the loss
     */
    public static VelocityLoss byName(String name) {
        return byName(name, Map.of());
    }

    /**
     * The named loss with the given parameters.
     *
     * @param name one of {@link #NAMES}, case-insensitive
     * @param params numeric parameters (numbers or numeric strings); null means none
     * @return the loss
     * @throws IllegalArgumentException for an unknown name, an unknown parameter or a bad value
     */
    public static VelocityLoss byName(String name, Map<String, ?> params) {
        if (name == null) {
            throw new IllegalArgumentException("loss name must not be null; one of " + NAMES);
        }
        String key = name.trim().toLowerCase(Locale.ROOT);
        String component = "loss '" + key + "'";
        switch (key) {
            case "mse" -> {
                ComponentParams.of(component, params, Set.of());
                return MseLoss.of();
            }
            case "pseudo-huber" -> {
                ComponentParams p = ComponentParams.of(component, params, Set.of("c"));
                PseudoHuberLoss.Builder b = PseudoHuberLoss.builder();
                double c = p.getDouble("c", Double.NaN);
                if (!Double.isNaN(c)) {
                    b.optC(c);
                }
                return b.build();
            }
            case "hpf" -> {
                ComponentParams p = ComponentParams.of(component, params, Set.of("lambda", "cutoff"));
                return HighPassFilterLoss.builder()
                        .optLambda(p.getDouble("lambda", HighPassFilterLoss.DEFAULT_LAMBDA))
                        .optCutoff(p.getDouble("cutoff", HighPassFilterLoss.DEFAULT_CUTOFF))
                        .build();
            }
            default -> throw new IllegalArgumentException(
                    "unknown loss '" + name + "'; known: " + NAMES);
        }
    }
}
