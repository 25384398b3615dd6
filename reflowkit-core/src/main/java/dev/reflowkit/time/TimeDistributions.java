package dev.reflowkit.time;

import dev.reflowkit.config.ComponentParams;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * Builds time distributions from config names and parameters.
 *
 * <table>
 *   <caption>Names and parameters (all optional)</caption>
 *   <tr><th>name</th><th>parameters</th><th>class</th></tr>
 *   <tr><td>{@code uniform}</td><td>{@code clip}</td><td>{@link UniformTime}</td></tr>
 *   <tr><td>{@code exponential}</td><td>{@code base} (10), {@code clip}</td>
 *       <td>{@link ExponentialTime}</td></tr>
 *   <tr><td>{@code u-shaped}</td><td>{@code a} (4), {@code clip}</td><td>{@link UShapedTime}</td></tr>
 *   <tr><td>{@code logit-normal}</td><td>{@code mean} (0), {@code std} (1), {@code clip}</td>
 *       <td>{@link LogitNormalTime}</td></tr>
 * </table>
 *
 * <p>{@code clip} is the endpoint-clipping margin of {@link TimeDistribution#clipped(double)}
 * (default 0: no clipping). Names are case-insensitive.
 */
public final class TimeDistributions {

    /** The names {@link #byName(String, Map)} understands. */
    public static final List<String> NAMES =
            List.of("uniform", "exponential", "u-shaped", "logit-normal");

    private TimeDistributions() {}

    /**
     * The named distribution with default parameters.
     *
     * @param name one of {@link #NAMES}
     * @return the distribution
     */
    public static TimeDistribution byName(String name) {
        return byName(name, Map.of());
    }

    /**
     * The named distribution with the given parameters.
     *
     * @param name one of {@link #NAMES}
     * @param params numeric parameters (numbers or numeric strings); null means none
     * @return the distribution
     * @throws IllegalArgumentException for an unknown name, an unknown parameter or a bad value
     */
    public static TimeDistribution byName(String name, Map<String, ?> params) {
        if (name == null) {
            throw new IllegalArgumentException("time distribution name must not be null; one of "
                    + NAMES);
        }
        String key = name.trim().toLowerCase(Locale.ROOT);
        String component = "time distribution '" + key + "'";
        TimeDistribution dist;
        ComponentParams p;
        switch (key) {
            case "uniform" -> {
                p = ComponentParams.of(component, params, Set.of("clip"));
                dist = UniformTime.of();
            }
            case "exponential" -> {
                p = ComponentParams.of(component, params, Set.of("base", "clip"));
                dist = ExponentialTime.builder()
                        .optBase(p.getDouble("base", ExponentialTime.SIMPLE_REFLOW_BASE))
                        .build();
            }
            case "u-shaped" -> {
                p = ComponentParams.of(component, params, Set.of("a", "clip"));
                dist = UShapedTime.builder().optA(p.getDouble("a", UShapedTime.DEFAULT_A)).build();
            }
            case "logit-normal" -> {
                p = ComponentParams.of(component, params, Set.of("mean", "std", "clip"));
                dist = LogitNormalTime.builder()
                        .optMean(p.getDouble("mean", 0.0))
                        .optStd(p.getDouble("std", 1.0))
                        .build();
            }
            default -> throw new IllegalArgumentException(
                    "unknown time distribution '" + name + "'; known: " + NAMES);
        }
        return dist.clipped(p.getDouble("clip", 0.0));
    }
}
