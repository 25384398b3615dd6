package dev.reflowkit.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ConfigDocsTest {

    /** Surefire runs in the module directory; the docs live at the repository root. */
    private static final Path CHECKED_IN = Path.of("..", ConfigDocs.DOCS_FILE);

    @Test
    void checkedInDocsMatchTheSchema() throws IOException {
        String regenerate = "docs/CONFIG.md is out of date with ReflowConfig.schema(); regenerate "
                + "it from the repository root with: ./reflow config --docs > docs/CONFIG.md";
        assertTrue(Files.isRegularFile(CHECKED_IN),
                "missing " + CHECKED_IN.toAbsolutePath().normalize() + "; " + regenerate);
        String actual = Files.readString(CHECKED_IN, StandardCharsets.UTF_8);
        assertEquals(ReflowConfig.docsPage(), actual, regenerate);
    }

    @Test
    void mainWritesThePage(@TempDir Path dir) throws IOException {
        Path out = dir.resolve("sub/CONFIG.md");
        ConfigDocs.main(new String[] {out.toString()});
        assertEquals(ReflowConfig.docsPage(), Files.readString(out, StandardCharsets.UTF_8));
    }

    @Test
    void markdownHasOneTablePerSection() {
        ConfigSchema schema = ConfigSchema.builder()
                .add(Option.ofLong("seed", 1).optAtLeast(0).setDescription("The seed.").build())
                .describeSection("opt", "Optimiser settings.")
                .add(Option.ofDouble("opt.lr", 1e-3).optGreaterThan(0)
                        .setDescription("Rate | speed.").build())
                .add(Option.ofChoice("opt.kind", "adam", "adam", "sgd")
                        .setDescription("Kind.").build())
                .add(Option.ofIntList("opt.nfe", List.of(1, 2)).optAtLeast(1)
                        .optRule(l -> !l.isEmpty(), "non-empty").setDescription("NFEs.").build())
                .add(Option.ofString("opt.name", "").setDescription("Name.").build())
                .build();
        String expected = """
                ## Top level

                | Key | Type | Default | Allowed | Description |
                |---|---|---|---|---|
                | `seed` | `long` | `1` | >= 0 | The seed. |

                ## `opt`

                Optimiser settings.

                | Key | Type | Default | Allowed | Description |
                |---|---|---|---|---|
                | `opt.lr` | `double` | `0.001` | > 0 | Rate \\| speed. |
                | `opt.kind` | `choice` | `adam` | `adam`, `sgd` | Kind. |
                | `opt.nfe` | `list<int>` | `[1, 2]` | each >= 1; non-empty | NFEs. |
                | `opt.name` | `string` | `""` | any | Name. |

                """;
        assertEquals(expected, ConfigDocs.markdown(schema));
    }
}
