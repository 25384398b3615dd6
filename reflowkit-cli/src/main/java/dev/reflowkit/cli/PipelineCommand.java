package dev.reflowkit.cli;

import dev.reflowkit.config.Config;
import dev.reflowkit.pipeline.Pipeline;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/** {@code reflow pipeline}: teacher, pairs, ReFlow models and evaluation from a configuration. */
@Command(name = "pipeline", mixinStandardHelpOptions = true, versionProvider = VersionProvider.class,
        header = "Teacher -> pairs -> ReFlow models -> evaluation, resumable, in one directory.",
        description = "Trains the teacher, draws pair stores from it (reflow.directions of each model),"
            + " trains one ReFlow model per preset of pipeline.models, and scores them all; every stage"
            + " skips work already done in DIR, so a rerun resumes.")
final class PipelineCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Mixin
    ConfigOptions config = new ConfigOptions();

    @Option(names = {"-o", "--out"}, paramLabel = "DIR", required = true,
            description = "Pipeline directory: teacher/, pairs/, reflow/, metrics.json.")
    Path out;

    /** {@inheritDoc} */
    @Override
    public Integer call() throws Exception {
        Config c = config.resolve(List.of());
        if (config.dryRun) {
            System.out.print(c.toYaml());
            return 0;
        }
        Pipeline.run(c, out, spec.commandLine().getParseResult().originalArgs(), System.out);
        return 0;
    }
}
