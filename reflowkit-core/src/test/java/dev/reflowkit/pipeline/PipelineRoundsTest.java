package dev.reflowkit.pipeline;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.reflowkit.config.Config;
import dev.reflowkit.config.ConfigLoader;
import dev.reflowkit.config.ReflowConfig;
import dev.reflowkit.eval.EvalRun;
import dev.reflowkit.eval.MetricsReport;
import dev.reflowkit.io.Checksums;
import dev.reflowkit.pairs.PairStore;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** k-rectified flow: round 2 draws its pairs from round 1's model and starts from its weights. */
class PipelineRoundsTest {

    @TempDir
    Path dir;

    @Test
    void secondRoundUsesTheFirstRoundsModel() throws IOException {
        Config c = ConfigLoader.load(ReflowConfig.schema(), null, List.of(
                "train.steps=30", "train.batch_size=64", "train.warmup_steps=0", "model.hidden=16",
                "model.depth=1", "model.time_scale=1", "data.train_count=1000", "train.checkpoint_every=30",
                "eval.count=50", "eval.repeats=1", "eval.nfe=[1]", "sample.atol=1e-3", "sample.rtol=1e-3",
                "pairs.count=200", "pairs.nfe=3", "pairs.shard_size=100", "pipeline.models=[baseline]",
                "pipeline.reflow_set=[train.steps=20]", "reflow.rounds=2"));
        MetricsReport report = Pipeline.run(c, dir, List.of(), new PrintStream(new ByteArrayOutputStream()));

        Path round1 = dir.resolve("reflow/baseline-round1/model.ckpt");
        Path round2 = dir.resolve("reflow/baseline-round2/model.ckpt");
        assertTrue(Files.exists(round1) && Files.exists(round2));
        PairStore first = PairStore.open(dir.resolve("pairs/round1/backward"));
        PairStore second = PairStore.open(dir.resolve("pairs/baseline-round2/backward"));
        assertEquals(Checksums.sha256(dir.resolve("teacher/model.ckpt")), first.settings().teacherSha256());
        assertEquals(Checksums.sha256(round1), second.settings().teacherSha256(), "round 2 pairs come from round 1");
        List<String> models = report.runs().stream().map(EvalRun::model).distinct().toList();
        assertEquals(List.of("teacher", "baseline"), models);
    }
}
