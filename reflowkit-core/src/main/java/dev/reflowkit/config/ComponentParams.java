package dev.reflowkit.config;

import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * Numeric parameters of a named component (a loss, a weight, a time distribution) read from a
 * map, with clear errors for unknown, missing or malformed values; used by the name-based
 * factories.
 */
public final class ComponentParams {

    private final String component;
    private final Map<String, ?> params;

    private ComponentParams(String component, Map<String, ?> params) {
        this.component = component;
        this.params = params == null ? Map.of() : params;
    }

    /**
     * Wraps a map after checking that it only holds allowed keys.
     *
     * @param component the component's name, for messages
     * @param params the parameters (may be null)
     * @param allowed the keys the component understands
     * @return the reader
     */
    public static ComponentParams of(String component, Map<String, ?> params, Set<String> allowed) {
        ComponentParams p = new ComponentParams(component, params);
        for (String key : p.params.keySet()) {
            if (!allowed.contains(key)) {
                throw new IllegalArgumentException(
                        "unknown parameter '" + key + "' for " + component + "; allowed: "
                                + new TreeSet<>(allowed));
            }
        }
        return p;
    }

    /**
     * The value of a key as a double, or the default if absent.
     *
     * @param key the key
     * @param fallback the default
     * @return the value
     */
    public double getDouble(String key, double fallback) {
        Object v = params.get(key);
        if (v == null) {
            return fallback;
        }
        if (v instanceof Number n) {
            return n.doubleValue();
        }
        if (v instanceof String s) {
            try {
                return Double.parseDouble(s.trim());
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException(badValue(key, v), e);
            }
        }
        throw new IllegalArgumentException(badValue(key, v));
    }

    /**
     * The value of a key as a double; the key must be present.
     *
     * @param key the key
     * @return the value
     */
    public double requireDouble(String key) {
        if (params.get(key) == null) {
            throw new IllegalArgumentException(component + " requires parameter '" + key + "'");
        }
        return getDouble(key, Double.NaN);
    }

    /**
     * The value of a key as an int, or the default if absent.
     *
     * @param key the key
     * @param fallback the default
     * @return the value
     */
    public int getInt(String key, int fallback) {
        if (params.get(key) == null) {
            return fallback;
        }
        double v = getDouble(key, fallback);
        if (v != Math.rint(v) || Math.abs(v) > Integer.MAX_VALUE) {
            throw new IllegalArgumentException(String.format(
                    Locale.ROOT,
                    "parameter '%s' of %s must be an integer, got '%s'",
                    key,
                    component,
                    params.get(key)));
        }
        return (int) v;
    }

    private String badValue(String key, Object v) {
        return String.format(
                Locale.ROOT, "parameter '%s' of %s must be a number, got '%s'", key, component, v);
    }
}
