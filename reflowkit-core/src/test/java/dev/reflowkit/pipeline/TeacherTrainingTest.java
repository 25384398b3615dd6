package dev.reflowkit.pipeline;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.reflowkit.config.Config;
import dev.reflowkit.config.ConfigLoader;
import dev.reflowkit.config.ReflowConfig;
import dev.reflowkit.train.ProgressBar;
import dev.reflowkit.train.TrainResult;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FlowTrainingTest {

    @TempDir
    Path dir;

    private static Config tiny(String... more) {
        List<String> o = new ArrayList<>(List.of("train.steps=20", "train.batch_size=32", "model.hidden=16",
                "model.depth=1", "data.train_count=500", "train.checkpoint_every=10", "train.log_every=10",
                "eval.count=50"));
        o.addAll(List.of(more));
        return ConfigLoader.load(ReflowConfig.schema(), null, o);
    }

    private TrainResult train(Config c, boolean resume) throws IOException {
        return FlowTraining.run(c, dir, resume, List.of(),
                new ProgressBar(new PrintStream(new ByteArrayOutputStream()), 1, false));
    }

    @Test
    void resumeMayExtendTheRunButNotChangeTheModel() throws IOException {
        train(tiny(), false);
        String configBefore = Files.readString(dir.resolve("config.yaml"));

        IllegalArgumentException fresh = assertThrows(IllegalArgumentException.class, () -> train(tiny(), false));
        assertTrue(fresh.getMessage().contains("--resume"), fresh.getMessage());
        IllegalArgumentException changed = assertThrows(IllegalArgumentException.class,
                () -> train(tiny("model.hidden=32"), true));
        assertTrue(changed.getMessage().contains("model.hidden (16 -> 32)"), changed.getMessage());
        assertEquals(configBefore, Files.readString(dir.resolve("config.yaml")), "a refused run writes nothing");

        TrainResult longer = train(tiny("train.steps=30"), true);
        assertEquals(30, longer.steps());
        assertEquals(30 * 32, longer.samplesSeen());
    }
}
