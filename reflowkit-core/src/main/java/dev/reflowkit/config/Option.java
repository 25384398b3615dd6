package dev.reflowkit.config;

import com.fasterxml.jackson.databind.JsonNode;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.function.Predicate;
import java.util.regex.Pattern;

/**
 * One typed configuration option: a dotted key such as {@code train.lr}, a type, a default value,
 * validation and a one-line description.
 *
 * <p>Validation is strict: numeric bounds (inclusive or exclusive; applied to each element of a
 * numeric list), the allowed choices of a {@link OptionType#CHOICE} option, and optional extra
 * rules such as "even". Values are never silently coerced: {@code 1.5} is not an integer, and an
 * integer is accepted for a double only because widening loses nothing.
 *
 * <pre>{@code
 * Option<Double> lr = Option.ofDouble("train.lr", 1e-3)
 *         .optGreaterThan(0)
 *         .setDescription("Peak learning rate.")
 *         .build();
 * double v = lr.parse("2e-4");   // 2.0E-4
 * lr.parse("-1");                // ConfigException "train.lr: must be > 0, got -1"
 * }</pre>
 *
 * @param <T> the Java type of values: Integer, Long, Double, Boolean, String or a List of them
 */
public final class Option<T> {

    private static final Pattern KEY = Pattern.compile("[a-z][a-z0-9_]*(\\.[a-z][a-z0-9_]*)*");
    private static final Pattern INTEGER = Pattern.compile("[+-]?\\d+");
    private static final Pattern DECIMAL =
            Pattern.compile("[+-]?(\\d+\\.?\\d*|\\.\\d+)([eE][+-]?\\d+)?");
    private static final BigInteger INT_MIN = BigInteger.valueOf(Integer.MIN_VALUE);
    private static final BigInteger INT_MAX = BigInteger.valueOf(Integer.MAX_VALUE);
    private static final BigInteger LONG_MIN = BigInteger.valueOf(Long.MIN_VALUE);
    private static final BigInteger LONG_MAX = BigInteger.valueOf(Long.MAX_VALUE);

    private final String key;
    private final OptionType type;
    private final T defaultValue;
    private final Double min;
    private final boolean minInclusive;
    private final Double max;
    private final boolean maxInclusive;
    private final List<String> choices;
    private final List<Rule> rules;
    private final String description;

    /** An extra check with the requirement it expresses, e.g. "even". */
    private record Rule(Predicate<Object> test, String requirement) {}

    private Option(Builder<T> b) {
        this.key = b.key;
        this.type = b.type;
        this.defaultValue = b.defaultValue;
        this.min = b.min;
        this.minInclusive = b.minInclusive;
        this.max = b.max;
        this.maxInclusive = b.maxInclusive;
        this.choices = b.choices;
        this.rules = List.copyOf(b.rules);
        this.description = b.description;
    }

    /**
     * Starts an int option.
     *
     * @param key the dotted key
     * @param defaultValue the default
     * @return a builder
     */
    public static Builder<Integer> ofInt(String key, int defaultValue) {
        return new Builder<>(key, OptionType.INT, defaultValue, List.of());
    }

    /**
     * Starts a long option.
     *
     * @param key the dotted key
     * @param defaultValue the default
     * @return a builder
     */
    public static Builder<Long> ofLong(String key, long defaultValue) {
        return new Builder<>(key, OptionType.LONG, defaultValue, List.of());
    }

    /**
     * Starts a double option.
     *
     * @param key the dotted key
     * @param defaultValue the default
     * @return a builder
     */
    public static Builder<Double> ofDouble(String key, double defaultValue) {
        return new Builder<>(key, OptionType.DOUBLE, defaultValue, List.of());
    }

    /**
     * Starts a boolean option.
     *
     * @param key the dotted key
     * @param defaultValue the default
     * @return a builder
     */
    public static Builder<Boolean> ofBoolean(String key, boolean defaultValue) {
        return new Builder<>(key, OptionType.BOOLEAN, defaultValue, List.of());
    }

    /**
     * Starts a free-form string option.
     *
     * @param key the dotted key
     * @param defaultValue the default
     * @return a builder
     */
    public static Builder<String> ofString(String key, String defaultValue) {
        return new Builder<>(key, OptionType.STRING, defaultValue, List.of());
    }

    /**
     * Starts a choice option: a string from a fixed set (exact, case-sensitive match).
     *
     * @param key the dotted key
     * @param defaultValue the default, one of {@code choices}
     * @param choices the allowed values, in the order shown to users
     * @return a builder
     */
    public static Builder<String> ofChoice(String key, String defaultValue, String... choices) {
        return new Builder<>(key, OptionType.CHOICE, defaultValue, List.of(choices));
    }

    /**
     * Starts a list-of-ints option.
     *
     * @param key the dotted key
     * @param defaultValue the default (copied)
     * @return a builder
     */
    public static Builder<List<Integer>> ofIntList(String key, List<Integer> defaultValue) {
        return new Builder<>(key, OptionType.INT_LIST, List.copyOf(defaultValue), List.of());
    }

    /**
     * Starts a list-of-doubles option.
     *
     * @param key the dotted key
     * @param defaultValue the default (copied)
     * @return a builder
     */
    public static Builder<List<Double>> ofDoubleList(String key, List<Double> defaultValue) {
        return new Builder<>(key, OptionType.DOUBLE_LIST, List.copyOf(defaultValue), List.of());
    }

    /**
     * Starts a list-of-strings option.
     *
     * @param key the dotted key
     * @param defaultValue the default (copied)
     * @return a builder
     */
    public static Builder<List<String>> ofStringList(String key, List<String> defaultValue) {
        return new Builder<>(key, OptionType.STRING_LIST, List.copyOf(defaultValue), List.of());
    }

    /**
     * The dotted key, e.g. {@code train.lr}.
     *
     * @return the key
     */
    public String key() {
        return key;
    }

    /**
     * The section: the first key segment, or {@code ""} for a top-level key such as {@code seed}.
     *
     * @return the section name
     */
    public String section() {
        int dot = key.indexOf('.');
        return dot < 0 ? "" : key.substring(0, dot);
    }

    /**
     * The value type.
     *
     * @return the type
     */
    public OptionType type() {
        return type;
    }

    /**
     * The default value (immutable).
     *
     * @return the default
     */
    public T defaultValue() {
        return defaultValue;
    }

    /**
     * The one-line description.
     *
     * @return the description
     */
    public String description() {
        return description;
    }

    /**
     * The allowed values of a choice option, in declaration order; empty for other types.
     *
     * @return the choices
     */
    public List<String> choices() {
        return choices;
    }

    /**
     * The numeric bounds as text, e.g. {@code "> 0"}, {@code ">= 1"} or {@code "in [0, 1)"};
     * empty when unbounded.
     *
     * @return the bounds text, or {@code ""}
     */
    public String boundsText() {
        if (min != null && max != null) {
            return "in " + (minInclusive ? "[" : "(") + ValueText.human(min) + ", "
                    + ValueText.human(max) + (maxInclusive ? "]" : ")");
        }
        if (min != null) {
            return (minInclusive ? ">= " : "> ") + ValueText.human(min);
        }
        if (max != null) {
            return (maxInclusive ? "<= " : "< ") + ValueText.human(max);
        }
        return "";
    }

    /**
     * The extra rules' requirements, e.g. {@code ["even"]}.
     *
     * @return the requirement texts, in declaration order
     */
    public List<String> ruleTexts() {
        List<String> out = new ArrayList<>();
        for (Rule r : rules) {
            out.add(r.requirement());
        }
        return out;
    }

    /**
     * A value as text for docs and messages: numbers without a trailing {@code .0}, lists as
     * {@code [a, b]}, strings unquoted.
     *
     * @param value a value of this option
     * @return the text
     */
    public String format(T value) {
        return ValueText.human(value);
    }

    /**
     * Parses and validates a value written as text, as in {@code --set key=value}. Lists are
     * written {@code [1,2,4]} or {@code 1,2,4}; {@code []} or an empty text is the empty list.
     *
     * @param text the value text
     * @return the value
     * @throws ConfigException naming the key when the text is not a valid value
     */
    public T parse(String text) {
        Objects.requireNonNull(text, "text");
        Object v = type.isList() ? listFromText(text) : scalarFromText(key, type, text);
        return checked(v);
    }

    /**
     * Checks a value against the type, bounds, choices and rules.
     *
     * @param value the value
     * @throws ConfigException naming the key when the value is invalid
     */
    public void validate(T value) {
        validateObject(value);
    }

    /** Converts and validates a parsed JSON/YAML node. */
    T fromNode(JsonNode node) {
        Object v;
        if (type.isList()) {
            v = listFromNode(node);
        } else if (node != null && node.isObject()) {
            throw ConfigException.forKey(key, "is an option, not a section; expected "
                    + expected(type) + ", got a mapping");
        } else {
            v = scalarFromNode(key, type, node);
        }
        return checked(v);
    }

    /** Converts and validates a Java value given to {@link Config#with}. */
    T coerce(Object value) {
        if (value instanceof String s) {
            return parse(s);
        }
        Object v = type.isList() ? listFromObject(value) : scalarFromObject(key, type, value);
        return checked(v);
    }

    /** Validates a value of unknown static type (it must have this option's Java type). */
    void validateObject(Object value) {
        if (type.isList()) {
            if (!(value instanceof List<?> list)) {
                throw ConfigException.forKey(key, "expected " + expected(type) + ", got "
                        + (value == null ? "nothing (null)" : ValueText.shown(value)));
            }
            for (int i = 0; i < list.size(); i++) {
                checkScalar(key + "[" + i + "]", type.elementType(), list.get(i));
            }
        } else {
            checkScalar(key, type, value);
        }
        for (Rule r : rules) {
            if (!r.test().test(value)) {
                throw ConfigException.forKey(key,
                        "must be " + r.requirement() + ", got " + ValueText.shown(value));
            }
        }
    }

    @SuppressWarnings("unchecked")
    private T checked(Object v) {
        validateObject(v);
        return (T) v;
    }

    private String expected(OptionType t) {
        if (t == OptionType.CHOICE) {
            return "one of " + String.join(", ", choices);
        }
        return t.expected();
    }

    private void checkScalar(String where, OptionType t, Object v) {
        boolean ok = switch (t) {
            case INT -> v instanceof Integer;
            case LONG -> v instanceof Long;
            case DOUBLE -> v instanceof Double;
            case BOOLEAN -> v instanceof Boolean;
            default -> v instanceof String;
        };
        if (!ok) {
            throw ConfigException.forKey(where, "expected " + expected(t) + ", got "
                    + (v == null ? "nothing (null)" : ValueText.shown(v)));
        }
        if (v instanceof Double d && !Double.isFinite(d)) {
            throw ConfigException.forKey(where, "expected a finite number, got " + d);
        }
        if (t.isNumeric()) {
            double x = ((Number) v).doubleValue();
            boolean belowMin = min != null && (minInclusive ? x < min : x <= min);
            boolean aboveMax = max != null && (maxInclusive ? x > max : x >= max);
            if (belowMin || aboveMax) {
                throw ConfigException.forKey(where,
                        "must be " + boundsText() + ", got " + ValueText.shown(v));
            }
        }
        if (t == OptionType.CHOICE && !choices.contains(v)) {
            String s = (String) v;
            String msg = "must be one of " + String.join(", ", choices) + "; got "
                    + ValueText.quote(s);
            List<String> near = Suggestions.closest(s.toLowerCase(Locale.ROOT), choices);
            if (!near.isEmpty()) {
                msg += " (did you mean " + Suggestions.orList(near) + "?)";
            }
            throw ConfigException.forKey(where, msg);
        }
    }

    private Object scalarFromText(String where, OptionType t, String raw) {
        if (t == OptionType.STRING || t == OptionType.CHOICE) {
            return raw;
        }
        String text = raw.trim();
        switch (t) {
            case INT, LONG -> {
                if (!INTEGER.matcher(text).matches()) {
                    throw mismatch(where, t, ValueText.quote(raw));
                }
                return integerInRange(where, t, new BigInteger(text.replace("+", "")));
            }
            case DOUBLE -> {
                if (!DECIMAL.matcher(text).matches()) {
                    throw mismatch(where, t, ValueText.quote(raw));
                }
                double d = Double.parseDouble(text);
                if (!Double.isFinite(d)) {
                    throw ConfigException.forKey(where,
                            "expected a finite number, got " + ValueText.quote(raw));
                }
                return d;
            }
            case BOOLEAN -> {
                if (text.equalsIgnoreCase("true")) {
                    return Boolean.TRUE;
                }
                if (text.equalsIgnoreCase("false")) {
                    return Boolean.FALSE;
                }
                throw mismatch(where, t, ValueText.quote(raw));
            }
            default -> throw new IllegalStateException("not a scalar type: " + t);
        }
    }

    private Object integerInRange(String where, OptionType t, BigInteger b) {
        boolean isInt = t == OptionType.INT;
        BigInteger lo = isInt ? INT_MIN : LONG_MIN;
        BigInteger hi = isInt ? INT_MAX : LONG_MAX;
        if (b.compareTo(lo) < 0 || b.compareTo(hi) > 0) {
            throw ConfigException.forKey(where, "expected an integer in [" + lo + ", " + hi
                    + "], got " + b);
        }
        return isInt ? (Object) b.intValue() : (Object) b.longValue();
    }

    private Object scalarFromNode(String where, OptionType t, JsonNode node) {
        if (node == null || node.isNull() || node.isMissingNode()) {
            throw mismatch(where, t, ValueText.describe(node));
        }
        if (node.isTextual()) {
            return scalarFromText(where, t, node.textValue());
        }
        switch (t) {
            case INT, LONG -> {
                if (node.isIntegralNumber()) {
                    return integerInRange(where, t, node.bigIntegerValue());
                }
            }
            case DOUBLE -> {
                if (node.isNumber()) {
                    double d = node.doubleValue();
                    if (!Double.isFinite(d)) {
                        throw ConfigException.forKey(where,
                                "expected a finite number, got " + node.asText());
                    }
                    return d;
                }
            }
            case BOOLEAN -> {
                if (node.isBoolean()) {
                    return node.booleanValue();
                }
            }
            default -> {
                // strings were handled above; anything else is a mismatch
            }
        }
        throw mismatch(where, t, ValueText.describe(node));
    }

    private Object scalarFromObject(String where, OptionType t, Object v) {
        if (v instanceof String s) {
            return scalarFromText(where, t, s);
        }
        switch (t) {
            case INT, LONG -> {
                if (v instanceof Integer || v instanceof Long || v instanceof Short
                        || v instanceof Byte || v instanceof BigInteger) {
                    return integerInRange(where, t, new BigInteger(v.toString()));
                }
            }
            case DOUBLE -> {
                if (v instanceof Number n) {
                    return n.doubleValue();
                }
            }
            case BOOLEAN -> {
                if (v instanceof Boolean) {
                    return v;
                }
            }
            default -> {
                // strings were handled above; anything else is a mismatch
            }
        }
        throw mismatch(where, t, v == null ? "nothing (null)" : ValueText.shown(v));
    }

    private List<Object> listFromText(String raw) {
        String s = raw.trim();
        boolean open = s.startsWith("[");
        boolean close = s.endsWith("]");
        if (open != close) {
            throw ConfigException.forKey(key, "expected " + expected(type) + " written "
                    + listExample() + ", got " + ValueText.quote(raw));
        }
        if (open) {
            s = s.substring(1, s.length() - 1).trim();
        }
        if (s.isEmpty()) {
            return List.of();
        }
        String[] parts = s.split(",", -1);
        List<Object> out = new ArrayList<>(parts.length);
        for (int i = 0; i < parts.length; i++) {
            String p = parts[i].trim();
            if (type == OptionType.STRING_LIST) {
                p = unquote(p);
            }
            out.add(scalarFromText(key + "[" + i + "]", type.elementType(), p));
        }
        return Collections.unmodifiableList(out);
    }

    private List<Object> listFromNode(JsonNode node) {
        if (node != null && node.isTextual()) {
            return listFromText(node.textValue());
        }
        if (node == null || !node.isArray()) {
            String prefix = node != null && node.isObject() ? "is an option, not a section; " : "";
            throw ConfigException.forKey(key, prefix + "expected " + expected(type) + " written "
                    + listExample() + ", got " + ValueText.describe(node));
        }
        List<Object> out = new ArrayList<>(node.size());
        for (int i = 0; i < node.size(); i++) {
            out.add(scalarFromNode(key + "[" + i + "]", type.elementType(), node.get(i)));
        }
        return Collections.unmodifiableList(out);
    }

    private List<Object> listFromObject(Object value) {
        List<Object> items = new ArrayList<>();
        if (value instanceof Collection<?> c) {
            items.addAll(c);
        } else if (value instanceof int[] a) {
            for (int x : a) {
                items.add(x);
            }
        } else if (value instanceof long[] a) {
            for (long x : a) {
                items.add(x);
            }
        } else if (value instanceof double[] a) {
            for (double x : a) {
                items.add(x);
            }
        } else {
            throw mismatch(key, type, value == null ? "nothing (null)" : ValueText.shown(value));
        }
        List<Object> out = new ArrayList<>(items.size());
        for (int i = 0; i < items.size(); i++) {
            out.add(scalarFromObject(key + "[" + i + "]", type.elementType(), items.get(i)));
        }
        return Collections.unmodifiableList(out);
    }

    private String listExample() {
        return switch (type) {
            case INT_LIST -> "[1,2,4] or 1,2,4";
            case DOUBLE_LIST -> "[0.5,1.5] or 0.5,1.5";
            default -> "[a,b] or a,b";
        };
    }

    private static String unquote(String p) {
        if (p.length() >= 2 && (p.startsWith("\"") && p.endsWith("\"")
                || p.startsWith("'") && p.endsWith("'"))) {
            return p.substring(1, p.length() - 1);
        }
        return p;
    }

    private ConfigException mismatch(String where, OptionType t, String got) {
        return ConfigException.forKey(where, "expected " + expected(t) + ", got " + got);
    }

    @Override
    public String toString() {
        return "Option[" + key + ": " + type.typeName() + " = " + format(defaultValue) + "]";
    }

    /**
     * Builder for {@link Option}: {@code setDescription} is required; bounds, and rules are
     * optional.
     *
     * @param <T> the value type
     */
    public static final class Builder<T> {

        private final String key;
        private final OptionType type;
        private final T defaultValue;
        private final List<String> choices;
        private final List<Rule> rules = new ArrayList<>();
        private Double min;
        private boolean minInclusive;
        private Double max;
        private boolean maxInclusive;
        private String description;

        private Builder(String key, OptionType type, T defaultValue, List<String> choices) {
            this.key = key;
            this.type = type;
            this.defaultValue = defaultValue;
            this.choices = choices;
        }

        /**
         * Sets the one-line description (required).
         *
         * @param description what the option does, one line
         * @return this builder
         */
        public Builder<T> setDescription(String description) {
            this.description = description;
            return this;
        }

        /**
         * Requires values (or list elements) {@code >= bound}.
         *
         * @param bound the inclusive lower bound
         * @return this builder
         */
        public Builder<T> optAtLeast(double bound) {
            return lower(bound, true);
        }

        /**
         * Requires values (or list elements) {@code > bound}.
         *
         * @param bound the exclusive lower bound
         * @return this builder
         */
        public Builder<T> optGreaterThan(double bound) {
            return lower(bound, false);
        }

        /**
         * Requires values (or list elements) {@code <= bound}.
         *
         * @param bound the inclusive upper bound
         * @return this builder
         */
        public Builder<T> optAtMost(double bound) {
            return upper(bound, true);
        }

        /**
         * Requires values (or list elements) {@code < bound}.
         *
         * @param bound the exclusive upper bound
         * @return this builder
         */
        public Builder<T> optLessThan(double bound) {
            return upper(bound, false);
        }

        /**
         * Adds an extra rule on the whole value; a failing value gives
         * {@code "key: must be <requirement>, got <value>"}.
         *
         * @param test the check, given an already type- and bounds-checked value
         * @param requirement what the rule requires, e.g. {@code "even"}
         * @return this builder
         */
        @SuppressWarnings("unchecked")
        public Builder<T> optRule(Predicate<? super T> test, String requirement) {
            Objects.requireNonNull(test, "test");
            Objects.requireNonNull(requirement, "requirement");
            rules.add(new Rule(v -> ((Predicate<Object>) test).test(v), requirement));
            return this;
        }

        private Builder<T> lower(double bound, boolean inclusive) {
            if (min != null) {
                throw new IllegalStateException(key + ": lower bound set twice");
            }
            min = bound;
            minInclusive = inclusive;
            return this;
        }

        private Builder<T> upper(double bound, boolean inclusive) {
            if (max != null) {
                throw new IllegalStateException(key + ": upper bound set twice");
            }
            max = bound;
            maxInclusive = inclusive;
            return this;
        }

        /**
         * Builds the option and checks that its default is valid.
         *
         * @return the option
         * @throws IllegalArgumentException if the key, description, bounds, choices or default
         *     are inconsistent
         */
        public Option<T> build() {
            if (key == null || !KEY.matcher(key).matches()) {
                throw new IllegalArgumentException("bad option key '" + key
                        + "': use lower-case segments [a-z][a-z0-9_]* joined by dots");
            }
            if (description == null || description.isBlank() || description.contains("\n")) {
                throw new IllegalArgumentException(key + ": a one-line description is required");
            }
            if ((min != null || max != null) && !type.isNumeric()) {
                throw new IllegalArgumentException(key + ": bounds on a non-numeric "
                        + type.typeName() + " option");
            }
            if (min != null && max != null && (min > max
                    || min.equals(max) && !(minInclusive && maxInclusive))) {
                throw new IllegalArgumentException(key + ": empty range");
            }
            if (type == OptionType.CHOICE) {
                if (choices.isEmpty() || choices.size() != choices.stream().distinct().count()) {
                    throw new IllegalArgumentException(key + ": choices must be non-empty and "
                            + "distinct, got " + choices);
                }
            }
            Option<T> option = new Option<>(this);
            try {
                option.validate(defaultValue);
            } catch (ConfigException e) {
                throw new IllegalArgumentException("invalid default: " + e.getMessage(), e);
            }
            return option;
        }
    }
}
