package dev.reflowkit.cli;

import dev.reflowkit.config.Config;
import dev.reflowkit.pipeline.FlowTraining;
import dev.reflowkit.train.TrainResult;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/** {@code reflow train}: trains a teacher (1-rectified flow) on the configured data. */
@Command(name = "train", mixinStandardHelpOptions = true, versionProvider = VersionProvider.class,
        header = "Train a flow: a teacher, or a ReFlow model when reflow.teacher and reflow.pairs are set.",
        description = {"A teacher (1-rectified flow) trains on data.source. With reflow.teacher (a checkpoint)"
            + " and reflow.pairs (pair stores from `reflow pairs`) it trains a ReFlow model initialised"
            + " from the teacher; reflow.preset picks a recipe (baseline, rectified-flow, rfpp,"
            + " simple-reflow).",
            "DIR is locked while the run writes it: a second train, pipeline or ablate on DIR is refused with"
            + " the holder's pid, host, start time and command; the lock of a killed run is taken over."})
final class TrainCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Mixin
    ConfigOptions config = new ConfigOptions();

    @Option(names = {"-o", "--out"}, paramLabel = "DIR", required = true,
            description = "Run directory: model.ckpt, checkpoints/, train_log.jsonl, config.yaml, run.json.")
    Path out;

    @Option(names = "--resume", description = "Continue from the newest intact checkpoint in DIR:"
            + " a damaged newer one (bad checksum, truncated) is set aside as .damaged with a warning naming it"
            + " and the one used, so at most the steps after that one are trained again; with no intact"
            + " checkpoint left it stops with an error. The result equals an uninterrupted run's.")
    boolean resume;

    /** {@inheritDoc} */
    @Override
    public Integer call() throws Exception {
        Config c = config.resolve(List.of());
        if (config.dryRun) {
            System.out.print(c.toYaml());
            return 0;
        }
        TrainResult r = FlowTraining.run(c, out, resume, spec.commandLine().getParseResult().originalArgs(), null);
        if (r.startStep() == r.steps()) {
            System.out.printf(Locale.ROOT, "nothing to do: %s already holds a finished run of %d steps%nmodel: %s%n",
                    out, r.steps(), r.checkpoint());
            return 0;
        }
        System.out.printf(Locale.ROOT, "trained %d steps (%d samples) in %.1f s, %.0f samples/s; last loss %.5f%n"
                + "model: %s%n", r.steps(), r.samplesSeen(), r.seconds(), r.samplesPerSecond(), r.lastLoss(),
                r.checkpoint());
        return 0;
    }
}
