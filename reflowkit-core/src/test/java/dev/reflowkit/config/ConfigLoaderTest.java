package dev.reflowkit.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ConfigLoaderTest {

    private static final ConfigSchema SCHEMA = ReflowConfig.schema();

    @TempDir
    Path dir;

    private Path write(String name, String text) throws IOException {
        Path p = dir.resolve(name);
        Files.writeString(p, text);
        return p;
    }

    private static String error(Path file, String... overrides) {
        ConfigException e = assertThrows(ConfigException.class,
                () -> ConfigLoader.load(SCHEMA, file, List.of(overrides)));
        assertFalse(e.getMessage().contains("\n"), "one line: " + e.getMessage());
        return e.getMessage();
    }

    @Test
    void noFileAndNoOverridesGiveTheDefaults() {
        assertEquals(SCHEMA.defaults(), ConfigLoader.load(SCHEMA, null, List.of()));
        assertEquals(SCHEMA.defaults(), ConfigLoader.load(SCHEMA, null, null));
    }

    /**
     * A config knows which options were chosen (file, override, with) and which were left at their
     * defaults, so that a default may adapt to the data (pairs.forward_count) while a chosen value
     * must not; a stored configuration's values count as defaults, its overrides as chosen.
     */
    @Test
    void setOptionsAreTheFileTheOverridesAndWithNotDefaultsOrPresets() throws IOException {
        Path f = write("set.yaml", "pairs:\n  forward_count: 50000\nreflow.preset: simple-reflow\n");
        Config c = ConfigLoader.load(SCHEMA, f, List.of("train.lr=2e-4"));
        assertTrue(c.isSet("pairs.forward_count"), "set in the file, even at its default value");
        assertTrue(c.isSet("train.lr"), "set by an override");
        assertFalse(c.isSet("pairs.count"), "left at its default");
        assertEquals("per-sample", c.getString("loss.weight"));
        assertFalse(c.isSet("loss.weight"), "a preset's value is a default");
        assertFalse(SCHEMA.defaults().isSet("pairs.forward_count"));
        Config changed = c.with("pairs.count", 10).with("pairs.nfe", 7);
        assertTrue(changed.isSet("pairs.count") && changed.isSet("pairs.nfe") && changed.isSet("train.lr"),
                "with() sets its key and keeps the others");
        assertEquals(changed, ConfigLoader.fromYaml(SCHEMA, changed.toYaml()), "equality holds the values only");
        Config stored = ConfigLoader.fromMap(SCHEMA, c.toNestedMap(), List.of("pairs.nfe=5"));
        assertFalse(stored.isSet("pairs.forward_count"), "a stored value counts as a default");
        assertTrue(stored.isSet("pairs.nfe"), "an override of a stored configuration is set");
        assertThrows(ConfigException.class, () -> c.isSet("pairs.nope"));
    }

    @Test
    void yamlFileLoadsNestedAndDottedKeys() throws IOException {
        Path f = write("run.yaml", """
                seed: 42
                train:
                  lr: 1e-4            # YAML 1.1 would read this as a string; both work
                  steps: 500
                  optimizer: adamw
                sample.solver: rk4
                eval:
                  nfe: [2, 4]
                  "count": 64
                loss:               # every key commented out: still fine
                #  type: hpf
                """);
        Config c = ConfigLoader.load(SCHEMA, f, List.of());
        assertEquals(42L, c.getLong("seed"));
        assertEquals(1e-4, c.getDouble("train.lr"));
        assertEquals(500, c.getInt("train.steps"));
        assertEquals("adamw", c.getString("train.optimizer"));
        assertEquals("rk4", c.getString("sample.solver"));
        assertEquals(List.of(2, 4), c.getIntList("eval.nfe"));
        assertEquals(64, c.getInt("eval.count"));
        assertEquals(Map.of("seed", 42L, "train.lr", 1e-4, "train.steps", 500,
                "train.optimizer", "adamw", "sample.solver", "rk4", "eval.nfe", List.of(2, 4),
                "eval.count", 64), c.diffFromDefaults());
    }

    @Test
    void jsonFileLoads() throws IOException {
        Path f = write("run.json", """
                {"model": {"hidden": 128, "activation": "gelu"},
                 "train.lr": 0.002,
                 "sample": {"custom_grid": [1, 0.5, 0]}}
                """);
        Config c = ConfigLoader.load(SCHEMA, f, null);
        assertEquals(128, c.getInt("model.hidden"));
        assertEquals("gelu", c.getString("model.activation"));
        assertEquals(0.002, c.getDouble("train.lr"));
        assertEquals(List.of(1.0, 0.5, 0.0), c.getDoubleList("sample.custom_grid"));
    }

    @Test
    void overridesWinOverFileValuesAndLaterOverridesWin() throws IOException {
        Path f = write("run.yml", "train:\n  lr: 0.01\n  steps: 100\n");
        Config c = ConfigLoader.load(SCHEMA, f, List.of("train.lr=3e-4", "eval.nfe=[1,8]",
                " sample.custom_grid = 1,0.25,0 ", "train.steps=7", "train.steps=9"));
        assertEquals(3e-4, c.getDouble("train.lr"));
        assertEquals(9, c.getInt("train.steps"));
        assertEquals(List.of(1, 8), c.getIntList("eval.nfe"));
        assertEquals(List.of(1.0, 0.25, 0.0), c.getDoubleList("sample.custom_grid"));
        assertEquals("file:a=b.csv",
                ConfigLoader.load(SCHEMA, null, List.of("data.source=file:a=b.csv"))
                        .getString("data.source"));
    }

    @Test
    void unknownKeysAreAlwaysErrors() throws IOException {
        Path f = write("run.yaml", "train:\n  lrate: 0.01\n");
        assertEquals("train.lrate: unknown key; did you mean 'train.lr' or 'train.lanes'? (in file '" + f + "')",
                error(f));
        Path g = write("sec.yaml", "trian:\n  lr: 0.01\n");
        assertEquals("trian: unknown key; did you mean 'train'? (in file '" + g + "')", error(g));
        assertEquals("model.hiden: unknown key; did you mean 'model.hidden'? (in override "
                + "'model.hiden=3')", error(null, "model.hiden=3"));
    }

    @Test
    void wrongTypesNameTheKey() throws IOException {
        assertEquals("train.steps: expected an integer, got 'abc' (in override 'train.steps=abc')",
                error(null, "train.steps=abc"));
        Path f = write("t.yaml", "train:\n  steps: 1.5\n");
        assertEquals("train.steps: expected an integer, got 1.5 (in file '" + f + "')", error(f));
        Path g = write("t.json", "{\"model\": {\"activation\": 3}}");
        assertTrue(error(g).startsWith("model.activation: expected one of silu, gelu, relu, tanh, "
                + "got 3"));
        Path h = write("n.yaml", "train:\n  lr:\n");
        assertTrue(error(h).startsWith("train.lr: expected a number, got nothing (null)"));
        Path i = write("b.yaml", "eval:\n  nfe: [1, two]\n");
        assertTrue(error(i).startsWith("eval.nfe[1]: expected an integer, got 'two'"));
        Path j = write("l.yaml", "eval:\n  nfe: 4\n");
        assertTrue(error(j).startsWith("eval.nfe: expected a list of integers written [1,2,4] or "
                + "1,2,4, got 4"));
    }

    @Test
    void outOfRangeAndChoicesNameTheKey() throws IOException {
        assertEquals("train.lr: must be > 0, got -1 (in override 'train.lr=-1')",
                error(null, "train.lr=-1"));
        Path f = write("r.yaml", "model:\n  dropout: 1.0\n");
        assertEquals("model.dropout: must be in [0, 1), got 1 (in file '" + f + "')", error(f));
        assertEquals("eval.count: must be >= 2, got 1 (in override 'eval.count=1')",
                error(null, "eval.count=1"));
        assertEquals("loss.ema_decay: must be in (0, 1), got 0 (in override 'loss.ema_decay=0')",
                error(null, "loss.ema_decay=0"));
        assertEquals("path.time_base: must be > 1, got 1 (in override 'path.time_base=1')",
                error(null, "path.time_base=1"));
        assertEquals("sample.solver: must be one of euler, midpoint, heun, rk4, heun-edm, heun-full, rk4-full, dopri5; got "
                + "'huen' (did you mean 'heun'?) (in override 'sample.solver=huen')",
                error(null, "sample.solver=huen"));
    }

    @Test
    void malformedOverrides() {
        assertEquals("malformed override 'train.lr': expected key=value (e.g. train.lr=0.001), "
                + "no '=' found", error(null, "train.lr"));
        assertEquals("malformed override '=3': expected key=value, the key before '=' is empty",
                error(null, "=3"));
        assertTrue(error(null, "train=5").startsWith("train: is a section, not an option; set one"
                + " of its keys: steps, batch_size"));
    }

    @Test
    void sectionsAndOptionsMustNotBeSwapped() throws IOException {
        Path f = write("s.yaml", "train: 5\n");
        assertEquals("train: is a section, expected a mapping of its keys (e.g. train: "
                + "{key: value}), got 5 (in file '" + f + "')", error(f));
        Path g = write("o.yaml", "train:\n  lr:\n    value: 0.1\n");
        assertEquals("train.lr: is an option, not a section; expected a number, got a mapping "
                + "(in file '" + g + "')", error(g));
        Path h = write("top.yaml", "- 1\n- 2\n");
        assertTrue(error(h).startsWith("expected a mapping of keys at the top level, got a list"));
    }

    @Test
    void duplicateKeysAreErrors() throws IOException {
        Path f = write("d.yaml", "train:\n  lr: 0.1\ntrain.lr: 0.2\n");
        assertEquals("train.lr: given twice (in file '" + f + "')", error(f));
        Path g = write("d2.yaml", "train:\n  lr: 0.1\n  lr: 0.2\n");
        String m = error(g);
        assertTrue(m.contains("is malformed at line 3") && m.contains("Duplicate field 'lr'"), m);
    }

    @Test
    void unreadableAndMalformedFiles() throws IOException {
        Path missing = dir.resolve("nope.yaml");
        assertEquals("config file '" + missing + "' not found", error(missing));
        Path txt = write("run.txt", "seed: 1\n");
        assertEquals("config file '" + txt + "': unsupported extension, expected .yaml, .yml or "
                + ".json", error(txt));
        Path yaml = write("bad.yaml", "train:\n  lr: [1, 2\nseed: 3\n");
        String m = error(yaml);
        assertTrue(m.startsWith("config file '" + yaml + "' is malformed at line 3, column "), m);
        Path json = write("bad.json", "{\n  \"seed\": 1,\n  \"train\": {lr: 2}\n}\n");
        String j = error(json);
        assertTrue(j.startsWith("config file '" + json + "' is malformed at line 3"), j);
        Path empty = write("empty.yaml", "# nothing set\n");
        assertEquals(SCHEMA.defaults(), ConfigLoader.load(SCHEMA, empty, List.of()));
    }

    @Test
    void exampleConfigLoadsCleanly() {
        Path example = Path.of("..", "configs", "2d-default.yaml");
        assertTrue(Files.isRegularFile(example), "missing " + example.toAbsolutePath());
        Config c = ConfigLoader.load(SCHEMA, example, List.of());
        assertEquals("8gaussians", c.getString("data.source"));
        assertEquals(9, c.getInt("sample.nfe"));
    }

    @Test
    void retiredKeysLoadFromStoredConfigurationsButAreErrorsFromUsers() {
        Map<String, Object> stored = new java.util.LinkedHashMap<>(ReflowConfig.schema().defaults().toNestedMap());
        @SuppressWarnings("unchecked")
        Map<String, Object> pairs = new java.util.LinkedHashMap<>((Map<String, Object>) stored.get("pairs"));
        pairs.put("projected", false); // a checkpoint written before the key was removed
        stored.put("pairs", pairs);
        assertEquals(ReflowConfig.schema().defaults().toFlatMap(),
                ConfigLoader.fromMap(ReflowConfig.schema(), stored).toFlatMap());
        String e = error(null, "pairs.projected=true");
        assertTrue(e.startsWith("pairs.projected: was removed: projected pairs are chosen by reflow.directions"), e);
    }
}
