package dev.reflowkit.config;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.charset.CharacterCodingException;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * Resolves a {@link Config}: schema defaults, then a YAML or JSON file, then {@code key=value}
 * overrides; every value is validated and unknown keys are errors.
 *
 * <p>Files hold nested mappings ({@code train: {lr: 0.001}}); dotted keys are accepted too
 * ({@code train.lr: 0.001}), at the top level or inside a section. A key given twice is an
 * error. A section left empty ({@code train:} with every key commented out) is fine. Overrides
 * are parsed by the option's type; lists are written {@code [1,2,4]} or {@code 1,2,4}; a later
 * override of the same key wins.
 *
 * <pre>{@code
 * Config c = ConfigLoader.load(ReflowConfig.schema(), Path.of("configs/2d-default.yaml"),
 *         List.of("train.lr=2e-4", "eval.nfe=[1,2,4]"));
 * }</pre>
 */
public final class ConfigLoader {

    private static final ObjectMapper JSON =
            JsonMapper.builder().enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION).build();
    private static final ObjectMapper YAML =
            YAMLMapper.builder().enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION).build();

    private ConfigLoader() {}

    /**
     * Loads a config: defaults, then the file, then the overrides; finally the settings of the
     * {@code reflow.preset} (if any) for every key neither the file nor an override set.
     * The keys the file and the overrides name are the ones {@link Config#isSet set}.
     *
     * @param schema the options
     * @param fileOrNull a {@code .yaml}, {@code .yml} or {@code .json} file, or null for none
     * @param overrides {@code key=value} strings applied after the file, in order (null for none)
     * @return the resolved, validated config
     * @throws ConfigException with a one-line message naming the key or file at fault
     */
    public static Config load(ConfigSchema schema, Path fileOrNull, List<String> overrides) {
        Map<String, Object> values = new LinkedHashMap<>(schema.defaults().toFlatMap());
        Set<String> explicit = new HashSet<>();
        if (fileOrNull != null) {
            JsonNode root = read(fileOrNull);
            apply(schema, root, new Recording(values, explicit), "in file '" + fileOrNull + "'", false);
        }
        if (overrides != null) {
            for (String o : overrides) {
                applyOverride(schema, o, new Recording(values, explicit));
            }
        }
        if (schema.contains("reflow.preset")) {
            Presets.apply(schema, values, explicit);
        }
        return new Config(schema, values, explicit);
    }

    /** A view of the values that records which keys a file or an override set. */
    private static final class Recording extends java.util.AbstractMap<String, Object> {
        private final Map<String, Object> values;
        private final Set<String> explicit;

        Recording(Map<String, Object> values, Set<String> explicit) {
            this.values = values;
            this.explicit = explicit;
        }

        @Override
        public Object put(String key, Object value) {
            explicit.add(key);
            return values.put(key, value);
        }

        @Override
        public Set<Map.Entry<String, Object>> entrySet() {
            return values.entrySet();
        }
    }

    /**
     * Parses a config from YAML text (e.g. a run's stored {@code config.yaml}, or
     * {@link Config#toYaml()}), starting from the defaults.
     *
     * @param schema the options
     * @param yaml the YAML text
     * @return the resolved, validated config
     * @throws ConfigException with a one-line message naming the key at fault
     */
    public static Config fromYaml(ConfigSchema schema, String yaml) {
        Map<String, Object> values = new LinkedHashMap<>(schema.defaults().toFlatMap());
        JsonNode root;
        try {
            root = YAML.readTree(yaml);
        } catch (JsonProcessingException e) {
            throw malformed("YAML text", e);
        }
        apply(schema, root, values, "in YAML text", true);
        return new Config(schema, values);
    }

    /**
     * Rebuilds a config from a nested map (e.g. the configuration stored in a checkpoint, from
     * {@link Config#toNestedMap()}), then applies overrides. The overrides' keys are the ones
     * {@link Config#isSet set}: the stored values count as defaults.
     *
     * @param schema the options
     * @param nested the nested map of values
     * @param overrides {@code key=value} strings applied after the map, in order (null for none)
     * @return the resolved, validated config
     * @throws ConfigException with a one-line message naming the key at fault
     */
    public static Config fromMap(ConfigSchema schema, Map<String, Object> nested, List<String> overrides) {
        Map<String, Object> values = new LinkedHashMap<>(schema.defaults().toFlatMap());
        apply(schema, JSON.valueToTree(nested), values, "in stored configuration", true);
        Set<String> explicit = new HashSet<>();
        if (overrides != null) {
            for (String o : overrides) {
                applyOverride(schema, o, new Recording(values, explicit));
            }
        }
        return new Config(schema, values, explicit);
    }

    /**
     * Rebuilds a config from a nested map without overrides.
     *
     * @param schema the options
     * @param nested the nested map of values
     * @return the resolved, validated config
     */
    public static Config fromMap(ConfigSchema schema, Map<String, Object> nested) {
        return fromMap(schema, nested, null);
    }

    private static JsonNode read(Path file) {
        String name = file.getFileName() == null ? "" : file.getFileName().toString();
        String lower = name.toLowerCase(Locale.ROOT);
        ObjectMapper mapper;
        if (lower.endsWith(".yaml") || lower.endsWith(".yml")) {
            mapper = YAML;
        } else if (lower.endsWith(".json")) {
            mapper = JSON;
        } else {
            throw new ConfigException("config file '" + file
                    + "': unsupported extension, expected .yaml, .yml or .json");
        }
        String text;
        try {
            if (Files.isDirectory(file)) {
                throw new ConfigException("config file '" + file + "' is a directory");
            }
            text = Files.readString(file, StandardCharsets.UTF_8);
        } catch (NoSuchFileException e) {
            throw new ConfigException("config file '" + file + "' not found", e);
        } catch (AccessDeniedException e) {
            throw new ConfigException("config file '" + file + "' cannot be read: access denied",
                    e);
        } catch (CharacterCodingException e) {
            throw new ConfigException("config file '" + file + "' is not valid UTF-8 text", e);
        } catch (IOException e) {
            throw new ConfigException("config file '" + file + "' cannot be read: " + e, e);
        }
        try {
            return mapper.readTree(text);
        } catch (JsonProcessingException e) {
            throw malformed("config file '" + file + "'", e);
        }
    }

    /** A one-line "malformed" message: the parser's problem lines and its line/column. */
    private static ConfigException malformed(String what, JsonProcessingException e) {
        String original = e.getOriginalMessage() == null ? e.toString() : e.getOriginalMessage();
        List<String> parts = new ArrayList<>();
        for (String line : original.split("\\R")) {
            // SnakeYAML adds indented context lines ("in 'reader', line 2", a source echo, a caret)
            if (!line.isBlank() && !Character.isWhitespace(line.charAt(0))) {
                parts.add(line.strip());
            }
        }
        String problem = parts.isEmpty() ? original.strip() : String.join("; ", parts);
        JsonLocation loc = e.getLocation();
        String where = loc != null && loc.getLineNr() > 0
                ? " at line " + loc.getLineNr() + ", column " + loc.getColumnNr() : "";
        return new ConfigException(what + " is malformed" + where + ": " + problem, e);
    }

    /**
     * Applies a parsed document; {@code stored} documents (a checkpoint's or run's configuration)
     * may hold retired keys, which are skipped, while a user's file may not.
     */
    private static void apply(ConfigSchema schema, JsonNode root, Map<String, Object> values,
            String where, boolean stored) {
        if (root == null || root.isMissingNode() || root.isNull()) {
            return; // an empty file sets nothing
        }
        if (!root.isObject()) {
            throw new ConfigException("expected a mapping of keys at the top level, got "
                    + ValueText.describe(root) + " (" + where + ")");
        }
        walk(schema, root, "", values, new HashSet<>(), where, stored);
    }

    private static void walk(ConfigSchema schema, JsonNode object, String prefix,
            Map<String, Object> values, Set<String> seen, String where, boolean stored) {
        for (Map.Entry<String, JsonNode> field : object.properties()) {
            String path = prefix.isEmpty() ? field.getKey() : prefix + "." + field.getKey();
            JsonNode node = field.getValue();
            if (schema.contains(path)) {
                if (!seen.add(path)) {
                    throw ConfigException.forKey(path, "given twice").in(where);
                }
                try {
                    values.put(path, schema.option(path).fromNode(node));
                } catch (ConfigException e) {
                    throw e.in(where);
                }
            } else if (schema.isSection(path)) {
                if (node.isObject()) {
                    walk(schema, node, path, values, seen, where, stored);
                } else if (!node.isNull()) {
                    throw ConfigException.forKey(path, "is a section, expected a mapping of its"
                            + " keys (e.g. " + path + ": {key: value}), got "
                            + ValueText.describe(node)).in(where);
                }
            } else if (!(stored && schema.isRetired(path))) {
                throw schema.unknownKey(path).in(where);
            }
        }
    }

    private static void applyOverride(ConfigSchema schema, String override,
            Map<String, Object> values) {
        String shown = ValueText.quote(override == null ? "null" : override);
        if (override == null) {
            throw new ConfigException("malformed override " + shown + ": expected key=value");
        }
        int eq = override.indexOf('=');
        if (eq < 0) {
            throw new ConfigException("malformed override " + shown
                    + ": expected key=value (e.g. train.lr=0.001), no '=' found");
        }
        String key = override.substring(0, eq).trim();
        String text = override.substring(eq + 1).trim();
        if (key.isEmpty()) {
            throw new ConfigException("malformed override " + shown
                    + ": expected key=value, the key before '=' is empty");
        }
        try {
            values.put(key, schema.option(key).parse(text));
        } catch (ConfigException e) {
            throw e.in("in override " + shown);
        }
    }
}
