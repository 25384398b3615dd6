package dev.reflowkit.pipeline;

import static org.junit.jupiter.api.Assertions.assertEquals;
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
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * End to end on a small budget: a teacher trained for a few seconds on 8gaussians must sample
 * close to the data with the adaptive solver, and few-step sampling must be measurably worse.
 */
class TeacherQualityTest {

    @TempDir
    Path dir;

    @Test
    void shortTeacherApproachesTheFloor() throws IOException {
        Config c = ConfigLoader.load(ReflowConfig.schema(), null, List.of(
                "train.steps=1500", "train.batch_size=256", "model.hidden=128", "model.depth=3",
                "train.lr=2e-3", "train.warmup_steps=100", "train.ema_halflife=20000",
                "train.checkpoint_every=1500", "train.log_every=500", "data.train_count=20000",
                "eval.count=500", "eval.repeats=2", "eval.nfe=[1,9]", "sample.atol=1e-4", "sample.rtol=1e-4"));
        PrintStream quiet = new PrintStream(new ByteArrayOutputStream());
        FlowTraining.run(c, dir, false, List.of(), new ProgressBar(quiet, 1, false));
        MetricsReport report = ModelEvaluation.evaluate(c, java.util.Map.of("teacher", dir.resolve(FlowTrainer.FINAL_CHECKPOINT)), quiet);

        double floor = report.floor().get("w2").mean();
        List<EvalRun> runs = report.runs();
        assertEquals(3, runs.size());
        EvalRun oneStep = runs.get(0);
        EvalRun nine = runs.get(1);
        EvalRun reference = runs.get(2);
        assertEquals("dopri5", reference.solver());
        assertTrue(reference.nfe() > 9, "adaptive NFE " + reference.nfe());
        assertTrue(reference.metrics().get("w2").mean() < 1.6 * floor,
                "reference W2 " + reference.metrics().get("w2").mean() + " vs floor " + floor);
        assertTrue(nine.metrics().get("w2").mean() < 2.0 * floor,
                "9-NFE W2 " + nine.metrics().get("w2").mean() + " vs floor " + floor);
        assertTrue(oneStep.metrics().get("w2").mean() > 2 * reference.metrics().get("w2").mean(),
                "one Euler step should be clearly worse than the reference on a curved teacher");
    }
}
