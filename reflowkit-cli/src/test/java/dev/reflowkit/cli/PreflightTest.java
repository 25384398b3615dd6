package dev.reflowkit.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.reflowkit.config.Config;
import dev.reflowkit.config.ConfigLoader;
import dev.reflowkit.config.ReflowConfig;
import dev.reflowkit.pipeline.GridTuning;
import dev.reflowkit.pipeline.Preflight;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import java.util.stream.Stream;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Fail before the work, not after it (issue 23): every setting that cannot work with the data is
 * refused by {@code pipeline}, {@code ablate}, {@code train}, {@code pairs}, {@code eval}, {@code
 * sample} and {@code tune-grid} before they train, draw pairs, train a feature network or sample
 * anything (docs/RELIABILITY.md).
 *
 * <p>Each case runs the command in-process on data that triggers it and must end with the input
 * error code 2, one line naming the setting, and nothing written: its output directory or file does
 * not exist afterwards, and it took seconds (the same commands without the fault train teachers,
 * draw pairs and evaluate for minutes). The adapting default is checked on the plan: with fewer
 * training points than {@code pairs.forward_count}'s default, the pipeline and {@code pairs} take
 * them all and say so; set explicitly, the same count is refused.
 */
class PreflightTest {

    /** A refused command must come back this fast: no training, no pairs, no sampling. */
    private static final long MAX_MILLIS = 20_000;

    private static final String TEACHER_SETS = "--set train.steps=10 --set model.hidden=32 --set model.depth=2"
            + " --set train.batch_size=64 --set eval.count=100 --set train.warmup_steps=0";

    private static Path root;
    private static String points;
    private static String points3d;
    private static String images;

    @BeforeAll
    static void fixtures() throws IOException {
        root = Files.createTempDirectory("reflow-preflight");
        Random rng = new Random(7);
        points = "file:" + csv(root.resolve("points.csv"), 2500, 2, rng); // 2300 training points under eval.count 100
        points3d = "file:" + csv(root.resolve("points3d.csv"), 400, 3, rng);
        Path folder = root.resolve("images");
        for (String cls : List.of("a", "b")) {
            Files.createDirectories(folder.resolve(cls));
            for (int i = 0; i < 10; i++) { // 20 images, 16x16: 18 train, 2 held-out test images
                BufferedImage img = new BufferedImage(16, 16, BufferedImage.TYPE_BYTE_GRAY);
                for (int y = 0; y < 16; y++) {
                    for (int x = 0; x < 16; x++) {
                        img.getRaster().setSample(x, y, 0, rng.nextInt(256));
                    }
                }
                ImageIO.write(img, "png", folder.resolve(cls).resolve("img" + i + ".png").toFile());
            }
        }
        images = "folder:" + folder;
        ok("train --out {root}/teacher --set data.source=" + points + " " + TEACHER_SETS);
        ok("train --out {root}/cond --set model.classes=8 " + TEACHER_SETS);
        ok("train --out {root}/img --set data.source=" + images + " --set data.resolution=16 --set model.type=unet"
                + " --set model.channels=4 --set model.channel_mult=[1] --set train.steps=2 --set train.batch_size=8"
                + " --set eval.count=2");
    }

    @AfterAll
    static void cleanUp() throws IOException {
        try (Stream<Path> s = Files.walk(root)) {
            s.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        }
    }

    /**
     * The cases: {@code expected | command}, where {@code {out}} is the output the command must not
     * create, {@code {tiny}} the tiny settings of {@link Cli#TINY} (pairs.forward_count=200 set).
     */
    static Stream<String> cases() {
        List<String> c = new ArrayList<>();
        String pipeline = "pipeline --out {out} {tiny}";
        // the reported cases: forward pairs asked of too few training points, points and an image folder
        c.add("pairs.forward_count = 50000 asks for more forward pairs than the 2300 training points | pipeline"
                + " --out {out} -c ../configs/2d-default.yaml --set data.source={points} --set eval.count=100"
                + " --set pairs.forward_count=50000");
        c.add("pipeline.models: simple-reflow: pairs.forward_count = 5000 asks for more forward pairs than the 18"
                + " training points | pipeline --out {out} -c ../configs/mnist.yaml --set data.source={images}");
        // image sizes: unet levels vs the resolution, the HPF loss's limit, the feature network's minimum
        c.add("model.channel_mult = [1, 1, 2] has 3 levels | " + pipeline + " --set data.source={images}"
                + " --set data.resolution=10 --set model.type=unet --set model.channels=4");
        c.add("model.type mlp needs flat samples | " + pipeline + " --set data.source={images} --set data.resolution=8");
        c.add("pipeline.models: simple-reflow: loss.type = hpf supports images of at most 4096 pixels | " + pipeline
                + " --set data.source=synthetic-shapes:20 --set data.resolution=72 --set model.type=unet"
                + " --set model.channels=4 --set model.channel_mult=[1] --set pairs.forward_count=10");
        c.add("pipeline.models: baseline: loss.type = hpf filters the spatial frequencies | " + pipeline
                + " --set pipeline.reflow_set=[loss.type=hpf]");
        c.add("the feature network that scores them (FD, KID, precision/recall) needs at least 8x8 | " + pipeline
                + " --set data.source={images} --set data.resolution=4 --set model.type=unet --set model.channels=4"
                + " --set model.channel_mult=[1] --set pairs.forward_count=10 --set eval.count=2");
        // class counts
        c.add("model.classes = 3 but data set 8gaussians has 8 classes | " + pipeline + " --set model.classes=3");
        c.add("carries no class labels | " + pipeline + " --set data.source={points} --set model.classes=2");
        c.add("pairs.guidance = 2 is a classifier-free guidance weight for class-conditional teachers | " + pipeline
                + " --set pairs.guidance=2");
        // NFE vs solver, grids
        c.add("NFE 1 (eval.nfe) is not feasible for eval.solver = rk4 | " + pipeline + " --set eval.solver=rk4");
        c.add("NFE 4 (pairs.nfe) is not feasible for pairs.solver = heun-edm | " + pipeline
                + " --set pairs.solver=heun-edm --set pairs.nfe=4");
        c.add("eval.grid = custom needs sample.custom_grid | " + pipeline + " --set eval.grid=custom");
        c.add("eval.extra_grids = custom: sample.custom_grid has 2 steps | " + pipeline
                + " --set eval.extra_grids=[custom] --set sample.custom_grid=[1,0.5,0]");
        c.add("sample.custom_grid = [0.9, 0.0] runs from 0.9 to 0 | " + pipeline
                + " --set eval.grid=custom --set sample.custom_grid=[0.9,0] --set eval.nfe=[1]");
        // eval counts vs the held-out data
        c.add("eval.count = 5 but the test split of " + "{images} has only 2 images | " + pipeline
                + " --set data.source={images} --set data.resolution=16 --set model.type=unet --set model.channels=4"
                + " --set model.channel_mult=[1] --set pairs.forward_count=10 --set eval.count=5");
        // what the ReFlow recipes may change, and what they need
        c.add("pipeline.models: simple-reflow: reflow.mix has 1 weight for 2 pair stores | " + pipeline
                + " --set reflow.mix=[1]");
        c.add("pipeline.reflow_set sets model.hidden = 64, but a ReFlow model starts from its teacher's weights | "
                + pipeline + " --set pipeline.reflow_set=[model.hidden=64]");
        c.add("loss.weight = per-sample on a teacher run | " + pipeline + " --set loss.weight=per-sample");
        // ablation rows that need something missing
        String ablate = "ablate --out {out} {tiny} --set ablate.seeds=[0]";
        c.add("ablate.rows = both includes rows with projected pairs | " + ablate + " --set model.classes=8");
        c.add("ablation row 'baseline + sampler (custom grid)': eval.grid = custom needs sample.custom_grid | " + ablate
                + " --set ablate.sampler_grid=custom");
        c.add("projected pairs need pairs.shard_size (100) to be a multiple of pairs.block (30) | " + ablate
                + " --set pairs.block=30");
        c.add("pairs.forward_count = 5000 asks for more forward pairs than the 2300 training points | " + ablate
                + " --set data.source={points} --set pairs.forward_count=5000");
        // train
        c.add("loss.type = hpf filters the spatial frequencies of image errors, but the samples of 8gaussians | train"
                + " --out {out} {tiny} --set loss.type=hpf");
        c.add("carries no class labels | train --out {out} {tiny} --set data.source={points} --set model.classes=2");
        // pairs
        String pairs = "pairs --teacher {root}/teacher/model.ckpt --out {out}";
        c.add("pairs.forward_count = 5000 asks for more forward pairs than the 2300 training points | " + pairs
                + " --direction forward --set pairs.forward_count=5000");
        c.add("count = 2301 asks for more forward pairs than the 2300 training points | " + pairs
                + " --direction forward --count 2301");
        c.add("pairs.guidance = 2 | " + pairs + " --direction backward --set pairs.guidance=2");
        c.add("NFE 4 (pairs.nfe) is not feasible for pairs.solver = heun-edm | " + pairs
                + " --direction backward --set pairs.solver=heun-edm --set pairs.nfe=4");
        c.add("projected pairs of a class-conditional teacher (model.classes = 8) | pairs --teacher"
                + " {root}/cond/model.ckpt --out {out} --direction projected --count 100");
        // eval: checked before the feature network trains and before sampling
        c.add("eval.count = 5 but the test split of {images} has only 2 images | eval -m {root}/img/model.ckpt"
                + " -o {out}.json -n 5 --nfe 1 --repeats 1 --set eval.feature_cache={out}");
        c.add("has samples of shape [3] but the model's samples have shape [2] | eval -m {root}/teacher/model.ckpt"
                + " -o {out}.json -n 50 --nfe 1 --repeats 1 --data {points3d}");
        c.add("NFE 3 (eval.nfe) is not feasible for eval.solver = midpoint | eval -m {root}/teacher/model.ckpt"
                + " -o {out}.json -n 50 --nfe 2,3 --solver midpoint --repeats 1");
        c.add("eval.grid = custom needs sample.custom_grid | eval -m {root}/teacher/model.ckpt -o {out}.json -n 50"
                + " --nfe 2 --grid custom --repeats 1");
        // sample: checked before sampling
        c.add("--png needs an image model | sample -m {root}/teacher/model.ckpt -o {out}.npy -n 20 --nfe 2"
                + " --png {out}.png");
        c.add("--class 9 is not a class of | sample -m {root}/cond/model.ckpt -o {out}.npy -n 20 --nfe 2 --class 9");
        c.add("NFE 3 (sample.nfe) is not feasible for sample.solver = heun-full | sample -m {root}/teacher/model.ckpt"
                + " -o {out}.npy -n 20 --nfe 3 --solver heun-full");
        // tune-grid
        c.add("NFE 3 (--nfe) is not feasible for --solver = midpoint | tune-grid -m {root}/teacher/model.ckpt"
                + " --nfe 2,3 --solver midpoint");
        return c.stream();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void refusedBeforeAnyWork(String testCase) throws IOException {
        int bar = testCase.lastIndexOf(" | ");
        Path out = root.resolve("out-" + Integer.toHexString(testCase.hashCode()));
        String expected = fill(testCase.substring(0, bar).trim(), out);
        List<String> args = new ArrayList<>();
        for (String a : fill(testCase.substring(bar + 3).trim(), out).split(" +")) {
            if (a.equals("{tiny}")) {
                for (String s : Cli.TINY) {
                    args.add("--set");
                    args.add(s);
                }
            } else {
                args.add(a);
            }
        }
        long t0 = System.nanoTime();
        Cli.Result r = Cli.run(args.toArray(String[]::new));
        long millis = (System.nanoTime() - t0) / 1_000_000;
        String line = r.inputError(); // exit 2, one line, no stack trace, nothing on stdout
        System.out.println(String.format(Locale.ROOT, "%5d ms  %s", millis, line.replace(root.toString(), "R")));
        assertTrue(line.contains(expected), () -> "names '" + expected + "': " + line);
        assertFalse(line.contains("Exception"), line);
        for (String suffix : List.of("", ".json", ".npy", ".png")) {
            Path written = Path.of(out + suffix);
            assertFalse(Files.exists(written), () -> "nothing written, but " + written + " exists: " + r);
        }
        assertTrue(millis < MAX_MILLIS, "refused after " + millis + " ms");
    }

    /**
     * The reported case, planned: a CSV of fewer training points than the default forward count
     * runs with all of them, and says so; the same count set explicitly is refused.
     */
    @Test
    void forwardPairsDefaultToEveryTrainingPointAndSaySo() throws IOException {
        Path config = Path.of("..", "configs", "2d-default.yaml");
        Config c = ConfigLoader.load(ReflowConfig.schema(), config, List.of("data.source=" + points));
        assertEquals(500, Preflight.DataFacts.load(c).trainPoints(), "2500 points, 2 x eval.count 1000 held out");
        Preflight.Checked checked = Preflight.pipeline(c);
        assertEquals(List.of("forward pairs: all 500 training points of " + points
                + " (pairs.forward_count is left at its default 50000, more than there are)"), checked.notes());
        assertTrue(Preflight.ablation(c).notes().equals(checked.notes()), "ablate says the same");

        Config chosen = c.with("pairs.forward_count", 50_000);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Preflight.pipeline(chosen));
        assertTrue(e.getMessage().contains("pairs.forward_count = 50000 asks for more forward pairs than the 500"
                + " training points"), e.getMessage());
        Config fewer = ConfigLoader.load(ReflowConfig.schema(), config, List.of("pairs.forward_count=300",
                "data.source=" + points));
        assertEquals(List.of(), Preflight.pipeline(fewer).notes(), "a count the data can give is kept as set");

        // reflow pairs: the teacher's stored count is a default there; --dry-run shows the plan and writes nothing
        Path out = root.resolve("forward-default");
        Cli.Result r = Cli.run("pairs", "--teacher", root.resolve("teacher/model.ckpt").toString(), "--direction",
                "forward", "--out", out.toString(), "--dry-run");
        assertEquals(0, r.exitCode(), r::toString);
        assertTrue(r.err().contains("forward pairs: all 2300 training points of " + points
                + " (pairs.forward_count is left at its default 50000"), r.err());
        assertTrue(r.out().contains("# would write 2300 forward pairs"), r.out());
        assertFalse(Files.exists(out));
    }

    /** A job that cannot tune (a Spark evaluation's tasks) needs the tuned grids recorded beforehand. */
    @Test
    void tunedGridsMustBeRecordedWhereTheyCannotBeTuned() throws IOException {
        Path ckpt = root.resolve("teacher/model.ckpt");
        assertTrue(GridTuning.recorded(ckpt, "heun", List.of(1, 2)).isEmpty(), "one interval: nothing to record");
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> GridTuning.recorded(ckpt, "heun", List.of(1, 4)));
        assertTrue(e.getMessage().contains("no heun grid for NFE 4 is recorded") && e.getMessage().contains(
                "run reflow tune-grid -m " + ckpt + " --solver heun --nfe 4 first"), e.getMessage());
    }

    private static String fill(String s, Path out) {
        return s.replace("{out}", out.toString()).replace("{points3d}", points3d).replace("{points}", points)
                .replace("{images}", images).replace("{root}", root.toString());
    }

    private static void ok(String command) {
        Cli.Result r = Cli.run(command.replace("{root}", root.toString()).split(" +"));
        assertEquals(0, r.exitCode(), r::toString);
    }

    private static String csv(Path file, int n, int d, Random rng) throws IOException {
        StringBuilder sb = new StringBuilder();
        for (int j = 0; j < d; j++) {
            sb.append(j == 0 ? "x" : ",x").append(j);
        }
        sb.append('\n');
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < d; j++) {
                sb.append(j == 0 ? "" : ",").append(String.format(Locale.ROOT, "%.5f", rng.nextGaussian()));
            }
            sb.append('\n');
        }
        Files.writeString(file, sb, StandardCharsets.UTF_8);
        return file.toString();
    }
}
