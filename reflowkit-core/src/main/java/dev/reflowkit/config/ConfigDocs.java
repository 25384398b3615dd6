package dev.reflowkit.config;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Markdown reference docs generated from a {@link ConfigSchema}: one table per section with each
 * option's key, type, default, allowed values and description.
 *
 * <p>{@link #main} writes the ReflowKit page ({@link ReflowConfig#docsPage()}) to
 * {@code docs/CONFIG.md}; a test fails when the checked-in file is out of date. It needs only
 * the compiled classes: {@code java -cp reflowkit-core/target/classes
 * dev.reflowkit.config.ConfigDocs} from the repository root.
 */
public final class ConfigDocs {

    /** Where {@link #main} writes by default, relative to the repository root. */
    public static final String DOCS_FILE = "docs/CONFIG.md";

    private ConfigDocs() {}

    /**
     * The markdown tables of a schema, one per section in schema order, each headed
     * {@code ## `section`} (or {@code ## Top level}) and the section's description.
     *
     * @param schema the schema
     * @return markdown text ending with a newline
     */
    public static String markdown(ConfigSchema schema) {
        StringBuilder sb = new StringBuilder();
        for (String section : schema.sections()) {
            sb.append(section.isEmpty() ? "## Top level" : "## `" + section + "`").append("\n\n");
            String about = schema.sectionDescription(section);
            if (!about.isEmpty()) {
                sb.append(about).append("\n\n");
            }
            sb.append("| Key | Type | Default | Allowed | Description |\n");
            sb.append("|---|---|---|---|---|\n");
            for (Option<?> o : schema.optionsIn(section)) {
                sb.append("| `").append(o.key()).append("` | ")
                        .append('`').append(o.type().typeName()).append("` | ")
                        .append(defaultCell(o)).append(" | ")
                        .append(allowedCell(o)).append(" | ")
                        .append(cell(o.description())).append(" |\n");
            }
            sb.append('\n');
        }
        return sb.toString();
    }

    /**
     * A full markdown page: a title, an intro paragraph and the tables.
     *
     * @param title the page title (without {@code #})
     * @param intro the intro paragraph(s)
     * @param schema the schema
     * @return markdown text ending with exactly one newline
     */
    public static String page(String title, String intro, ConfigSchema schema) {
        String text = "# " + title + "\n\n" + intro.strip() + "\n\n" + markdown(schema);
        return text.stripTrailing() + "\n";
    }

    /**
     * Writes the ReflowKit config reference, {@link ReflowConfig#docsPage()}.
     *
     * @param args optional output path; by default {@code docs/CONFIG.md} under the repository
     *     root, found from the working directory (the root or a module directory)
     * @throws IOException if the file cannot be written
     */
    public static void main(String[] args) throws IOException {
        Path out;
        if (args.length > 0) {
            out = Path.of(args[0]);
        } else if (Files.isDirectory(Path.of("reflowkit-core"))) {
            out = Path.of(DOCS_FILE);
        } else {
            out = Path.of("..").resolve(DOCS_FILE);
        }
        Path parent = out.toAbsolutePath().getParent();
        if (parent != null) {
            Files.createDirectories(parent);
        }
        Files.writeString(out, ReflowConfig.docsPage(), StandardCharsets.UTF_8);
        System.out.println("wrote " + out.toAbsolutePath().normalize());
    }

    private static String defaultCell(Option<?> o) {
        return "`" + formatDefault(o) + "`";
    }

    @SuppressWarnings("unchecked")
    private static String formatDefault(Option<?> o) {
        Option<Object> any = (Option<Object>) o;
        String text = any.format(any.defaultValue());
        return text.isEmpty() ? "\"\"" : cell(text);
    }

    private static String allowedCell(Option<?> o) {
        List<String> parts = new ArrayList<>();
        if (!o.choices().isEmpty()) {
            List<String> quoted = new ArrayList<>();
            for (String c : o.choices()) {
                quoted.add("`" + c + "`");
            }
            parts.add(String.join(", ", quoted));
        }
        String bounds = o.boundsText();
        if (!bounds.isEmpty()) {
            parts.add(o.type().isList() ? "each " + bounds : bounds);
        }
        parts.addAll(o.ruleTexts());
        return parts.isEmpty() ? "any" : cell(String.join("; ", parts));
    }

    /** Escapes the characters that would break a table cell. */
    private static String cell(String text) {
        return text.replace("|", "\\|").replace("\n", " ");
    }
}
