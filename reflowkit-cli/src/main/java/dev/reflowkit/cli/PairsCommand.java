package dev.reflowkit.cli;

import dev.reflowkit.config.Config;
import dev.reflowkit.pairs.PairDirection;
import dev.reflowkit.pairs.PairGeneration;
import dev.reflowkit.pairs.PairGenerationResult;
import dev.reflowkit.pairs.PairSettings;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code reflow pairs}: generates ReFlow pairs from a teacher checkpoint into a pair store. */
@Command(name = "pairs", mixinStandardHelpOptions = true, versionProvider = VersionProvider.class,
        header = "Generate ReFlow pairs from a teacher into a resumable pair store.",
        description = {
            "Generate (x0, x1) pairs with the teacher's ODE (t=0 data, t=1 noise) and write them to a pair store:"
                + " DIR/manifest.json and DIR/shards/pairs-FIRST-END.x0.npy/.x1.npy (float32, numpy-readable).",
            "backward: noise x1 integrated 1->0 to a generated x0. forward: the teacher's training points"
                + " (drawn without replacement, in an order seeded by the pair seed) integrated 0->1 to their x1. projected (ours): backward pairs whose x0 is replaced by the real"
                + " training point matched to it by optimal transport within blocks of pairs.block (exact, or"
                + " entropic with pairs.sinkhorn_lambda > 0).",
            "Rerunning the same command resumes an interrupted store (intact shards are kept, missing or"
                + " corrupted ones regenerated); other settings into an existing store are an error. DIR is locked"
                + " while pairs are written: a second job on it is refused, naming the holder.",
            "Settings: the teacher's stored configuration with --set overrides of pairs.* and sample.* options"
                + " (see docs/CONFIG.md, section pairs)."
        })
final class PairsCommand implements Callable<Integer> {

    @Option(names = {"-t", "--teacher"}, paramLabel = "CKPT", required = true,
            description = "Teacher checkpoint (model.ckpt).")
    Path teacher;

    @Option(names = {"-d", "--direction"}, paramLabel = "backward|forward|projected", required = true,
            description = "backward, forward or projected.")
    String direction;

    @Option(names = {"-o", "--out"}, paramLabel = "DIR", required = true, description = "Pair store directory.")
    Path out;

    @Option(names = {"-n", "--count"},
            description = "Number of pairs (default: pairs.count; pairs.forward_count for forward pairs).")
    Integer count;

    @Option(names = "--seed", description = "Pair seed: pair i's noise depends only on (seed, i)"
            + " (default: pairs.seed, or one derived from the teacher's seed).")
    Long seed;

    @Option(names = "--workers", description = "Worker threads (default: pairs.workers); the pairs do not depend on it.")
    Integer workers;

    @Option(names = "--set", paramLabel = "KEY=VALUE",
            description = "Override a pairs.* or sample.* option, e.g. --set pairs.nfe=63 (repeatable).")
    List<String> overrides = new ArrayList<>();

    @Option(names = "--dry-run", description = "Print the resolved configuration and the planned store, and exit.")
    boolean dryRun;

    /** {@inheritDoc} */
    @Override
    public Integer call() throws Exception {
        PairDirection dir = PairDirection.byName(direction);
        Config c = PairGeneration.teacherConfig(teacher, overrides);
        PairGeneration.Builder b = PairGeneration.builder()
                .setTeacher(teacher)
                .setDirection(dir)
                .optConfig(c)
                .optProgress(System.err::println);
        if (count != null) {
            b.optCount(count);
        }
        if (seed != null) {
            b.optSeed(seed);
        }
        if (workers != null) {
            b.optWorkers(workers);
        }
        PairGeneration generation = b.build();
        if (dryRun) {
            PairSettings s = generation.settings();
            System.out.print(c.toYaml());
            System.out.printf(Locale.ROOT, "# would write %d %s pairs in %d shards of %d to %s%n"
                    + "# seed %d, %s, NFE %s, batch %d, teacher sha256 %s%n", s.count(), s.direction(),
                    s.shards().size(), s.shardSize(), out, s.seed(), s.solver(),
                    s.nfe() == 0 ? "adaptive" : Integer.toString(s.nfe()), s.batchSize(), s.teacherSha256());
            return 0;
        }
        PairGenerationResult r = generation.run(out);
        if (r.shardsGenerated() == 0) {
            System.out.printf(Locale.ROOT, "nothing to do: %s already holds %d %s pairs%n", out, r.count(),
                    r.direction());
            return 0;
        }
        System.out.printf(Locale.ROOT, "wrote %d %s pairs to %s (%d of %d shards generated, %d reused; NFE %.1f;"
                + " %.1f s, %.0f pairs/s)%s%n", r.pairsGenerated(), r.direction(), out, r.shardsGenerated(), r.shards(),
                r.shardsReused(), r.nfe(), r.seconds(), r.pairsPerSecond(), r.complete() ? "" : "; store incomplete");
        return 0;
    }
}
