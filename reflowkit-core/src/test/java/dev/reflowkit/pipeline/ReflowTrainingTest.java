package dev.reflowkit.pipeline;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDManager;
import dev.reflowkit.config.Config;
import dev.reflowkit.config.ConfigLoader;
import dev.reflowkit.config.ReflowConfig;
import dev.reflowkit.engine.Engines;
import dev.reflowkit.pairs.PairDirection;
import dev.reflowkit.pairs.PairGeneration;
import dev.reflowkit.pairs.TinyTeacher;
import dev.reflowkit.train.Checkpoints;
import dev.reflowkit.train.FlowTrainer;
import dev.reflowkit.train.ProgressBar;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What a ReFlow run records and refuses: its own dropout, and loss normalization where it is biased. */
class ReflowTrainingTest {

    private static final long SEED = 31;

    @TempDir
    Path dir;

    private Config reflowConfig(List<String> stores, String... more) {
        Path teacher = TinyTeacher.checkpoint(SEED);
        Config c = TinyTeacher.config(SEED, "model.dropout=0.2", "train.steps=10", "train.checkpoint_every=5");
        c = c.with("reflow.teacher", teacher.toString()).with("reflow.pairs", stores);
        for (String m : more) {
            int eq = m.indexOf('=');
            c = c.with(m.substring(0, eq), c.schema().option(m.substring(0, eq)).parse(m.substring(eq + 1)));
        }
        return c;
    }

    private Path store(PairDirection direction) throws IOException {
        Path out = dir.resolve(direction.configName());
        if (!Files.exists(out.resolve("manifest.json"))) {
            PairGeneration.builder().setTeacher(TinyTeacher.checkpoint(SEED)).setDirection(direction).optCount(200)
                    .optConfig(TinyTeacher.config(SEED)).build().run(out);
        }
        return out;
    }

    private static ProgressBar quiet() {
        return new ProgressBar(new PrintStream(new ByteArrayOutputStream()), 1, false);
    }

    @Test
    void checkpointsAndRunRecordHoldTheReflowDropout() throws IOException {
        Config c = reflowConfig(List.of(store(PairDirection.BACKWARD).toString()), "reflow.dropout=0.0");
        Path run = dir.resolve("run");
        FlowTraining.run(c.with("train.steps", 5L), run, true, List.of(), quiet());
        FlowTraining.run(c, run, true, List.of(), quiet()); // resumes from step 5 with the same recipe
        try (NDManager m = Engines.newManager()) {
            Config stored = ConfigLoader.fromMap(ReflowConfig.schema(),
                    Checkpoints.read(run.resolve(FlowTrainer.FINAL_CHECKPOINT), m).config());
            assertEquals(0.0, stored.getDouble("model.dropout"), "the ReFlow model trained without dropout");
            assertEquals(10, Checkpoints.read(run.resolve(FlowTrainer.FINAL_CHECKPOINT), m).state().step());
        }
        assertTrue(Files.readString(run.resolve("config.yaml")).contains("dropout: 0.0"));
    }

    @Test
    void perSampleNormalizationIsRefusedOnTeachersAndWarnedAboutOnMixedStores() throws IOException {
        Config teacher = TinyTeacher.config(SEED, "loss.weight=per-sample");
        Path t = dir.resolve("teacher");
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> FlowTraining.run(teacher, t, false, List.of(), quiet()));
        assertTrue(e.getMessage().contains("time-bin-ema"), e.getMessage());
        assertFalse(Files.exists(t.resolve("run.json")), "nothing written");

        Config mixed = reflowConfig(List.of(store(PairDirection.BACKWARD).toString(),
                store(PairDirection.FORWARD).toString()), "loss.weight=per-sample");
        Path run = dir.resolve("mixed");
        FlowTraining.run(mixed, run, false, List.of(), quiet());
        assertTrue(Files.readString(run.resolve("run.json")).contains("Proposition 1"), "the warning is recorded");

        Config backward = reflowConfig(List.of(store(PairDirection.BACKWARD).toString()), "loss.weight=per-sample");
        Path plain = dir.resolve("backward-only");
        FlowTraining.run(backward, plain, false, List.of(), quiet());
        assertFalse(Files.readString(plain.resolve("run.json")).contains("warnings"));
    }

    @Test
    void streamedStoresTrainToTheSameBitsAsStoresInMemory() throws IOException {
        List<String> stores = List.of(store(PairDirection.BACKWARD).toString(), store(PairDirection.FORWARD).toString());
        Path memory = dir.resolve("in-memory");
        Path streamed = dir.resolve("streamed");
        FlowTraining.run(reflowConfig(stores, "reflow.streaming=never"), memory, false, List.of(), quiet());
        FlowTraining.run(reflowConfig(stores, "reflow.streaming=always"), streamed, false, List.of(), quiet());
        assertTrue(Files.readString(streamed.resolve("run.json")).contains("\"streamed\" : true"));
        try (NDManager m = Engines.newManager()) {
            var a = Checkpoints.read(memory.resolve(FlowTrainer.FINAL_CHECKPOINT), m);
            var b = Checkpoints.read(streamed.resolve(FlowTrainer.FINAL_CHECKPOINT), m);
            for (int i = 0; i < a.parameters().size(); i++) {
                org.junit.jupiter.api.Assertions.assertArrayEquals(a.parameters().get(i).toFloatArray(),
                        b.parameters().get(i).toFloatArray(), a.parameterNames().get(i));
            }
        }
    }
}
