package dev.reflowkit.pairs;

import dev.reflowkit.config.Config;
import dev.reflowkit.config.ConfigLoader;
import dev.reflowkit.config.ReflowConfig;
import dev.reflowkit.pipeline.FlowTraining;
import dev.reflowkit.train.FlowTrainer;
import dev.reflowkit.train.ProgressBar;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * Tiny teachers for the pair tests: a 1 x 32 MLP trained for 20 steps on 600 points of
 * 8gaussians, trained once per seed and JVM.
 */
public final class TinyTeacher {

    /** Overrides that keep pair generation fast: NFE 5, shards of 100, batches of 50. */
    public static final List<String> FAST_PAIRS = List.of("pairs.nfe=5", "pairs.shard_size=100",
            "pairs.batch_size=50", "pairs.block=50", "pairs.workers=1");

    private static final Map<Long, Path> TRAINED = new HashMap<>();

    private TinyTeacher() {}

    /**
     * The tiny teacher's configuration.
     *
     * @param seed the run seed
     * @param more further overrides
     * @return the config
     */
    public static Config config(long seed, String... more) {
        List<String> o = new ArrayList<>(List.of("seed=" + seed, "train.steps=20", "train.batch_size=64",
                "train.warmup_steps=0", "train.lr=0.005", "model.hidden=32", "model.depth=1", "model.time_scale=1",
                "data.train_count=600", "train.checkpoint_every=20", "train.log_every=20", "eval.count=50"));
        o.addAll(FAST_PAIRS);
        o.addAll(List.of(more));
        return ConfigLoader.load(ReflowConfig.schema(), null, o);
    }

    /**
     * Deletes a directory tree, ignoring failures (test clean-up).
     *
     * @param dir the directory
     */
    public static void deleteTree(Path dir) {
        try (Stream<Path> s = Files.walk(dir)) {
            s.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException | UncheckedIOException e) {
            // best effort
        }
    }

    /**
     * The checkpoint of the tiny teacher of a seed, trained on first use.
     *
     * @param seed the run seed
     * @return the checkpoint file
     */
    public static synchronized Path checkpoint(long seed) {
        return TRAINED.computeIfAbsent(seed, s -> {
            try {
                Path dir = Files.createTempDirectory("tiny-teacher-" + s);
                Runtime.getRuntime().addShutdownHook(new Thread(() -> deleteTree(dir)));
                FlowTraining.run(config(s), dir, false, List.of(),
                        new ProgressBar(new PrintStream(new ByteArrayOutputStream()), 1, false));
                return dir.resolve(FlowTrainer.FINAL_CHECKPOINT);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        });
    }
}
