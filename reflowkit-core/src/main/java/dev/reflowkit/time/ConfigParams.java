package dev.reflowkit.time;

import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/** Reads numeric parameters of a named component from a config map, with clear errors. */
final class ConfigParams {

    private final String component;
    private final Map<String, ?> params;

    private ConfigParams(String component, Map<String, ?> params) {
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
    static ConfigParams of(String component, Map<String, ?> params, Set<String> allowed) {
        ConfigParams p = new ConfigParams(component, params);
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
    double getDouble(String key, double fallback) {
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

    private String badValue(String key, Object v) {
        return String.format(
                Locale.ROOT, "parameter '%s' of %s must be a number, got '%s'", key, component, v);
    }
}
