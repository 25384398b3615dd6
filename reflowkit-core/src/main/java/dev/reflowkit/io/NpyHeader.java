package dev.reflowkit.io;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The dictionary in a {@code .npy} header, e.g.
 * {@code {'descr': '<f4', 'fortran_order': False, 'shape': (3, 2), }}: parsing (a strict subset of
 * Python literal syntax: strings, {@code True}/{@code False}/{@code None}, integers, tuples, lists,
 * dicts) and formatting.
 *
 * <p>Parsing only checks syntax and the presence and types of the three keys; whether the dtype
 * and order are supported is decided by {@link Npy}.
 *
 * @param descr the dtype string, e.g. {@code "<f4"}, or a description of a non-string descr
 * @param descrIsString whether {@code descr} was a plain dtype string (false for structured dtypes)
 * @param fortranOrder whether the data is in column-major order
 * @param shape the dimensions
 */
record NpyHeader(String descr, boolean descrIsString, boolean fortranOrder, long[] shape) {

    private static final Set<String> KEYS = Set.of("descr", "fortran_order", "shape");
    private static final int MAX_DEPTH = 32;

    /**
     * The header dictionary for a C-ordered little-endian float32 array, without padding.
     *
     * @param shape the dimensions
     * @return e.g. {@code {'descr': '<f4', 'fortran_order': False, 'shape': (3, 2), }}
     */
    static String formatFloat32(long[] shape) {
        StringBuilder sb = new StringBuilder("{'descr': '<f4', 'fortran_order': False, 'shape': (");
        for (int i = 0; i < shape.length; i++) {
            if (i > 0) {
                sb.append(", ");
            }
            sb.append(shape[i]);
        }
        if (shape.length == 1) {
            sb.append(',');
        }
        return sb.append("), }").toString();
    }

    /**
     * Parses a header dictionary.
     *
     * @param text the header text (padding and newline allowed)
     * @return the header
     * @throws IllegalArgumentException with a one-line reason if the text is not a valid header
     */
    static NpyHeader parse(String text) {
        Object value = new Parser(text).parseTop();
        if (!(value instanceof Map<?, ?> map)) {
            throw new IllegalArgumentException("the header is not a dictionary");
        }
        for (Object key : map.keySet()) {
            if (!KEYS.contains(key)) {
                throw new IllegalArgumentException("unexpected header key " + repr(key)
                        + " (expected exactly 'descr', 'fortran_order', 'shape')");
            }
        }
        for (String key : KEYS) {
            if (!map.containsKey(key)) {
                throw new IllegalArgumentException("the header lacks the key '" + key + "'");
            }
        }
        Object descr = map.get("descr");
        Object order = map.get("fortran_order");
        Object shape = map.get("shape");
        if (!(order instanceof Boolean)) {
            throw new IllegalArgumentException("'fortran_order' must be True or False, found " + repr(order));
        }
        if (!(shape instanceof Tuple tuple)) {
            throw new IllegalArgumentException("'shape' must be a tuple of integers, found " + repr(shape));
        }
        long[] dims = new long[tuple.items().size()];
        for (int i = 0; i < dims.length; i++) {
            Object dim = tuple.items().get(i);
            if (!(dim instanceof Long v) || v < 0) {
                throw new IllegalArgumentException(
                        "'shape' must be a tuple of non-negative integers, found " + repr(shape));
            }
            dims[i] = v;
        }
        boolean isString = descr instanceof String;
        return new NpyHeader(isString ? (String) descr : repr(descr), isString, (Boolean) order, dims);
    }

    /** A parsed Python tuple (distinct from a list). */
    record Tuple(List<Object> items) {}

    /** Marker for Python's {@code None}. */
    enum None { NONE }

    /** Python-like rendering of a parsed value, for messages. */
    static String repr(Object value) {
        if (value instanceof String s) {
            return "'" + s + "'";
        }
        if (value instanceof Boolean b) {
            return b ? "True" : "False";
        }
        if (value == None.NONE) {
            return "None";
        }
        if (value instanceof Tuple t) {
            StringBuilder sb = new StringBuilder("(");
            for (int i = 0; i < t.items().size(); i++) {
                sb.append(i > 0 ? ", " : "").append(repr(t.items().get(i)));
            }
            return sb.append(t.items().size() == 1 ? ",)" : ")").toString();
        }
        if (value instanceof List<?> l) {
            StringBuilder sb = new StringBuilder("[");
            for (int i = 0; i < l.size(); i++) {
                sb.append(i > 0 ? ", " : "").append(repr(l.get(i)));
            }
            return sb.append(']').toString();
        }
        if (value instanceof Map<?, ?> m) {
            StringBuilder sb = new StringBuilder("{");
            boolean first = true;
            for (Map.Entry<?, ?> e : m.entrySet()) {
                sb.append(first ? "" : ", ").append(repr(e.getKey())).append(": ").append(repr(e.getValue()));
                first = false;
            }
            return sb.append('}').toString();
        }
        return String.valueOf(value);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof NpyHeader h && descr.equals(h.descr) && descrIsString == h.descrIsString
                && fortranOrder == h.fortranOrder && Arrays.equals(shape, h.shape);
    }

    @Override
    public int hashCode() {
        return descr.hashCode() * 31 + Arrays.hashCode(shape) + (fortranOrder ? 1 : 0);
    }

    @Override
    public String toString() {
        return "NpyHeader[descr=" + descr + ", fortranOrder=" + fortranOrder + ", shape="
                + Arrays.toString(shape) + "]";
    }

    /** Recursive-descent parser for the Python literal subset used in headers. */
    private static final class Parser {

        private final String s;
        private int pos;
        private int depth;

        Parser(String s) {
            this.s = s;
        }

        Object parseTop() {
            skipSpace();
            if (pos >= s.length() || s.charAt(pos) != '{') {
                throw error("expected '{' at the start of the header");
            }
            Object value = parseValue();
            skipSpace();
            if (pos < s.length()) {
                throw error("unexpected text after the header dictionary");
            }
            return value;
        }

        private Object parseValue() {
            skipSpace();
            if (pos >= s.length()) {
                throw error("unexpected end of header");
            }
            if (++depth > MAX_DEPTH) {
                throw error("header nested too deeply");
            }
            try {
                char c = s.charAt(pos);
                if (c == '\'' || c == '"') {
                    return parseString();
                }
                if (c == '{') {
                    return parseDict();
                }
                if (c == '(') {
                    return parseTuple();
                }
                if (c == '[') {
                    pos++;
                    return parseItems(']');
                }
                if (c == '-' || c == '+' || Character.isDigit(c)) {
                    return parseInt();
                }
                if (Character.isLetter(c)) {
                    return parseName();
                }
                throw error("unexpected character '" + c + "'");
            } finally {
                depth--;
            }
        }

        private Map<String, Object> parseDict() {
            pos++; // '{'
            Map<String, Object> map = new LinkedHashMap<>();
            while (true) {
                skipSpace();
                if (peek('}')) {
                    pos++;
                    return map;
                }
                int keyPos = pos;
                if (!peek('\'') && !peek('"')) {
                    throw error("expected a string key or '}'");
                }
                String key = parseString();
                skipSpace();
                expect(':');
                Object value = parseValue();
                if (map.put(key, value) != null) {
                    pos = keyPos;
                    throw error("duplicate key '" + key + "'");
                }
                skipSpace();
                if (peek(',')) {
                    pos++;
                } else if (!peek('}')) {
                    throw error("expected ',' or '}'");
                }
            }
        }

        private Object parseTuple() {
            pos++; // '('
            skipSpace();
            if (peek(')')) {
                pos++;
                return new Tuple(List.of());
            }
            Object first = parseValue();
            skipSpace();
            if (peek(')')) { // (x) is just x in Python
                pos++;
                return first;
            }
            expect(',');
            List<Object> rest = parseItems(')');
            List<Object> items = new ArrayList<>(rest.size() + 1);
            items.add(first);
            items.addAll(rest);
            return new Tuple(List.copyOf(items));
        }

        /** Comma-separated values up to {@code close}, trailing comma allowed. */
        private List<Object> parseItems(char close) {
            List<Object> items = new ArrayList<>();
            while (true) {
                skipSpace();
                if (peek(close)) {
                    pos++;
                    return items;
                }
                items.add(parseValue());
                skipSpace();
                if (peek(',')) {
                    pos++;
                } else if (!peek(close)) {
                    throw error("expected ',' or '" + close + "'");
                }
            }
        }

        private String parseString() {
            char quote = s.charAt(pos++);
            StringBuilder sb = new StringBuilder();
            while (pos < s.length()) {
                char c = s.charAt(pos++);
                if (c == quote) {
                    return sb.toString();
                }
                if (c == '\n') {
                    break;
                }
                if (c == '\\' && pos < s.length()) {
                    char e = s.charAt(pos++);
                    if (e != '\\' && e != '\'' && e != '"') {
                        sb.append('\\');
                    }
                    sb.append(e);
                } else {
                    sb.append(c);
                }
            }
            throw error("unterminated string");
        }

        private Long parseInt() {
            int start = pos;
            if (peek('-') || peek('+')) {
                pos++;
            }
            int digits = pos;
            while (pos < s.length() && Character.isDigit(s.charAt(pos))) {
                pos++;
            }
            if (pos == digits) {
                pos = start;
                throw error("expected a number");
            }
            String text = s.substring(start, pos);
            if (pos < s.length() && (s.charAt(pos) == 'L' || s.charAt(pos) == 'l')) {
                pos++; // Python 2 long suffix, written by old numpy versions
            }
            if (pos < s.length() && (Character.isLetterOrDigit(s.charAt(pos)) || s.charAt(pos) == '.')) {
                pos = start;
                throw error("expected an integer");
            }
            try {
                return Long.parseLong(text.startsWith("+") ? text.substring(1) : text);
            } catch (NumberFormatException e) {
                pos = start;
                throw error("integer out of range");
            }
        }

        private Object parseName() {
            int start = pos;
            while (pos < s.length() && (Character.isLetterOrDigit(s.charAt(pos)) || s.charAt(pos) == '_')) {
                pos++;
            }
            String name = s.substring(start, pos);
            switch (name) {
                case "True":
                    return Boolean.TRUE;
                case "False":
                    return Boolean.FALSE;
                case "None":
                    return None.NONE;
                default:
                    pos = start;
                    throw error("unexpected name '" + name + "'");
            }
        }

        private void skipSpace() {
            while (pos < s.length() && Character.isWhitespace(s.charAt(pos))) {
                pos++;
            }
        }

        private boolean peek(char c) {
            return pos < s.length() && s.charAt(pos) == c;
        }

        private void expect(char c) {
            if (!peek(c)) {
                throw error("expected '" + c + "'");
            }
            pos++;
        }

        private IllegalArgumentException error(String what) {
            return new IllegalArgumentException(what + " at offset " + pos);
        }
    }
}
