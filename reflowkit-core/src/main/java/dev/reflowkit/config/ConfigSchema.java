package dev.reflowkit.config;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * An ordered registry of {@link Option}s, grouped into sections by the first key segment
 * ({@code train.lr} is in section {@code train}; a key without a dot, such as {@code seed}, is in
 * the top-level section {@code ""}). Immutable.
 *
 * <pre>{@code
 * ConfigSchema schema = ConfigSchema.builder()
 *         .add(Option.ofLong("seed", 0).optAtLeast(0).setDescription("Master seed.").build())
 *         .describeSection("train", "Optimisation.")
 *         .add(Option.ofInt("train.steps", 1000).optAtLeast(1).setDescription("Steps.").build())
 *         .build();
 * Config defaults = schema.defaults();
 * }</pre>
 */
public final class ConfigSchema {

    private final Map<String, Option<?>> options;
    private final Set<String> prefixes;
    private final Map<String, List<Option<?>>> sections;
    private final Map<String, String> sectionDescriptions;
    private final Map<String, String> retired;
    private final Config defaults;

    private ConfigSchema(Builder b) {
        this.options = Collections.unmodifiableMap(new LinkedHashMap<>(b.options));
        Set<String> p = new LinkedHashSet<>();
        Map<String, List<Option<?>>> s = new LinkedHashMap<>();
        for (Option<?> o : options.values()) {
            String k = o.key();
            for (int dot = k.indexOf('.'); dot >= 0; dot = k.indexOf('.', dot + 1)) {
                p.add(k.substring(0, dot));
            }
            s.computeIfAbsent(o.section(), x -> new ArrayList<>()).add(o);
        }
        s.replaceAll((k, v) -> List.copyOf(v));
        this.prefixes = Collections.unmodifiableSet(p);
        this.sections = Collections.unmodifiableMap(s);
        this.sectionDescriptions = Map.copyOf(b.sectionDescriptions);
        this.retired = Map.copyOf(b.retired);
        Map<String, Object> values = new LinkedHashMap<>();
        for (Option<?> o : options.values()) {
            values.put(o.key(), o.defaultValue());
        }
        this.defaults = new Config(this, values);
    }

    /**
     * Starts an empty schema.
     *
     * @return a builder
     */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * All options, in declaration order.
     *
     * @return the options
     */
    public List<Option<?>> options() {
        return List.copyOf(options.values());
    }

    /**
     * All keys, in declaration order.
     *
     * @return the dotted keys
     */
    public Set<String> keys() {
        return options.keySet();
    }

    /**
     * The section names in order of first appearance ({@code ""} is the top level).
     *
     * @return the section names
     */
    public List<String> sections() {
        return List.copyOf(sections.keySet());
    }

    /**
     * The options of one section, in declaration order.
     *
     * @param section a section name from {@link #sections()}
     * @return the options
     * @throws IllegalArgumentException if there is no such section
     */
    public List<Option<?>> optionsIn(String section) {
        List<Option<?>> list = sections.get(section);
        if (list == null) {
            throw new IllegalArgumentException("no section '" + section + "' in " + sections());
        }
        return list;
    }

    /**
     * The one-line description of a section, or {@code ""} if none was given.
     *
     * @param section the section name
     * @return the description
     */
    public String sectionDescription(String section) {
        return sectionDescriptions.getOrDefault(section, "");
    }

    /**
     * Whether {@code key} is an option of this schema.
     *
     * @param key a dotted key
     * @return true if declared
     */
    public boolean contains(String key) {
        return options.containsKey(key);
    }

    /**
     * Finds an option.
     *
     * @param key a dotted key
     * @return the option, or empty
     */
    public Optional<Option<?>> find(String key) {
        return Optional.ofNullable(options.get(key));
    }

    /**
     * The option for {@code key}.
     *
     * @param key a dotted key
     * @return the option
     * @throws ConfigException for an unknown key, with a "did you mean" suggestion if one is close
     */
    public Option<?> option(String key) {
        Option<?> o = options.get(key);
        if (o == null) {
            throw unknownKey(key);
        }
        return o;
    }

    /**
     * The default values.
     *
     * @return the config of all defaults
     */
    public Config defaults() {
        return defaults;
    }

    /** Whether {@code path} is a section (a proper prefix of some key, e.g. {@code train}). */
    boolean isSection(String path) {
        return prefixes.contains(path);
    }

    /**
     * The error for an unknown key: suggests close keys or sections, else lists what is known
     * where the key points.
     */
    ConfigException unknownKey(String key) {
        if (retired.containsKey(key)) {
            return ConfigException.forKey(key, "was removed: " + retired.get(key));
        }
        if (isSection(key)) {
            return ConfigException.forKey(key, "is a section, not an option; set one of its keys: "
                    + String.join(", ", childNames(key)));
        }
        List<String> candidates = new ArrayList<>(options.keySet());
        candidates.addAll(prefixes);
        List<String> near = Suggestions.closest(key, candidates);
        if (near.isEmpty()) {
            near = sameLastSegment(key);
        }
        if (!near.isEmpty()) {
            return ConfigException.forKey(key,
                    "unknown key; did you mean " + Suggestions.orList(near) + "?");
        }
        int dot = key.lastIndexOf('.');
        String parent = dot < 0 ? "" : key.substring(0, dot);
        if (isSection(parent)) {
            return ConfigException.forKey(key, "unknown key; '" + parent + "' has: "
                    + String.join(", ", childNames(parent)));
        }
        return ConfigException.forKey(key, "unknown key; top-level keys are: "
                + String.join(", ", childNames("")));
    }

    /**
     * Whether a key was an option of earlier versions: stored configurations (checkpoints, run
     * directories) that hold it still load, ignoring it; a user's file or override is an error
     * that names the replacement.
     *
     * @param key a dotted key
     * @return true for a retired key
     */
    public boolean isRetired(String key) {
        return retired.containsKey(key);
    }

    /** Keys whose last segment equals (or is one edit from) the unknown key's last segment. */
    private List<String> sameLastSegment(String key) {
        String last = key.substring(key.lastIndexOf('.') + 1);
        List<String> found = new ArrayList<>();
        for (String k : options.keySet()) {
            String kl = k.substring(k.lastIndexOf('.') + 1);
            boolean close = kl.equals(last) || last.length() >= 4 && Suggestions.distance(kl, last) <= 1;
            if (close && !k.equals(key) && found.size() < 3) {
                found.add(k);
            }
        }
        return found;
    }

    /** The distinct next segments under {@code parent} ({@code ""} for the top level). */
    private List<String> childNames(String parent) {
        Set<String> names = new LinkedHashSet<>();
        String prefix = parent.isEmpty() ? "" : parent + ".";
        for (String k : options.keySet()) {
            if (k.startsWith(prefix)) {
                String rest = k.substring(prefix.length());
                int dot = rest.indexOf('.');
                names.add(dot < 0 ? rest : rest.substring(0, dot));
            }
        }
        return List.copyOf(names);
    }

    @Override
    public String toString() {
        return "ConfigSchema" + sections() + " (" + options.size() + " options)";
    }

    /** Builder for {@link ConfigSchema}. */
    public static final class Builder {

        private final Map<String, Option<?>> options = new LinkedHashMap<>();
        private final Map<String, String> sectionDescriptions = new LinkedHashMap<>();
        private final Map<String, String> retired = new LinkedHashMap<>();

        private Builder() {}

        /**
         * Retires an option of earlier versions ({@link ConfigSchema#isRetired}).
         *
         * @param key the old key
         * @param replacement what to use instead, for the error message
         * @return this builder
         */
        public Builder retire(String key, String replacement) {
            retired.put(key, replacement);
            return this;
        }

        /**
         * Adds an option; options keep the order in which they are added.
         *
         * @param option the option
         * @return this builder
         * @throws IllegalArgumentException if the key is already declared
         */
        public Builder add(Option<?> option) {
            if (options.putIfAbsent(option.key(), option) != null) {
                throw new IllegalArgumentException("option '" + option.key() + "' declared twice");
            }
            return this;
        }

        /**
         * Sets the one-line description of a section (shown in the docs).
         *
         * @param section the section name (first key segment)
         * @param description what the section configures
         * @return this builder
         */
        public Builder describeSection(String section, String description) {
            sectionDescriptions.put(section, description);
            return this;
        }

        /**
         * Builds the schema.
         *
         * @return the schema
         * @throws IllegalArgumentException if empty, if a key is also a section of other keys,
         *     or if a described section has no options
         */
        public ConfigSchema build() {
            if (options.isEmpty()) {
                throw new IllegalArgumentException("a schema needs at least one option");
            }
            for (String k : options.keySet()) {
                for (int dot = k.indexOf('.'); dot >= 0; dot = k.indexOf('.', dot + 1)) {
                    if (options.containsKey(k.substring(0, dot))) {
                        throw new IllegalArgumentException("'" + k.substring(0, dot)
                                + "' is both an option and the section of '" + k + "'");
                    }
                }
            }
            for (String s : sectionDescriptions.keySet()) {
                boolean used = options.values().stream().anyMatch(o -> o.section().equals(s));
                if (!used) {
                    throw new IllegalArgumentException("described section '" + s
                            + "' has no options");
                }
            }
            return new ConfigSchema(this);
        }
    }
}
