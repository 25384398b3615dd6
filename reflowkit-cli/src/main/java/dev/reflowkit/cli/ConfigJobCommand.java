package dev.reflowkit.cli;

import dev.reflowkit.config.Config;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/**
 * A command that resolves a configuration ({@code --config}, {@code --set}, {@code --dry-run})
 * and runs a job into an output directory; the subclass names the directory option and the job.
 */
abstract class ConfigJobCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Mixin
    ConfigOptions config = new ConfigOptions();

    /**
     * The output directory given on the command line.
     *
     * @return the directory
     */
    abstract Path outputDir();

    /**
     * Runs the job.
     *
     * @param c the resolved configuration
     * @param dir the output directory
     * @param args the command line, for run records
     * @throws Exception if the job fails
     */
    abstract void run(Config c, Path dir, List<String> args) throws Exception;

    /** {@inheritDoc} */
    @Override
    public final Integer call() throws Exception {
        Config c = config.resolve(List.of());
        if (config.dryRun) {
            System.out.print(c.toYaml());
            return 0;
        }
        run(c, outputDir(), spec.commandLine().getParseResult().originalArgs());
        return 0;
    }
}
