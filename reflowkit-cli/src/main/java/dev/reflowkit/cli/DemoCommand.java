package dev.reflowkit.cli;

import dev.reflowkit.config.Config;
import dev.reflowkit.pipeline.Demo;
import java.nio.file.Path;
import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code reflow demo}: the main job on the built-in default configuration. */
@Command(name = "demo", mixinStandardHelpOptions = true, versionProvider = VersionProvider.class,
        header = "Run the whole pipeline on the built-in defaults: teacher, pairs, ReFlow models, metrics.",
        description = "The pipeline on the default configuration (8gaussians; teacher, baseline and"
            + " simple-reflow; see `reflow pipeline`): scores every model at every eval.nfe (default 1, 2,"
            + " 4, 9) and the teacher with the adaptive reference solver; writes DIR/metrics.json."
            + " Reruns reuse finished work.")
final class DemoCommand extends ConfigJobCommand {

    @Option(names = {"-o", "--out"}, paramLabel = "DIR", defaultValue = "runs/demo",
            description = "Output directory (default: ${DEFAULT-VALUE}).")
    Path out;

    @Override
    Path outputDir() {
        return out;
    }

    @Override
    void run(Config c, Path dir, List<String> args) throws Exception {
        Demo.run(c, dir, args, System.out);
    }
}
