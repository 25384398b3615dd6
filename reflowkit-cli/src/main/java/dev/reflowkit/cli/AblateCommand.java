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
        description = "From baseline, add the improvements one at a time; from simple-reflow with all seven (the"
            + " preset, projected pairs in place of backward pairs, and ablate.sampler_grid), remove them one at a"
            + " time (ablate.rows=none: baseline against the simple-reflow preset only). Every variant trains"
            + " ablate.seeds ReFlow runs on the shared teacher and pairs (the sampler rows reuse a model) and is"
            + " scored at eval.nfe on eval.grid and eval.extra_grids (and dopri5 with ablate.reference);"
            + " DIR/ablation.md and DIR/ablation.json hold every metric's mean and std over seeds, next to the"
            + " teacher and the floor. Reruns reuse finished runs.")
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
