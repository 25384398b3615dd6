package dev.reflowkit.pipeline;

import dev.reflowkit.config.Config;
import dev.reflowkit.pairs.PairDirection;
import dev.reflowkit.pairs.PairGeneration;
import dev.reflowkit.pairs.PairGenerationResult;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.Locale;

/** The pipeline's pair stage: one resumable pair store per direction, drawn from a teacher. */
final class PairStages {

    private PairStages() {}

    /**
     * Generates (or finishes, or finds complete) a pair store.
     *
     * @param config the configuration ({@code pairs.*})
     * @param teacher the checkpoint to integrate
     * @param direction backward, forward or projected
     * @param store the store directory
     * @param out where to print progress
     * @return the generation result
     * @throws IOException if the store cannot be written
     */
    static PairGenerationResult generate(Config config, Path teacher, String direction, Path store, PrintStream out)
            throws IOException {
        PairGenerationResult r = PairGeneration.builder()
                .setTeacher(teacher)
                .setDirection(PairDirection.byName(direction))
                .optConfig(config)
                .build()
                .run(store);
        out.printf(Locale.ROOT, "   %d %s pairs (%d shards new) in %.1f s%n", r.count(), direction, r.shardsGenerated(),
                r.seconds());
        return r;
    }
}
