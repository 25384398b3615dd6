package dev.reflowkit.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ConfigTest {

    private final ConfigSchema schema = ReflowConfig.schema();
    private final Config defaults = schema.defaults();

    private static String error(Runnable r) {
        return assertThrows(ConfigException.class, r::run).getMessage();
    }

    @Test
    void typedGettersReadDefaults() {
        assertEquals(0L, defaults.getLong("seed"));
        assertEquals(15000, defaults.getInt("train.steps"));
        assertEquals(1e-3, defaults.getDouble("train.lr"));
        assertEquals("8gaussians", defaults.getString("data.source"));
        assertEquals("heun", defaults.getString("sample.solver"));
        assertEquals(List.of(1, 2, 4, 9), defaults.getIntList("eval.nfe"));
        assertEquals(List.of(), defaults.getDoubleList("sample.custom_grid"));
        assertEquals(1e-3, defaults.get("train.lr"));
    }

    @Test
    void gettersRejectOtherTypesAndUnknownKeys() {
        assertEquals("train.lr: is a double option; getInt reads int options",
                error(() -> defaults.getInt("train.lr")));
        assertEquals("train.steps: is an int option; getDouble reads double options",
                error(() -> defaults.getDouble("train.steps")));
        assertEquals("train.lrr: unknown key; did you mean 'train.lr'?",
                error(() -> defaults.getDouble("train.lrr")));
        assertTrue(error(() -> defaults.getStringList("eval.nfe")).startsWith("eval.nfe: is a"));
    }

    @Test
    void unknownKeysGetSuggestions() {
        assertEquals("trian.lr: unknown key; did you mean 'train.lr'?",
                error(() -> schema.option("trian.lr")));
        assertEquals("model.hiden: unknown key; did you mean 'model.hidden'?",
                error(() -> schema.option("model.hiden")));
        assertEquals("lr: unknown key; did you mean 'train.lr'?", error(() -> schema.option("lr")));
        assertEquals("solver: unknown key; did you mean 'sample.solver', 'eval.solver' or 'pairs.solver'?",
                error(() -> schema.option("solver")));
        String noHint = error(() -> schema.option("train.learning_rate_of_doom"));
        assertTrue(noHint.startsWith("train.learning_rate_of_doom: unknown key; 'train' has: "
                + "steps, batch_size, optimizer, lr,"), noHint);
        String top = error(() -> schema.option("zzzzzz"));
        assertEquals("zzzzzz: unknown key; top-level keys are: seed, data, model, path, loss, "
                + "train, sample, eval, pairs, reflow, pipeline, ablate", top);
        assertTrue(error(() -> schema.option("train")).startsWith(
                "train: is a section, not an option; set one of its keys: steps, batch_size"));
    }

    @Test
    void withReturnsAValidatedCopy() {
        Config c = defaults.with("train.lr", 2e-4).with("eval.nfe", "1,2").with("seed", 7);
        assertEquals(2e-4, c.getDouble("train.lr"));
        assertEquals(List.of(1, 2), c.getIntList("eval.nfe"));
        assertEquals(7L, c.getLong("seed"));
        assertEquals(1e-3, defaults.getDouble("train.lr"), "original unchanged");
        assertEquals("train.lr: must be > 0, got -1", error(() -> defaults.with("train.lr", -1)));
        assertEquals("train.steps: expected an integer, got 1.5",
                error(() -> defaults.with("train.steps", 1.5)));
        assertEquals("model.time_dim: must be even, got 63",
                error(() -> defaults.with("model.time_dim", 63)));
        assertEquals("train.beta1: must be in [0, 1), got 1",
                error(() -> defaults.with("train.beta1", 1.0)));
        assertEquals("loss.huber_c: must be -1 (auto) or > 0, got -2",
                error(() -> defaults.with("loss.huber_c", -2.0)));
        assertEquals("sample.custom_grid: must be strictly decreasing, got [0, 0.5, 1]",
                error(() -> defaults.with("sample.custom_grid", List.of(0.0, 0.5, 1.0))));
        assertEquals("eval.nfe: must be non-empty, got []", error(() -> defaults.with("eval.nfe", "[]")));
        assertEquals("data.source: must be a built-in set name, file:PATH ending in .csv or .npy, or an image"
                + " set (mnist, fashion-mnist, synthetic-shapes, idx:DIR, folder:DIR, npy:FILE), got 'file:points.txt'",
                error(() -> defaults.with("data.source", "file:points.txt")));
        assertEquals("file:data/ring.npy",
                defaults.with("data.source", "file:data/ring.npy").getString("data.source"));
    }

    @Test
    void diffAndNestedMap() {
        assertTrue(defaults.diffFromDefaults().isEmpty());
        Config c = defaults.with("train.lr", 5e-4).with("seed", 3).with("train.lr", 1e-3);
        assertEquals(Map.of("seed", 3L), c.diffFromDefaults());
        assertEquals("Config{seed=3}", c.toString());
        Map<String, Object> nested = c.toNestedMap();
        assertEquals(List.of("seed", "data", "model", "path", "loss", "train", "sample", "eval", "pairs",
                "reflow", "pipeline", "ablate"),
                List.copyOf(nested.keySet()));
        assertEquals(1e-3, ((Map<?, ?>) nested.get("train")).get("lr"));
        assertEquals(3L, nested.get("seed"));
    }

    @Test
    void toYamlIsNestedInSchemaOrderAndRoundTrips() {
        Config c = defaults
                .with("data.source", "file:my data/points #1.csv")
                .with("train.lr", 2.5e-7)
                .with("model.time_scale", 1e10)
                .with("sample.grid", "custom")
                .with("sample.custom_grid", List.of(1.0, 0.6, 0.125, 0.0))
                .with("eval.nfe", List.of(1, 3))
                .with("seed", Long.MAX_VALUE);
        String yaml = c.toYaml();
        assertTrue(yaml.startsWith("seed: 9223372036854775807\ndata:\n  source: "
                + "\"file:my data/points #1.csv\"\n  train_count: 100000\n"), yaml);
        assertTrue(yaml.contains("\n  lr: 2.5e-7\n"), yaml);
        assertTrue(yaml.contains("\n  time_scale: 1.0e+10\n"), yaml);
        assertTrue(yaml.contains("\n  custom_grid: [1.0, 0.6, 0.125, 0.0]\n"), yaml);
        assertTrue(yaml.contains("\neval:\n  nfe: [1, 3]\n"), yaml);
        assertTrue(yaml.indexOf("\nmodel:") < yaml.indexOf("\npath:")
                && yaml.indexOf("\ntrain:") < yaml.indexOf("\nsample:"), yaml);

        Config back = ConfigLoader.fromYaml(schema, yaml);
        assertEquals(c, back);
        assertEquals(c.hashCode(), back.hashCode());
        assertEquals(defaults, ConfigLoader.fromYaml(schema, defaults.toYaml()));
        assertNotEquals(defaults, c);
    }
}
