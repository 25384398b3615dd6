package dev.reflowkit.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PresetsTest {

    @TempDir
    Path dir;

    private static Config load(String... overrides) {
        return ConfigLoader.load(ReflowConfig.schema(), null, List.of(overrides));
    }

    @Test
    void presetFillsTheRecipe() {
        Config c = load("reflow.preset=simple-reflow");
        assertEquals("exponential", c.getString("path.time"));
        assertEquals(10.0, c.getDouble("path.time_base"));
        assertEquals("per-sample", c.getString("loss.weight"));
        assertEquals(0.0, c.getDouble("reflow.dropout"));
        assertEquals(List.of("backward", "forward"), c.getStringList("reflow.directions"));
        Config rfpp = load("reflow.preset=rfpp");
        assertEquals("u-shaped", rfpp.getString("path.time"));
        assertEquals("pseudo-huber", rfpp.getString("loss.type"));
    }

    @Test
    void explicitSettingsWinOverThePreset() throws IOException {
        Config c = load("reflow.preset=simple-reflow", "path.time=uniform");
        assertEquals("uniform", c.getString("path.time"));
        assertEquals("per-sample", c.getString("loss.weight"));
        // Setting a key explicitly to its default value still counts as explicit.
        Path f = dir.resolve("c.yaml");
        Files.writeString(f, "reflow:\n  preset: simple-reflow\nloss:\n  weight: constant\n");
        Config fromFile = ConfigLoader.load(ReflowConfig.schema(), f, List.of());
        assertEquals("constant", fromFile.getString("loss.weight"));
        assertEquals("exponential", fromFile.getString("path.time"));
    }

    @Test
    void resolvedConfigRoundTripsThroughYaml() {
        Config c = load("reflow.preset=rfpp", "loss.type=mse");
        assertEquals(c, ConfigLoader.fromYaml(ReflowConfig.schema(), c.toYaml()));
    }

    @Test
    void overlayAppliesEverySetting() {
        Config teacher = load("path.time=logit-normal", "loss.weight=time-power");
        Config model = Presets.overlay(teacher, "baseline");
        assertEquals("baseline", model.getString("reflow.preset"));
        assertEquals("uniform", model.getString("path.time"));
        assertEquals("constant", model.getString("loss.weight"));
        assertThrows(IllegalArgumentException.class, () -> Presets.settings("best"));
        assertThrows(ConfigException.class, () -> load("reflow.preset=best"));
    }
}
