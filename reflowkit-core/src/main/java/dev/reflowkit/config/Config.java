package dev.reflowkit.config;

import java.util.Collections;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Immutable resolved configuration: one valid value for every option of a {@link ConfigSchema}.
 *
 * <p>Typed getters fail with a {@link ConfigException} on an unknown key or when the option has
 * another type (no conversions except the lossless {@code getLong} of an int option:
 * {@code getDouble} on an int option is an error).
 *
 * <pre>{@code
 * Config c = ReflowConfig.schema().defaults().with("train.lr", 2e-4);
 * double lr = c.getDouble("train.lr");
 * String yaml = c.toYaml();                 // re-loads to an equal Config
 * Map<String, Object> changed = c.diffFromDefaults();   // {train.lr=2.0E-4}
 * boolean chosen = c.isSet("train.lr");                  // true: with() sets it
 * }</pre>
 *
 * <p>Besides its values a config knows which options were <em>set</em> (by a configuration file,
 * a {@code key=value} override or {@link #with}) rather than left at their defaults, so that a
 * default may adapt to the data where a chosen value must not ({@link #isSet}). Equality and the
 * YAML form hold the values only.
 */
public final class Config {

    private final ConfigSchema schema;
    private final Map<String, Object> values;
    private final Set<String> set;

    /** Wraps already validated values, one per schema key, in schema order; none of them set. */
    Config(ConfigSchema schema, Map<String, Object> values) {
        this(schema, values, Set.of());
    }

    /** Wraps already validated values and the keys among them that were set explicitly. */
    Config(ConfigSchema schema, Map<String, Object> values, Set<String> set) {
        this.schema = schema;
        this.values = Collections.unmodifiableMap(new LinkedHashMap<>(values));
        this.set = Set.copyOf(set);
    }

    /**
     * The schema these values follow.
     *
     * @return the schema
     */
    public ConfigSchema schema() {
        return schema;
    }

    /**
     * The value of {@code key}, whatever its type.
     *
     * @param key a dotted key
     * @return the value (Integer, Long, Double, Boolean, String or an immutable List)
     * @throws ConfigException for an unknown key
     */
    public Object get(String key) {
        schema.option(key);
        return values.get(key);
    }

    /**
     * The value of an option, typed.
     *
     * @param option an option of this config's schema
     * @param <T> its value type
     * @return the value
     * @throws ConfigException if the schema has no such option
     */
    @SuppressWarnings("unchecked")
    public <T> T get(Option<T> option) {
        if (schema.option(option.key()) != option) {
            throw ConfigException.forKey(option.key(),
                    "is a different option from the one in this config's schema");
        }
        return (T) values.get(option.key());
    }

    /**
     * An int option's value.
     *
     * @param key the dotted key
     * @return the value
     * @throws ConfigException for an unknown key or a non-int option
     */
    public int getInt(String key) {
        return (Integer) typed(key, OptionType.INT, "getInt");
    }

    /**
     * A long option's value.
     *
     * @param key the dotted key
     * @return the value
     * @throws ConfigException for an unknown key or a non-long option
     */
    public long getLong(String key) {
        if (schema.option(key).type() == OptionType.INT) {
            return getInt(key); // lossless widening
        }
        return (Long) typed(key, OptionType.LONG, "getLong");
    }

    /**
     * A double option's value.
     *
     * @param key the dotted key
     * @return the value
     * @throws ConfigException for an unknown key or a non-double option
     */
    public double getDouble(String key) {
        return (Double) typed(key, OptionType.DOUBLE, "getDouble");
    }

    /**
     * A boolean option's value.
     *
     * @param key the dotted key
     * @return the value
     * @throws ConfigException for an unknown key or a non-boolean option
     */
    public boolean getBoolean(String key) {
        return (Boolean) typed(key, OptionType.BOOLEAN, "getBoolean");
    }

    /**
     * A string or choice option's value.
     *
     * @param key the dotted key
     * @return the value
     * @throws ConfigException for an unknown key or an option of another type
     */
    public String getString(String key) {
        Option<?> o = schema.option(key);
        if (o.type() != OptionType.CHOICE) {
            return (String) typed(key, OptionType.STRING, "getString");
        }
        return (String) values.get(key);
    }

    /**
     * A list-of-ints option's value.
     *
     * @param key the dotted key
     * @return the immutable list
     * @throws ConfigException for an unknown key or an option of another type
     */
    @SuppressWarnings("unchecked")
    public List<Integer> getIntList(String key) {
        return (List<Integer>) typed(key, OptionType.INT_LIST, "getIntList");
    }

    /**
     * A list-of-doubles option's value.
     *
     * @param key the dotted key
     * @return the immutable list
     * @throws ConfigException for an unknown key or an option of another type
     */
    @SuppressWarnings("unchecked")
    public List<Double> getDoubleList(String key) {
        return (List<Double>) typed(key, OptionType.DOUBLE_LIST, "getDoubleList");
    }

    /**
     * A list-of-strings option's value.
     *
     * @param key the dotted key
     * @return the immutable list
     * @throws ConfigException for an unknown key or an option of another type
     */
    @SuppressWarnings("unchecked")
    public List<String> getStringList(String key) {
        return (List<String>) typed(key, OptionType.STRING_LIST, "getStringList");
    }

    /**
     * A copy with one value changed; the value is converted and validated like a file value.
     * Strings are parsed by the option's type ({@code with("eval.nfe", "1,2")} works), numbers
     * must fit without loss ({@code 1.5} for an int option is an error), and lists may be given
     * as a {@code Collection}, {@code int[]}, {@code long[]} or {@code double[]}.
     *
     * @param key the dotted key
     * @param value the new value
     * @return the modified copy
     * @throws ConfigException for an unknown key or an invalid value
     */
    public Config with(String key, Object value) {
        Object v = schema.option(key).coerce(value);
        Map<String, Object> copy = new LinkedHashMap<>(values);
        copy.put(key, v);
        Set<String> keys = new HashSet<>(set);
        keys.add(key);
        return new Config(schema, copy, keys);
    }

    /**
     * Whether an option was set explicitly: by the configuration file or a {@code key=value}
     * override it was loaded with ({@link ConfigLoader#load}), by an override applied to a stored
     * configuration ({@link ConfigLoader#fromMap}), or by {@link #with}. Options left at their
     * defaults, those a preset filled in, and the values of a stored configuration are not set.
     * Where a setting's default adapts to the data (e.g. {@code pairs.forward_count}), a set
     * value is taken as the user's choice and never adapted.
     *
     * @param key the dotted key
     * @return true if the option was set
     * @throws ConfigException for an unknown key
     */
    public boolean isSet(String key) {
        schema.option(key);
        return set.contains(key);
    }

    /**
     * All values by dotted key, in schema order.
     *
     * @return an immutable flat map
     */
    public Map<String, Object> toFlatMap() {
        return values;
    }

    /**
     * All values nested by key segment ({@code {train={lr=0.001, ...}, ...}}), in schema order;
     * ready for Jackson to write as a JSON or YAML record.
     *
     * @return a new nested map of LinkedHashMaps
     */
    public Map<String, Object> toNestedMap() {
        return nest(values);
    }

    /**
     * The full resolved config as YAML, nested by sections, in schema order. Doubles always
     * carry a decimal point, lists are written in flow style ({@code [1, 2, 4, 9]}), and strings
     * are quoted where YAML would otherwise read them as something else.
     *
     * @return the YAML text, ending with a newline
     */
    public String toYaml() {
        StringBuilder sb = new StringBuilder();
        writeYaml(sb, toNestedMap(), 0);
        return sb.toString();
    }

    /**
     * The values that differ from the schema defaults, by dotted key, in schema order.
     *
     * @return an immutable flat map, empty for the defaults
     */
    public Map<String, Object> diffFromDefaults() {
        Map<String, Object> diff = new LinkedHashMap<>();
        for (Option<?> o : schema.options()) {
            Object v = values.get(o.key());
            if (!v.equals(o.defaultValue())) {
                diff.put(o.key(), v);
            }
        }
        return Collections.unmodifiableMap(diff);
    }

    private Object typed(String key, OptionType expected, String getter) {
        Option<?> o = schema.option(key);
        if (o.type() != expected) {
            String name = o.type().typeName();
            String article = "aeiou".indexOf(name.charAt(0)) >= 0 ? "an " : "a ";
            throw ConfigException.forKey(key, "is " + article + name + " option; " + getter
                    + " reads " + expected.typeName() + " options");
        }
        return values.get(key);
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> nest(Map<String, Object> flat) {
        Map<String, Object> root = new LinkedHashMap<>();
        for (Map.Entry<String, Object> e : flat.entrySet()) {
            String[] parts = e.getKey().split("\\.");
            Map<String, Object> node = root;
            for (int i = 0; i < parts.length - 1; i++) {
                node = (Map<String, Object>) node.computeIfAbsent(parts[i],
                        x -> new LinkedHashMap<String, Object>());
            }
            node.put(parts[parts.length - 1], e.getValue());
        }
        return root;
    }

    @SuppressWarnings("unchecked")
    private static void writeYaml(StringBuilder sb, Map<String, Object> map, int indent) {
        for (Map.Entry<String, Object> e : map.entrySet()) {
            sb.append("  ".repeat(indent)).append(e.getKey()).append(':');
            if (e.getValue() instanceof Map<?, ?> child) {
                sb.append('\n');
                writeYaml(sb, (Map<String, Object>) child, indent + 1);
            } else {
                sb.append(' ').append(ValueText.yaml(e.getValue())).append('\n');
            }
        }
    }

    /**
     * Equal when both hold the same values for the same keys.
     *
     * @param o another object
     * @return whether equal
     */
    @Override
    public boolean equals(Object o) {
        return o instanceof Config c && values.equals(c.values);
    }

    @Override
    public int hashCode() {
        return values.hashCode();
    }

    /** The non-default values, e.g. {@code Config{train.lr=2e-4}}. */
    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder("Config{");
        boolean first = true;
        for (Map.Entry<String, Object> e : diffFromDefaults().entrySet()) {
            sb.append(first ? "" : ", ").append(e.getKey()).append('=')
                    .append(ValueText.human(e.getValue()));
            first = false;
        }
        return sb.append('}').toString();
    }
}
