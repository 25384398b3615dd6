package dev.reflowkit.bench;

import ai.djl.ndarray.NDManager;
import dev.reflowkit.config.Config;
import dev.reflowkit.engine.Engines;
import dev.reflowkit.pairs.PairDirection;
import dev.reflowkit.pairs.PairGeneration;
import dev.reflowkit.pairs.PairGenerationResult;
import dev.reflowkit.pipeline.Components;
import dev.reflowkit.pipeline.FlowTraining;
import dev.reflowkit.pipeline.RunData;
import dev.reflowkit.train.FlowTrainer;
import dev.reflowkit.train.ProgressBar;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

/**
 * The memory checks of the benchmark: RSS over a long training run (it must stay flat) and over
 * pair generation at two counts (its peak must not grow with the count).
 */
public final class MemoryChecks {

    private MemoryChecks() {}

    /**
     * Trains the configured model for {@code steps} steps, sampling RSS every {@code every} steps.
     *
     * @param config the configuration (model, data, batch size)
     * @param steps the run length, e.g. 10000
     * @param every the sampling interval in steps
     * @param dir a scratch run directory (must not hold a run)
     * @return the trend; the slope leaves out the first 20% of the run (allocator warm-up)
     * @throws IOException if the run directory cannot be written
     */
    public static RssTrend training(Config config, int steps, int every, Path dir) throws IOException {
        Config c = config.with("train.steps", steps).with("train.checkpoint_every", steps);
        RunData data = RunData.load(c);
        List<double[]> points = new ArrayList<>();
        ProcessMemory.resetPeak();
        try (NDManager m = Engines.newManager()) {
            ReflowKitRunner.trainer(c, data, Components.model(c, data.sampleShape(), m), m, dir, step -> {
                if (step % every == 0) {
                    points.add(new double[] {step, ProcessMemory.currentMb()});
                }
            }).run(false);
        }
        return new RssTrend("train-" + steps, "steps", steps, points, 0.2 * steps, ProcessMemory.peakMb());
    }

    /**
     * Generates backward pairs from a briefly trained teacher, sampling RSS from a background thread.
     *
     * @param config the configuration (model, data, {@code pairs.*}); the teacher trains 200 steps
     *     and the pairs use 9 NFE (memory does not depend on the NFE, time does)
     * @param counts the pair counts, one generation each, e.g. 100 000 and 1 000 000
     * @param dir a scratch directory
     * @param log progress lines
     * @return one trend per count, progress in seconds; the slope leaves out the first 10%
     * @throws IOException if the stores cannot be written
     */
    public static List<RssTrend> pairs(Config config, int[] counts, Path dir, Consumer<String> log)
            throws IOException {
        Config teacherConfig = config.with("train.steps", 200).with("train.checkpoint_every", 200)
                .with("train.warmup_steps", 20).with("pairs.nfe", 9);
        FlowTraining.run(teacherConfig, dir.resolve("teacher"), false, List.of("bench"),
                new ProgressBar(new PrintStream(OutputStream.nullOutputStream()), 200, false));
        List<RssTrend> out = new ArrayList<>();
        for (int count : counts) {
            List<double[]> points = new ArrayList<>();
            ProcessMemory.resetPeak();
            long t0 = System.nanoTime();
            Thread sampler = new Thread(() -> {
                while (!Thread.currentThread().isInterrupted()) {
                    synchronized (points) {
                        points.add(new double[] {(System.nanoTime() - t0) / 1e9, ProcessMemory.currentMb()});
                    }
                    try {
                        Thread.sleep(250);
                    } catch (InterruptedException e) {
                        return;
                    }
                }
            }, "rss-sampler");
            sampler.setDaemon(true);
            sampler.start();
            PairGenerationResult r;
            try {
                r = PairGeneration.builder()
                        .setTeacher(dir.resolve("teacher").resolve(FlowTrainer.FINAL_CHECKPOINT))
                        .setDirection(PairDirection.BACKWARD)
                        .optConfig(teacherConfig)
                        .optCount(count)
                        .build()
                        .run(dir.resolve("pairs-" + count));
            } finally {
                sampler.interrupt();
                try {
                    sampler.join();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
            log.accept(String.format(java.util.Locale.ROOT, "pairs %,d: %.1f s, %.0f pairs/s, peak RSS %.0f MiB",
                    count, r.seconds(), r.pairsGenerated() / r.seconds(), ProcessMemory.peakMb()));
            synchronized (points) {
                out.add(new RssTrend("pairs-" + count, "seconds", count, List.copyOf(points), 0.1 * r.seconds(),
                        ProcessMemory.peakMb()));
            }
        }
        return out;
    }
}
