package dev.reflowkit.solver.grid;

import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * Creates time grids by name, for configs and the CLI.
 *
 * <p>Names and parameters: {@code uniform} (none), {@code edm} ({@code sigmaMin}, {@code
 * sigmaMax}, {@code rho}), {@code sigmoid} ({@code kappa}), {@code shifted} ({@code shift}), {@code custom} (a list of times; see
 * {@link #custom} and {@link #parse}). Names are case-insensitive; parameter names are exact.
 */
public final class TimeGrids {

    /** The names {@link #byName} accepts. */
    public static final List<String> NAMES =
            List.of(UniformGrid.NAME, EdmGrid.NAME, SigmoidGrid.NAME, ShiftedGrid.NAME, CustomGrid.NAME);

    private TimeGrids() {}

    /**
     * A parametric grid by name.
     *
     * @param name {@code uniform}, {@code edm} or {@code sigmoid}
     * @param params parameter values by name; missing ones take their defaults; may be null
     * @return the grid
     * @throws IllegalArgumentException for an unknown name or parameter, naming the valid ones;
     *     for {@code custom}, which needs a list of times
     */
    public static TimeGrid byName(String name, Map<String, Double> params) {
        Map<String, Double> p = params == null ? Map.of() : params;
        String key = name == null ? "" : name.trim().toLowerCase(Locale.ROOT);
        switch (key) {
            case UniformGrid.NAME:
                checkKeys(key, p, List.of());
                return new UniformGrid();
            case EdmGrid.NAME:
                checkKeys(key, p, List.of("sigmaMin", "sigmaMax", "rho"));
                EdmGrid.Builder edm = EdmGrid.builder();
                if (p.containsKey("sigmaMin")) {
                    edm.optSigmaMin(p.get("sigmaMin"));
                }
                if (p.containsKey("sigmaMax")) {
                    edm.optSigmaMax(p.get("sigmaMax"));
                }
                if (p.containsKey("rho")) {
                    edm.optRho(p.get("rho"));
                }
                return edm.build();
            case SigmoidGrid.NAME:
                checkKeys(key, p, List.of("kappa"));
                SigmoidGrid.Builder sig = SigmoidGrid.builder();
                if (p.containsKey("kappa")) {
                    sig.optKappa(p.get("kappa"));
                }
                return sig.build();
            case ShiftedGrid.NAME:
                checkKeys(key, p, List.of("shift"));
                ShiftedGrid.Builder shifted = ShiftedGrid.builder();
                if (p.containsKey("shift")) {
                    shifted.optShift(p.get("shift"));
                }
                return shifted.build();
            case CustomGrid.NAME:
                throw new IllegalArgumentException(
                        "grid 'custom' needs a list of times: use TimeGrids.custom(times) or "
                                + "TimeGrids.parse(\"custom:1,0.5,0\")");
            default:
                throw new IllegalArgumentException(
                        "unknown time grid '" + name + "'; valid grids: " + NAMES);
        }
    }

    /**
     * A custom grid through the given times.
     *
     * @param times at least two strictly monotone times
     * @return the grid
     */
    public static CustomGrid custom(double... times) {
        return CustomGrid.of(times);
    }

    /**
     * Parses a grid specification: {@code name}, {@code name:key=value,key=value} or
     * {@code custom:t0,t1,...}, e.g. {@code "edm:rho=5,sigmaMax=40"} or {@code "custom:1,0.4,0"}.
     *
     * @param spec the specification
     * @return the grid
     * @throws IllegalArgumentException for an unknown name or parameter, or a malformed value
     */
    public static TimeGrid parse(String spec) {
        if (spec == null || spec.isBlank()) {
            throw new IllegalArgumentException(
                    "empty time-grid specification; valid grids: " + NAMES);
        }
        int colon = spec.indexOf(':');
        String name = (colon < 0 ? spec : spec.substring(0, colon)).trim();
        String rest = colon < 0 ? "" : spec.substring(colon + 1).trim();
        if (CustomGrid.NAME.equalsIgnoreCase(name)) {
            return CustomGrid.parse(rest);
        }
        Map<String, Double> params = new TreeMap<>();
        if (!rest.isEmpty()) {
            for (String kv : rest.split(",")) {
                int eq = kv.indexOf('=');
                if (eq < 0) {
                    throw new IllegalArgumentException(
                            "time-grid parameter '" + kv.trim() + "' in '" + spec
                                    + "' is not of the form key=value");
                }
                String k = kv.substring(0, eq).trim();
                String v = kv.substring(eq + 1).trim();
                try {
                    params.put(k, Double.parseDouble(v));
                } catch (NumberFormatException e) {
                    throw new IllegalArgumentException(
                            "time-grid parameter " + k + " is not a number: '" + v + "'", e);
                }
            }
        }
        return byName(name, params);
    }

    private static void checkKeys(String grid, Map<String, Double> params, List<String> valid) {
        for (Map.Entry<String, Double> e : params.entrySet()) {
            if (!valid.contains(e.getKey())) {
                throw new IllegalArgumentException(
                        "unknown parameter '" + e.getKey() + "' for grid '" + grid
                                + "'; valid parameters: " + (valid.isEmpty() ? "none" : valid));
            }
            if (e.getValue() == null) {
                throw new IllegalArgumentException(
                        "parameter '" + e.getKey() + "' for grid '" + grid + "' is null");
            }
        }
    }
}
