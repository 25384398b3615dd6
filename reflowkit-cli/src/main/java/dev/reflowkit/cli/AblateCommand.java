package dev.reflowkit.cli;

import dev.reflowkit.config.Config;
import dev.reflowkit.pipeline.Ablation;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/** {@code reflow ablate}: the ablation table of Simple ReFlow's improvements. */
@Command(name = "ablate", mixinStandardHelpOptions = true, versionProvider = VersionProvider.class,
        header = "Ablate Simple ReFlow's improvements over several seeds; writes a markdown and JSON table.",
        description = "From baseline, add the improvements one at a time; from simple-reflow, remove them one"
            + " at a time. Every variant trains ablate.seeds ReFlow runs on the shared teacher and pairs and is"
            + " scored at eval.nfe; DIR/ablation.md and DIR/ablation.json hold W2 mean and std over seeds."
            + " Reruns reuse finished runs.")
final class AblateCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Mixin
    ConfigOptions config = new ConfigOptions();

    @Option(names = {"-o", "--out"}, paramLabel = "DIR", required = true,
            description = "Ablation directory: teacher/, pairs/, runs/, ablation.md, ablation.json.")
    Path out;

    /** {@inheritDoc} */
    @Override
    public Integer call() throws Exception {
        Config c = config.resolve(List.of());
        if (config.dryRun) {
            System.out.print(c.toYaml());
            return 0;
        }
        Ablation.run(c, out, spec.commandLine().getParseResult().originalArgs(), System.out);
        System.out.println("== wrote " + out.resolve("ablation.md") + " and " + out.resolve("ablation.json"));
        return 0;
    }
}
