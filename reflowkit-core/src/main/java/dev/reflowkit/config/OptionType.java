package dev.reflowkit.config;

/** The value type of an {@link Option}: a scalar type, or a list of scalars. */
public enum OptionType {
    /** A 32-bit integer ({@link Integer}). */
    INT("int", "an integer", null),
    /** A 64-bit integer ({@link Long}). */
    LONG("long", "an integer", null),
    /** A finite double ({@link Double}); integers are accepted and widened. */
    DOUBLE("double", "a number", null),
    /** {@code true} or {@code false} ({@link Boolean}). */
    BOOLEAN("boolean", "true or false", null),
    /** Any string ({@link String}). */
    STRING("string", "a string", null),
    /** A string from a fixed set of choices ({@link String}). */
    CHOICE("choice", "a string", null),
    /** A list of integers ({@code List<Integer>}). */
    INT_LIST("list<int>", "a list of integers", INT),
    /** A list of finite doubles ({@code List<Double>}). */
    DOUBLE_LIST("list<double>", "a list of numbers", DOUBLE),
    /** A list of strings ({@code List<String>}). */
    STRING_LIST("list<string>", "a list of strings", STRING);

    private final String typeName;
    private final String expected;
    private final OptionType elementType;

    OptionType(String typeName, String expected, OptionType elementType) {
        this.typeName = typeName;
        this.expected = expected;
        this.elementType = elementType;
    }

    /**
     * The name shown in docs, e.g. {@code "int"} or {@code "list<double>"}.
     *
     * @return the type name
     */
    public String typeName() {
        return typeName;
    }

    /**
     * What a value of this type is, for error messages, e.g. {@code "an integer"}.
     *
     * @return the phrase
     */
    public String expected() {
        return expected;
    }

    /**
     * Whether values are lists.
     *
     * @return true for the list types
     */
    public boolean isList() {
        return elementType != null;
    }

    /**
     * The element type of a list type, or this type for a scalar.
     *
     * @return the scalar type checked per element
     */
    public OptionType elementType() {
        return elementType == null ? this : elementType;
    }

    /**
     * Whether (elements of) this type are numbers, so numeric bounds apply.
     *
     * @return true for int, long, double and their lists
     */
    public boolean isNumeric() {
        OptionType e = elementType();
        return e == INT || e == LONG || e == DOUBLE;
    }
}
