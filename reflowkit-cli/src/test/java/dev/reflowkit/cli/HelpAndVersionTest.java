package dev.reflowkit.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class HelpAndVersionTest {

    private static final List<String> COMMANDS = List.of("demo", "pipeline", "ablate", "train", "sample", "eval",
            "tune-grid", "import", "export", "pairs", "data", "bench", "config", "help");
    private static final String VERSION = "ReflowKit \\S+ \\(DJL 0\\.36\\.0, PyTorch 2\\.7\\.1 CPU\\)\\R?";

    @ParameterizedTest
    @ValueSource(strings = {"--help", "-h"})
    void topLevelHelpListsEveryCommand(String flag) {
        Cli.Result r = Cli.run(flag);
        assertEquals(0, r.exitCode(), r::toString);
        assertTrue(r.out().startsWith("Usage: reflow "), r.out());
        for (String c : COMMANDS) {
            assertTrue(r.out().matches("(?s).*\\R  " + c + " +\\S.*"), "command " + c + " listed:\n" + r.out());
        }
        assertEquals("", r.err());
    }

    @Test
    void noArgumentsPrintTheUsage() {
        Cli.Result r = Cli.run();
        assertTrue(r.out().startsWith("Usage: reflow "), r.out());
    }

    @Test
    void commandSummariesAreCompleteSentences() {
        // The command list shows one summary per command; it must not be cut in mid-sentence.
        Map<String, String> summaries = commandSummaries(Cli.run("--help").out());
        assertEquals(COMMANDS, new ArrayList<>(summaries.keySet()));
        summaries.forEach((name, text) -> assertTrue(text.endsWith("."), name + ": '" + text + "'"));
    }

    @ParameterizedTest
    @ValueSource(strings = {"demo", "train", "sample", "eval", "pipeline", "ablate", "pairs", "data", "bench", "config", "help"})
    void everyCommandHasHelp(String command) {
        Cli.Result r = Cli.run(command, "--help");
        assertEquals(0, r.exitCode(), r::toString);
        assertTrue(r.out().contains("Usage: reflow " + command + " "), r.out());
        assertTrue(r.out().contains("--help"), r.out());
        assertEquals("", r.err());
        if (!command.equals("help")) {
            assertEquals(r.out(), Cli.run("help", command).out(), "'help " + command + "' = '" + command + " --help'");
        }
    }

    @Test
    void helpTextsDescribeTheKeyOptions() {
        assertTrue(Cli.run("train", "--help").out().contains("--resume"));
        assertTrue(Cli.run("demo", "--help").out().contains("metrics.json"));
        String sample = Cli.run("sample", "--help").out();
        for (String o : List.of("--model", "--out", "--solver", "--nfe", "--grid", "--count", "--seed")) {
            assertTrue(sample.contains(o), o + " in\n" + sample);
        }
        assertTrue(Cli.run("config", "--help").out().contains("--docs"));
        String eval = Cli.run("eval", "--help").out();
        for (String o : List.of("--model", "--out", "--data", "--nfe", "--append", "--name", "--guide-with",
                "--guidance")) {
            assertTrue(eval.contains(o), o + " in\n" + eval);
        }
        assertTrue(sample.contains("--guide-with") && sample.contains("--guidance"), sample);
    }

    @ParameterizedTest
    @ValueSource(strings = {"--version", "-V"})
    void versionIsPrinted(String flag) {
        Cli.Result r = Cli.run(flag);
        assertEquals(0, r.exitCode(), r::toString);
        assertTrue(r.out().matches(VERSION), r.out());
    }

    @ParameterizedTest
    @ValueSource(strings = {"demo", "train", "sample", "eval", "config"})
    void everyCommandPrintsTheVersion(String command) {
        Cli.Result r = Cli.run(command, "--version");
        assertEquals(0, r.exitCode(), r::toString);
        assertTrue(r.out().matches(VERSION), "'" + command + " --version' printed '" + r.out() + "'");
    }

    @Test
    void unknownCommandIsAUsageError() {
        Cli.Result r = Cli.run("trian");
        assertEquals(2, r.exitCode(), r::toString);
        assertTrue(r.err().contains("'trian'"), r.err());
        assertEquals("", r.out());
    }

    @Test
    void missingRequiredOptionIsAUsageError() {
        Cli.Result r = Cli.run("train");
        assertEquals(2, r.exitCode(), r::toString);
        assertTrue(r.err().contains("--out"), r.err());
        Cli.Result s = Cli.run("sample", "--out", "x.npy");
        assertEquals(2, s.exitCode(), s::toString);
        assertTrue(s.err().contains("--model"), s.err());
    }

    /** Parses the "Commands:" section of the top-level usage: name to its (joined) summary. */
    private static Map<String, String> commandSummaries(String usage) {
        Map<String, String> m = new LinkedHashMap<>();
        String current = null;
        boolean inCommands = false;
        for (String line : usage.split("\\R")) {
            if (line.equals("Commands:")) {
                inCommands = true;
            } else if (inCommands && line.matches("  \\S+ +\\S.*")) {
                String[] parts = line.strip().split(" +", 2);
                current = parts[0];
                m.put(current, parts[1]);
            } else if (inCommands && current != null && line.startsWith("    ")) {
                m.put(current, m.get(current) + " " + line.strip());
            } else if (inCommands && !line.isBlank()) {
                break;
            }
        }
        return m;
    }
}
