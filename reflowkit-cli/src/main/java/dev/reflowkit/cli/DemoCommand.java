package dev.reflowkit.cli;

import dev.reflowkit.config.Config;
import dev.reflowkit.pipeline.Demo;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/** {@code reflow demo}: the main job on the built-in default configuration. */
@Command(name = "demo", mixinStandardHelpOptions = true, versionProvider = VersionProvider.class,
        header = "Run the whole pipeline on the built-in defaults: teacher, pairs, ReFlow models, metrics.",
        description = "The pipeline on the default configuration (8gaussians; teacher, baseline and"
            + " simple-reflow; see `reflow pipeline`): scores every model at every eval.nfe (default 1, 2,"
            + " 4, 9) and the teacher with the adaptive reference solver; writes DIR/metrics.json."
            + " Reruns reuse finished work.")
final class DemoCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Mixin
    ConfigOptions config = new ConfigOptions();

    @Option(names = {"-o", "--out"}, paramLabel = "DIR", defaultValue = "runs/demo",
            description = "Output directory (default: ${DEFAULT-VALUE}).")
    Path out;

    /** {@inheritDoc} */
    @Override
    public Integer call() throws Exception {
        Config c = config.resolve(List.of());
        if (config.dryRun) {
            System.out.print(c.toYaml());
            return 0;
        }
        Demo.run(c, out, spec.commandLine().getParseResult().originalArgs(), System.out);
        return 0;
    }
}
