package dev.reflowkit.config;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;
import java.util.Locale;
import java.util.regex.Pattern;

/** Text forms of values: for messages and docs (human) and for YAML (canonical, re-readable). */
final class ValueText {

    private static final int MAX_SHOWN = 60;
    private static final Pattern PLAIN_YAML = Pattern.compile("[A-Za-z_/][A-Za-z0-9_./:+\\-]*");
    private static final List<String> YAML_RESERVED =
            List.of("true", "false", "yes", "no", "on", "off", "y", "n", "null");

    private ValueText() {}

    /**
     * A short human form of a double: {@code -1}, {@code 0.001}, {@code 1e-05} style without
     * trailing {@code .0}.
     */
    static String human(double d) {
        String s = Double.toString(d).replace(".0E", "E");
        if (s.endsWith(".0")) {
            s = s.substring(0, s.length() - 2);
        }
        return s.toLowerCase(Locale.ROOT);
    }

    /** A human form of any option value (lists as {@code [a, b]}, strings unquoted). */
    static String human(Object value) {
        if (value instanceof Double d) {
            return human(d.doubleValue());
        }
        if (value instanceof List<?> list) {
            StringBuilder sb = new StringBuilder("[");
            for (int i = 0; i < list.size(); i++) {
                sb.append(i == 0 ? "" : ", ").append(human(list.get(i)));
            }
            return sb.append(']').toString();
        }
        return String.valueOf(value);
    }

    /** A value as shown after "got" in a message: strings quoted and shortened, numbers bare. */
    static String shown(Object value) {
        if (value instanceof String s) {
            return quote(s);
        }
        return human(value);
    }

    /** A string in single quotes, control characters escaped, shortened to one line. */
    static String quote(String s) {
        String t = s.replace("\\", "\\\\").replace("\n", "\\n").replace("\r", "\\r")
                .replace("\t", "\\t");
        if (t.length() > MAX_SHOWN) {
            t = t.substring(0, MAX_SHOWN) + "...";
        }
        return "'" + t + "'";
    }

    /** What a JSON/YAML node is, for "got ..." in messages. */
    static String describe(JsonNode node) {
        if (node == null || node.isNull() || node.isMissingNode()) {
            return "nothing (null)";
        }
        if (node.isObject()) {
            return "a mapping";
        }
        if (node.isArray()) {
            return "a list";
        }
        if (node.isTextual()) {
            return quote(node.textValue());
        }
        return node.asText();
    }

    /** A double in a form every YAML reader takes as a float: {@code 1.0e-5}, {@code 20000.0}. */
    static String yamlDouble(double d) {
        String s = Double.toString(d).replace('E', 'e');
        int e = s.indexOf('e');
        if (e >= 0 && s.charAt(e + 1) != '-') {
            s = s.substring(0, e + 1) + "+" + s.substring(e + 1);
        }
        return s;
    }

    /** A string as a YAML scalar: plain when unambiguous, else double-quoted with escapes. */
    static String yamlString(String s) {
        if (PLAIN_YAML.matcher(s).matches() && !YAML_RESERVED.contains(s.toLowerCase(Locale.ROOT))) {
            return s;
        }
        StringBuilder sb = new StringBuilder("\"");
        for (char c : s.toCharArray()) {
            switch (c) {
                case '"' -> sb.append("\\\"");
                case '\\' -> sb.append("\\\\");
                case '\n' -> sb.append("\\n");
                case '\r' -> sb.append("\\r");
                case '\t' -> sb.append("\\t");
                default -> {
                    if (c < 0x20 || c == 0x7f) {
                        sb.append(String.format(Locale.ROOT, "\\u%04x", (int) c));
                    } else {
                        sb.append(c);
                    }
                }
            }
        }
        return sb.append('"').toString();
    }

    /** Any option value as a YAML scalar or flow list. */
    static String yaml(Object value) {
        if (value instanceof Double d) {
            return yamlDouble(d);
        }
        if (value instanceof String s) {
            return yamlString(s);
        }
        if (value instanceof List<?> list) {
            StringBuilder sb = new StringBuilder("[");
            for (int i = 0; i < list.size(); i++) {
                sb.append(i == 0 ? "" : ", ").append(yaml(list.get(i)));
            }
            return sb.append(']').toString();
        }
        return String.valueOf(value);
    }
}
