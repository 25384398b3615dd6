package dev.reflowkit.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.reflowkit.config.Config;
import dev.reflowkit.config.ConfigLoader;
import dev.reflowkit.config.ReflowConfig;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/** Bad configurations: exit code 2, one line on stderr naming the key or file, nothing written. */
class ConfigErrorsTest {

    @TempDir
    Path dir;

    private Path out() {
        return dir.resolve("run");
    }

    private String error(String... args) {
        Cli.Result r = Cli.run(args);
        String line = r.inputError();
        assertFalse(Files.exists(out()), "a failed run must not create its output directory");
        return line;
    }

    @ParameterizedTest
    @ValueSource(strings = {"train", "demo"})
    void unknownKeySuggestsTheRightOne(String command) {
        String e = error(command, "--out", out().toString(), "--set", "trian.steps=5");
        assertTrue(e.startsWith("reflow " + command + ": error: "), e);
        assertTrue(e.contains("trian.steps"), e);
        assertTrue(e.contains("did you mean 'train.steps'"), e);
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "train.lr=-1        | train.lr        | > 0",
        "train.lr=0         | train.lr        | > 0",
        "train.steps=abc    | train.steps     | integer",
        "train.steps=1.5    | train.steps     | integer",
        "model.dropout=1    | model.dropout   | [0, 1)",
        "model.time_dim=7   | model.time_dim  | even",
        "eval.nfe=[1,x]     | eval.nfe        | integer",
        "eval.nfe=[]        | eval.nfe        | non-empty",
        "sample.solver=rk5  | sample.solver   | dopri5",
        "seed=-3            | seed            | >= 0",
        "train.steps        | train.steps     | key=value",
    })
    void badValuesNameTheKey(String override, String key, String hint) {
        String e = error("train", "--out", out().toString(), "--set", override);
        assertTrue(e.contains(key), e);
        assertTrue(e.contains(hint), e);
    }

    @Test
    void unknownKeyInAConfigFileNamesKeyAndFile() throws IOException {
        Path file = Files.writeString(dir.resolve("bad.yaml"), "train:\n  steps: 10\n  stepz: 4\n");
        String e = error("train", "--out", out().toString(), "--config", file.toString());
        assertTrue(e.contains("train.stepz"), e);
        assertTrue(e.contains("did you mean 'train.steps'"), e);
        assertTrue(e.contains("bad.yaml"), e);
    }

    @Test
    void outOfRangeValueInAConfigFileNamesKeyAndFile() throws IOException {
        Path file = Files.writeString(dir.resolve("bad.json"), "{\"train\": {\"batch_size\": 0}}");
        String e = error("train", "--out", out().toString(), "-c", file.toString());
        assertTrue(e.contains("train.batch_size"), e);
        assertTrue(e.contains("bad.json"), e);
    }

    @Test
    void malformedConfigFileNamesTheFile() throws IOException {
        Path file = Files.writeString(dir.resolve("broken.yaml"), "train: [\n");
        String e = error("train", "--out", out().toString(), "-c", file.toString());
        assertTrue(e.contains("broken.yaml"), e);
    }

    @Test
    void missingConfigFileNamesTheFile() {
        String e = error("train", "--out", out().toString(), "--config", dir.resolve("nope.yaml").toString());
        assertTrue(e.contains("nope.yaml"), e);
        assertTrue(e.contains("not found"), e);
    }

    @Test
    void configFileOfUnknownTypeIsRejected() throws IOException {
        Path file = Files.writeString(dir.resolve("run.txt"), "seed: 1\n");
        String e = error("train", "--out", out().toString(), "--config", file.toString());
        assertTrue(e.contains("run.txt"), e);
    }

    @Test
    void configCommandReportsErrorsToo() {
        assertTrue(Cli.run("config", "--set", "trian.steps=5").inputError().contains("trian.steps"));
    }

    @ParameterizedTest
    @ValueSource(strings = {"train", "demo"})
    void dryRunPrintsTheResolvedConfigAndWritesNothing(String command) throws IOException {
        Path file = Files.writeString(dir.resolve("base.yaml"), "model:\n  hidden: 40\n");
        Cli.Result r = Cli.run(command, "--out", out().toString(), "--dry-run", "-c", file.toString(),
                "--set", "train.steps=123", "--set", "eval.nfe=[1,3]");
        assertEquals(0, r.exitCode(), r::toString);
        assertTrue(r.out().contains("  steps: 123\n"), r.out());
        Config c = ConfigLoader.fromYaml(ReflowConfig.schema(), r.out());
        assertEquals(123, c.getInt("train.steps"));
        assertEquals(40, c.getInt("model.hidden"));
        assertEquals(List.of(1, 3), c.getIntList("eval.nfe"));
        assertEquals(ConfigLoader.load(ReflowConfig.schema(), file, List.of("train.steps=123", "eval.nfe=[1,3]")), c);
        assertFalse(Files.exists(out()), "--dry-run must not create " + out());
        assertEquals("", r.err());
    }

    @Test
    void exampleConfigLoads() {
        Path example = Path.of("..", "configs", "2d-default.yaml");
        if (Files.exists(example)) {
            Cli.Result r = Cli.run("train", "--out", out().toString(), "--dry-run", "-c", example.toString());
            assertEquals(0, r.exitCode(), r::toString);
            assertEquals(ConfigLoader.load(ReflowConfig.schema(), example, List.of()),
                    ConfigLoader.fromYaml(ReflowConfig.schema(), r.out()));
        }
    }
}
