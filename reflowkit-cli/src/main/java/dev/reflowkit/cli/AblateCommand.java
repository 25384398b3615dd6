package dev.reflowkit.cli;

import dev.reflowkit.config.Config;
import dev.reflowkit.pipeline.Ablation;
import java.nio.file.Path;
import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code reflow ablate}: the ablation table of Simple ReFlow's improvements. */
@Command(name = "ablate", mixinStandardHelpOptions = true, versionProvider = VersionProvider.class,
        header = "Ablate Simple ReFlow's improvements over several seeds; writes a markdown and JSON table.",
        description = "From baseline, add the improvements one at a time; from simple-reflow, remove them one"
            + " at a time. Every variant trains ablate.seeds ReFlow runs on the shared teacher and pairs and is"
            + " scored at eval.nfe; DIR/ablation.md and DIR/ablation.json hold W2 mean and std over seeds."
            + " Reruns reuse finished runs.")
final class AblateCommand extends ConfigJobCommand {

    @Option(names = {"-o", "--out"}, paramLabel = "DIR", required = true,
            description = "Ablation directory: teacher/, pairs/, runs/, ablation.md, ablation.json.")
    Path out;

    @Override
    Path outputDir() {
        return out;
    }

    @Override
    void run(Config c, Path dir, List<String> args) throws Exception {
        Ablation.run(c, dir, args, System.out);
        System.out.println("== wrote " + dir.resolve("ablation.md") + " and " + dir.resolve("ablation.json"));
    }
}
