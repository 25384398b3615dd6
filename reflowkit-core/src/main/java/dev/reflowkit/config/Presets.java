package dev.reflowkit.config;

import dev.reflowkit.data.ImageDataset;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Named ReFlow recipes, so that comparisons are one word. A preset is a list of
 * {@code key=value} settings applied to every key the configuration does not set itself
 * (defaults < preset < file and overrides).
 *
 * <ul>
 *   <li>{@code baseline}: the paper's theory-compatible baseline: uniform t, MSE, no loss
 *       normalization, backward pairs, the teacher's dropout.
 *   <li>{@code rectified-flow}: Liu et al. 2022 (2-rectified flow): uniform t, MSE, backward
 *       pairs. In ReflowKit it coincides with {@code baseline} (both initialise from the teacher).
 *   <li>{@code rfpp}: Lee et al. 2024 as far as it applies here: U-shaped t (a = 4),
 *       pseudo-Huber loss (c = 0.00054 sqrt(d)), backward pairs (their LPIPS-Huber and EDM
 *       initialisation do not apply to point data).
 *   <li>{@code simple-reflow}: Kim et al. 2025: t ~ 10^t, loss normalization 1/sg[l + eps],
 *       smaller dropout (0), forward + backward pairs, and on image data the HPF loss
 *       ({@code loss.type=hpf}); the sampler is chosen at evaluation ({@code eval.*}).
 * </ul>
 */
public final class Presets {

    /** The preset names, {@code none} first. */
    public static final List<String> NAMES = List.of("none", "baseline", "rectified-flow", "rfpp", "simple-reflow");

    private static final Map<String, List<String>> SETTINGS = new LinkedHashMap<>();

    /** What a preset adds on image data (later settings win). */
    private static final Map<String, List<String>> IMAGE_SETTINGS = Map.of("simple-reflow", List.of("loss.type=hpf"));

    static {
        List<String> baseline = List.of("path.time=uniform", "loss.type=mse", "loss.weight=constant",
                "reflow.dropout=-1", "reflow.directions=[backward]");
        SETTINGS.put("none", List.of());
        SETTINGS.put("baseline", baseline);
        SETTINGS.put("rectified-flow", baseline);
        SETTINGS.put("rfpp", List.of("path.time=u-shaped", "path.time_a=4", "loss.type=pseudo-huber",
                "loss.huber_c=-1", "loss.weight=constant", "reflow.dropout=-1", "reflow.directions=[backward]"));
        SETTINGS.put("simple-reflow", List.of("path.time=exponential", "path.time_base=10", "loss.type=mse",
                "loss.weight=per-sample", "loss.weight_eps=1e-3", "reflow.dropout=0",
                "reflow.directions=[backward,forward]"));
    }

    private Presets() {}

    /**
     * The settings of a preset.
     *
     * @param name a preset name
     * @return its {@code key=value} settings
     * @throws IllegalArgumentException for an unknown name
     */
    public static List<String> settings(String name) {
        List<String> s = SETTINGS.get(name);
        if (s == null) {
            throw new IllegalArgumentException("unknown preset '" + name + "'; valid: " + NAMES);
        }
        return s;
    }

    /**
     * The settings of a preset for a data source: {@link #settings(String)}, plus the image
     * settings (the HPF loss for {@code simple-reflow}) when the source is an image set.
     *
     * @param name a preset name
     * @param dataSource the {@code data.source} value
     * @return its {@code key=value} settings, later ones winning
     * @throws IllegalArgumentException for an unknown name
     */
    public static List<String> settings(String name, String dataSource) {
        List<String> out = new ArrayList<>(settings(name));
        if (ImageDataset.isImageSpec(dataSource)) {
            out.addAll(IMAGE_SETTINGS.getOrDefault(name, List.of()));
        }
        return out;
    }

    /**
     * Applies a preset's settings to the keys not set explicitly.
     *
     * @param schema the schema (parses and validates each value)
     * @param values the resolved values, modified in place
     * @param explicit keys set by a file or an override, which the preset leaves alone
     */
    static void apply(ConfigSchema schema, Map<String, Object> values, java.util.Set<String> explicit) {
        Object name = values.get("reflow.preset");
        if (name == null) {
            return;
        }
        Object source = values.get("data.source");
        for (String setting : settings(name.toString(), source == null ? "" : source.toString())) {
            int eq = setting.indexOf('=');
            String key = setting.substring(0, eq);
            if (!explicit.contains(key)) {
                values.put(key, schema.option(key).parse(setting.substring(eq + 1)));
            }
        }
    }

    /**
     * A configuration with a preset's settings applied on top (every setting wins), as the
     * pipeline builds each ReFlow model from the teacher's configuration.
     *
     * @param base the base configuration
     * @param name the preset
     * @return the configuration with {@code reflow.preset} and the preset's settings
     */
    public static Config overlay(Config base, String name) {
        Config c = base.with("reflow.preset", name);
        for (String setting : settings(name, base.getString("data.source"))) {
            int eq = setting.indexOf('=');
            String key = setting.substring(0, eq);
            c = c.with(key, base.schema().option(key).parse(setting.substring(eq + 1)));
        }
        return c;
    }
}
