package dev.reflowkit.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.reflowkit.config.Config;
import dev.reflowkit.config.ConfigLoader;
import dev.reflowkit.config.ConfigSchema;
import dev.reflowkit.config.ReflowConfig;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ConfigCommandTest {

    private static final ConfigSchema SCHEMA = ReflowConfig.schema();

    @TempDir
    Path dir;

    @Test
    void printsTheDefaultsAsYaml() {
        Cli.Result r = Cli.run("config");
        assertEquals(0, r.exitCode(), r::toString);
        assertEquals("", r.err());
        assertTrue(r.out().startsWith("seed: 0"), r.out());
        assertTrue(r.out().contains("\ntrain:\n  steps: 15000\n"), r.out());
        assertEquals(SCHEMA.defaults(), ConfigLoader.fromYaml(SCHEMA, r.out()));
        assertEquals(SCHEMA.defaults().toYaml(), r.out());
    }

    @Test
    void printsOverridesAndFileValuesInPrecedenceOrder() throws IOException {
        Path file = Files.writeString(dir.resolve("run.yaml"), "train:\n  steps: 77\n  lr: 0.01\nmodel.hidden: 48\n");
        Cli.Result r = Cli.run("config", "-c", file.toString(), "--set", "train.lr=0.002", "--set", "eval.nfe=1,3");
        assertEquals(0, r.exitCode(), r::toString);
        Config c = ConfigLoader.fromYaml(SCHEMA, r.out());
        assertEquals(77, c.getInt("train.steps"));
        assertEquals(48, c.getInt("model.hidden"));
        assertEquals(0.002, c.getDouble("train.lr"), 0.0, "--set wins over the file");
        assertEquals(List.of(1, 3), c.getIntList("eval.nfe"));
    }

    @Test
    void readsJsonConfigFiles() throws IOException {
        Path file = Files.writeString(dir.resolve("run.json"), "{\"seed\": 5, \"sample\": {\"solver\": \"rk4\"}}");
        Cli.Result r = Cli.run("config", "--config", file.toString());
        assertEquals(0, r.exitCode(), r::toString);
        Config c = ConfigLoader.fromYaml(SCHEMA, r.out());
        assertEquals(5L, c.getLong("seed"));
        assertEquals("rk4", c.getString("sample.solver"));
    }

    @Test
    void docsPrintAMarkdownTableOfEveryOption() {
        Cli.Result r = Cli.run("config", "--docs");
        assertEquals(0, r.exitCode(), r::toString);
        assertEquals("", r.err());
        String md = r.out();
        assertTrue(md.contains("| Key | Type | Default | Allowed | Description |"), md);
        assertTrue(md.contains("|---|---|---|---|---|"), md);
        for (String key : SCHEMA.keys()) {
            assertTrue(md.contains("| `" + key + "` |"), "row for " + key);
        }
        assertTrue(md.contains("| `train.steps` | `int` | `15000` |"), md);
        for (String section : SCHEMA.sections()) {
            if (!section.isEmpty()) {
                assertTrue(md.contains("## `" + section + "`"), "section " + section);
            }
        }
    }

    @Test
    void docsMatchTheCommittedConfigReference() throws IOException {
        Path doc = Path.of("..", "docs", "CONFIG.md");
        if (Files.exists(doc)) {
            assertTrue(Files.readString(doc).contains(Cli.run("config", "--docs").out().strip()),
                    "docs/CONFIG.md is out of date with 'reflow config --docs'");
        }
    }
}
