package dev.reflowkit.pipeline;

import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.reflowkit.config.Config;
import dev.reflowkit.config.ConfigLoader;
import dev.reflowkit.config.ReflowConfig;
import dev.reflowkit.eval.EvalRun;
import dev.reflowkit.eval.MetricsReport;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The central claim on a small 2-D budget: one ReFlow round from a short teacher makes few-step
 * sampling good (1-NFE W2 at most half the teacher's) and the flow straighter; and the default
 * sampler's error against the adaptive solution does not grow with the NFE, on the curved teacher
 * and on the reflowed model.
 */
class ReflowClaimTest {

    @TempDir
    static Path dir;

    private static MetricsReport report;

    @BeforeAll
    static void teacherAndOneReflowRound() throws IOException {
        Config c = ConfigLoader.load(ReflowConfig.schema(), null, List.of(
                "train.steps=1500", "train.batch_size=256", "model.hidden=128", "model.depth=3",
                "train.lr=2e-3", "train.warmup_steps=100", "train.ema_halflife=20000",
                "train.checkpoint_every=1500", "train.log_every=500", "data.train_count=20000",
                "pairs.count=10000", "pairs.nfe=31", "pairs.shard_size=5000", "pairs.batch_size=2500",
                "pipeline.models=[baseline]", "pipeline.reflow_set=[train.steps=1500,train.warmup_steps=100]",
                "eval.count=500", "eval.repeats=1", "eval.nfe=[1,2,3,4,5,6,7,8,9,10,11,12]",
                "sample.atol=1e-5", "sample.rtol=1e-5"));
        report = Pipeline.run(c, dir, List.of(), new PrintStream(new ByteArrayOutputStream()));
    }

    private static EvalRun run(String model, double nfe) {
        return report.runs().stream().filter(r -> r.model().equals(model) && (nfe == 0 ? r.isAdaptive()
                : !r.isAdaptive() && r.nfe() == nfe)).findFirst().orElseThrow();
    }

    @Test
    void oneReflowRoundHalvesTheOneStepW2AndStraightensTheFlow() {
        double teacher = run("teacher", 1).metrics().get("w2").mean();
        double reflowed = run("baseline", 1).metrics().get("w2").mean();
        double sTeacher = run("teacher", 0).trajectory().straightness().mean();
        double sReflowed = run("baseline", 0).trajectory().straightness().mean();
        System.out.printf(Locale.ROOT, "1-NFE W2: teacher %.3f, reflowed %.3f (floor %.3f); straightness (dopri5):"
                + " teacher %.4f, reflowed %.4f%n", teacher, reflowed, report.floor().get("w2").mean(), sTeacher,
                sReflowed);
        assertTrue(reflowed <= 0.5 * teacher, "1-NFE W2 reflowed " + reflowed + " vs teacher " + teacher);
        assertTrue(sReflowed < sTeacher, "straightness reflowed " + sReflowed + " vs teacher " + sTeacher);
    }

    @Test
    void theDefaultSamplersErrorDoesNotGrowWithTheNfe() {
        for (String model : new String[] {"teacher", "baseline"}) {
            double[] rms = new double[13];
            StringBuilder line = new StringBuilder(model + " disc. RMS by NFE:");
            for (int nfe = 1; nfe <= 12; nfe++) {
                rms[nfe] = run(model, nfe).trajectory().discretizationRms().mean();
                line.append(String.format(Locale.ROOT, " %d:%.4f", nfe, rms[nfe]));
            }
            System.out.println(line);
            for (int nfe = 2; nfe <= 12; nfe++) {
                // within noise: 500 samples' RMS is a mean over samples, about 5% from sample to sample
                assertTrue(rms[nfe] <= 1.05 * rms[nfe - 1] + 1e-3, model + ": RMS at NFE " + nfe + " " + rms[nfe]
                        + " vs " + rms[nfe - 1] + " at NFE " + (nfe - 1));
            }
        }
    }
}
