package dev.reflowkit.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import dev.reflowkit.config.Config;
import dev.reflowkit.config.ConfigLoader;
import dev.reflowkit.config.ReflowConfig;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/** Runs the command line in-process with standard output and error captured. */
final class Cli {

    /**
     * Overrides that make every run tiny: a 2x32 MLP, 30 steps of 64 pairs, 100 evaluation points,
     * a few hundred ReFlow pairs and 20 ReFlow steps.
     */
    static final List<String> TINY = List.of(
            "train.steps=30", "train.batch_size=64", "train.warmup_steps=0", "train.lr=0.005",
            "model.hidden=32", "model.depth=2", "model.time_scale=1", "data.train_count=2000",
            "train.checkpoint_every=10", "train.log_every=10", "eval.count=100", "eval.repeats=1",
            "eval.nfe=[1,2]", "sample.atol=1e-3", "sample.rtol=1e-3",
            "pairs.count=300", "pairs.forward_count=200", "pairs.nfe=5", "pairs.shard_size=100",
            "pipeline.reflow_set=[train.steps=20]");

    private Cli() {}

    /**
     * The outcome of one invocation.
     *
     * @param exitCode the exit code
     * @param out standard output
     * @param err standard error
     */
    record Result(int exitCode, String out, String err) {

        /** The non-blank lines of standard error. */
        List<String> errLines() {
            return Arrays.stream(err.split("\\R")).filter(l -> !l.isBlank()).toList();
        }

        /** Asserts exit code 2, nothing on stdout and exactly one error line without a stack trace; returns it. */
        String inputError() {
            assertEquals(2, exitCode, this::toString);
            assertFalse(err.contains("\tat "), "stack trace on stderr:\n" + err);
            assertEquals(1, errLines().size(), "one line on stderr:\n" + err);
            assertEquals("", out, "nothing on stdout");
            return errLines().get(0);
        }

        @Override
        public String toString() {
            return "exit " + exitCode + "\n--- stdout:\n" + out + "\n--- stderr:\n" + err;
        }
    }

    /**
     * Runs {@code reflow ARGS}, capturing standard output and error.
     *
     * @param args the arguments
     * @return exit code and captured output
     */
    static synchronized Result run(String... args) {
        PrintStream oldOut = System.out;
        PrintStream oldErr = System.err;
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int code;
        try (PrintStream o = new PrintStream(out, true, StandardCharsets.UTF_8);
                PrintStream e = new PrintStream(err, true, StandardCharsets.UTF_8)) {
            System.setOut(o);
            System.setErr(e);
            code = Main.execute(args);
        } finally {
            System.setOut(oldOut);
            System.setErr(oldErr);
        }
        return new Result(code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }

    /**
     * The arguments followed by {@code --set} for every tiny override and then the extra overrides.
     *
     * @param args leading arguments (command and options)
     * @param extraSets further {@code key=value} overrides, applied last
     * @return the argument list
     */
    static String[] tiny(List<String> args, String... extraSets) {
        List<String> all = new ArrayList<>(args);
        for (String s : TINY) {
            all.add("--set");
            all.add(s);
        }
        for (String s : extraSets) {
            all.add("--set");
            all.add(s);
        }
        return all.toArray(String[]::new);
    }

    /**
     * The configuration that {@link #tiny} arguments resolve to.
     *
     * @param extraSets the same extra overrides
     * @return the config
     */
    static Config tinyConfig(String... extraSets) {
        List<String> all = new ArrayList<>(TINY);
        all.addAll(List.of(extraSets));
        return ConfigLoader.load(ReflowConfig.schema(), null, all);
    }
}
