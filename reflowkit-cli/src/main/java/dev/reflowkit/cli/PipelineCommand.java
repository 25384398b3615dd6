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
            + " runs: a second job on them is refused, naming the holder.")
final class PipelineCommand extends ConfigJobCommand {

    @Option(names = {"-o", "--out"}, paramLabel = "DIR", required = true,
            description = "Pipeline directory: teacher/, pairs/, reflow/, metrics.json.")
    Path out;

    @Override
    Path outputDir() {
        return out;
    }

    @Override
    void run(Config c, Path dir, List<String> args) throws Exception {
        Pipeline.run(c, dir, args, System.out);
    }
}
