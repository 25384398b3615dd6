package dev.reflowkit.cli;

import dev.reflowkit.config.Config;
import dev.reflowkit.pipeline.Pipeline;
import java.nio.file.Path;
import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code reflow pipeline}: teacher, pairs, ReFlow models and evaluation from a configuration. */
@Command(name = "pipeline", mixinStandardHelpOptions = true, versionProvider = VersionProvider.class,
        header = "Teacher -> pairs -> ReFlow models -> evaluation, resumable, in one directory.",
        description = "Trains the teacher, draws pair stores from it (reflow.directions of each model),"
            + " trains one ReFlow model per preset of pipeline.models, and scores them all; every stage"
            + " skips work already done in DIR, so a rerun resumes (each training from its newest intact"
            + " checkpoint). DIR is locked while the pipeline runs, and each stage's directory while the stage"
            + " runs: a second job on them is refused, naming the holder. Stages that do not need each other run"
            + " side by side in child processes (pipeline.jobs, by default 2 for a U-Net on a CPU with 2 or more"
            + " threads), their output lines marked with the stage's name.")
final class PipelineCommand extends ConfigJobCommand {

    @Option(names = {"-o", "--out"}, paramLabel = "DIR", required = true,
            description = "Pipeline directory: teacher/, pairs/, reflow/, metrics.json.")
    Path out;

    @Option(names = "--stage", hidden = true, paramLabel = "NAME",
            description = "Internal: run this one stage of the pipeline, as the child process the pipeline starts for it.")
    String stage;

    @Override
    Path outputDir() {
        return out;
    }

    @Override
    void run(Config c, Path dir, List<String> args) throws Exception {
        if (stage != null) {
            StageProcesses.exitWithParent();
            Pipeline.followScheduleRequests(System.in);
            Pipeline.runStage(c, dir, args, stage, System.out);
            return;
        }
        Pipeline.run(c, dir, args, System.out, StageProcesses.of(args, c));
    }
}
