package dev.reflowkit.pipeline;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.reflowkit.config.Config;
import dev.reflowkit.config.ConfigLoader;
import dev.reflowkit.config.ReflowConfig;
import dev.reflowkit.eval.EvalRun;
import dev.reflowkit.eval.MetricsReport;
import dev.reflowkit.train.FlowTrainer;
import dev.reflowkit.train.ProgressBar;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The evaluation stage resumes: parts stored by a killed evaluation are read back, the rest is
 * computed, and the report equals an uninterrupted run's bit for bit.
 */
class EvaluationJournalTest {

    @TempDir
    static Path dir;

    private static Config config;
    private static Map<String, Path> models;
    private static MetricsReport uninterrupted;

    @BeforeAll
    static void trainAndEvaluateOnce() throws IOException {
        config = ConfigLoader.load(ReflowConfig.schema(), null, List.of("seed=3", "train.steps=60",
                "train.batch_size=64", "model.hidden=32", "model.depth=2", "train.checkpoint_every=60",
                "data.train_count=2000", "eval.count=200", "eval.repeats=2", "eval.nfe=[1,2,4]",
                "eval.extra_grids=[edm]", "sample.atol=1e-3", "sample.rtol=1e-3"));
        PrintStream quiet = new PrintStream(new ByteArrayOutputStream());
        FlowTraining.run(config, dir.resolve("teacher"), false, List.of(), new ProgressBar(quiet, 1, false));
        FlowTraining.run(config.with("seed", 4L), dir.resolve("other"), false, List.of(),
                new ProgressBar(quiet, 1, false));
        models = new LinkedHashMap<>();
        models.put("teacher", dir.resolve("teacher").resolve(FlowTrainer.FINAL_CHECKPOINT));
        models.put("other", dir.resolve("other").resolve(FlowTrainer.FINAL_CHECKPOINT));
        uninterrupted = ModelEvaluation.evaluate(config, models, quiet);
    }

    @Test
    void aResumedEvaluationEqualsAnUninterruptedOne() throws IOException {
        Path journal = dir.resolve("journal-resume");
        Output first = evaluate(config, journal);
        assertEquals(timeless(uninterrupted), timeless(first.report()), "the journal changes nothing in a run that is not killed");
        assertEquals(0, first.stored());
        // A kill after the first model and two of the second's runs: later files do not exist.
        List<Path> otherRuns = runFiles(journal.resolve("other"));
        assertEquals(7, otherRuns.size(), "6 few-step runs and the reference");
        for (Path f : otherRuns.subList(3, otherRuns.size())) {
            Files.delete(f);
        }
        Output resumed = evaluate(config, journal);
        assertEquals(timeless(uninterrupted), timeless(resumed.report()));
        assertEquals(6 + 2, resumed.stored(), "the teacher's 6 runs and the other model's 2 few-step runs are read back");
        Output again = evaluate(config, journal);
        assertEquals(timeless(uninterrupted), timeless(again.report()));
        assertEquals(12, again.stored());
    }

    @Test
    void missingReferenceSamplesAreSampledAgain() throws IOException {
        Path journal = dir.resolve("journal-reference");
        evaluate(config, journal);
        // A kill between the reference samples' files and the reference run, or in the middle of them.
        try (Stream<Path> s = Files.list(journal.resolve("teacher"))) {
            for (Path f : s.filter(f -> f.getFileName().toString().endsWith("-r1.npy")).toList()) {
                Files.delete(f);
            }
        }
        for (Path f : runFiles(journal.resolve("teacher")).subList(2, 7)) {
            Files.delete(f);
        }
        Output resumed = evaluate(config, journal);
        assertEquals(timeless(uninterrupted), timeless(resumed.report()));
    }

    @Test
    void aChangedSettingIsNotReadBack() throws IOException {
        Path journal = dir.resolve("journal-changed");
        evaluate(config, journal);
        Config changed = config.with("eval.count", 150);
        Output other = evaluate(changed, journal);
        assertEquals(0, other.stored(), "another eval.count shapes every result");
        assertNotEquals(uninterrupted.floor(), other.report().floor());
        Config fewer = config.with("eval.nfe", List.of(2));
        Output subset = evaluate(fewer, journal);
        assertEquals(4, subset.stored(), "NFE 2 on two grids, per model: the run lists are not part of the key");
    }

    /** The report without the sampling times (wall clock, different in every run). */
    private static MetricsReport timeless(MetricsReport r) {
        return new MetricsReport(r.data(), r.count(), r.repeats(), r.floor(), r.runs().stream()
                .map(e -> new EvalRun(e.model(), e.solver(), e.grid(), e.nfe(), e.metrics(), 0, e.trajectory()))
                .toList());
    }

    /** A run's report and how many of its runs were read back. */
    private record Output(MetricsReport report, int stored) {}

    private static Output evaluate(Config c, Path journal) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        MetricsReport report = ModelEvaluation.evaluate(c, models, new PrintStream(bytes, true, StandardCharsets.UTF_8),
                true, journal);
        String text = bytes.toString(StandardCharsets.UTF_8);
        int stored = (int) text.lines().filter(l -> l.endsWith("(stored)")).count();
        if (stored > 0) {
            assertTrue(text.contains("resumed: "), text);
        }
        return new Output(report, stored);
    }

    /** A model's stored runs, oldest first (the order a kill cuts them off in). */
    private static List<Path> runFiles(Path modelDir) throws IOException {
        try (Stream<Path> s = Files.list(modelDir)) {
            return s.filter(f -> f.getFileName().toString().startsWith("run-")).sorted(Comparator.comparing(f -> {
                try {
                    return Files.getLastModifiedTime(f);
                } catch (IOException e) {
                    throw new java.io.UncheckedIOException(e);
                }
            })).toList();
        }
    }
}
