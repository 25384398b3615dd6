package dev.reflowkit.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.reflowkit.io.Checksums;
import dev.reflowkit.io.Npy;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Bad input, fuzz style: malformed configs, bad values, broken data files, corrupted or mismatched
 * checkpoints and pair stores, fed to every command (docs/RELIABILITY.md).
 *
 * <p>Every case must end with exit code 2 (bad input) and exactly one line on stderr, no stack
 * trace, naming what is wrong (the key or the file); and it must leave every file that existed
 * before exactly as it was (finished runs, pair stores, samples and metrics are used as the output
 * targets of the bad commands) and write nothing new that could pass for a result.
 */
class BadInputTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String TINY_TRAIN = "--set train.steps=10 --set model.hidden=32 --set model.depth=2"
            + " --set data.train_count=2000 --set train.batch_size=64 --set eval.count=100";

    private static Path root;
    private static final List<String> ERRORS = new ArrayList<>();

    @BeforeAll
    static void fixtures() throws IOException {
        root = Files.createTempDirectory("reflow-bad-input");
        ok("train --out {root}/teacher --set seed=5 " + TINY_TRAIN + " --set train.checkpoint_every=5");
        ok("train --out {root}/teacher2 --set seed=6 " + TINY_TRAIN);
        ok("train --out {root}/wide --set seed=5 " + TINY_TRAIN.replace("hidden=32", "hidden=48"));
        ok("pairs --direction backward --teacher {root}/teacher/model.ckpt --out {root}/pairs --count 200 --set pairs.nfe=3"
                + " --set pairs.shard_size=100");
        ok("sample -m {root}/teacher/model.ckpt -o {root}/samples.npy -n 50 --nfe 2");
        ok("eval -m {root}/teacher/model.ckpt -o {root}/metrics.json -n 50 --nfe 1 --repeats 1");

        Path data = Files.createDirectories(root.resolve("data"));
        Files.writeString(data.resolve("empty.csv"), "", StandardCharsets.UTF_8);
        Files.writeString(data.resolve("header.csv"), "x,y\n", StandardCharsets.UTF_8);
        StringBuilder nan = new StringBuilder();
        for (int i = 0; i < 300; i++) {
            nan.append(i == 150 ? "NaN" : Double.toString(i * 0.01)).append(',').append(i * 0.02).append('\n');
        }
        Files.writeString(data.resolve("nan.csv"), nan, StandardCharsets.UTF_8);
        float[] points = new float[600];
        points[333] = Float.POSITIVE_INFINITY;
        Npy.write(data.resolve("inf.npy"), points, new long[] {300, 2});
        Npy.write(data.resolve("empty.npy"), new float[0], new long[] {0, 2});
        Npy.write(data.resolve("images-nan.npy"), nanImages(), new long[] {20, 8, 8});
        Files.createDirectories(data.resolve("no-images"));
        Path mixed = Files.createDirectories(data.resolve("mixed"));
        for (int i = 0; i < 6; i++) {
            int side = i % 2 == 0 ? 8 : 12;
            ImageIO.write(new BufferedImage(side, side, BufferedImage.TYPE_BYTE_GRAY), "png",
                    mixed.resolve("img" + i + ".png").toFile());
        }

        Path ckpts = Files.createDirectories(root.resolve("ckpt"));
        byte[] good = Files.readAllBytes(root.resolve("teacher/model.ckpt"));
        Files.write(ckpts.resolve("truncated.ckpt"), Arrays.copyOf(good, good.length / 2));
        Files.write(ckpts.resolve("flipped.ckpt"), flipped(good, good.length / 2));
        Files.writeString(ckpts.resolve("text.ckpt"), "not a checkpoint\n");
        Files.write(ckpts.resolve("empty.ckpt"), new byte[0]);
        copyTree(root.resolve("teacher"), root.resolve("run-corrupt"));
        // every checkpoint damaged: a resume has none to fall back to
        Path latest = root.resolve("run-corrupt/checkpoints/step-0000000010.ckpt");
        Files.write(latest, flipped(Files.readAllBytes(latest), good.length / 3));
        Path previous = root.resolve("run-corrupt/checkpoints/step-0000000005.ckpt");
        Files.write(previous, flipped(Files.readAllBytes(previous), good.length / 4));

        storeVariant("store-truncated", (dir, m) -> truncate(dir.resolve(shardFile(m, 0, "x0"))));
        storeVariant("store-flipped", (dir, m) -> {
            Path f = dir.resolve(shardFile(m, 1, "x1"));
            Files.write(f, flipped(Files.readAllBytes(f), 200));
        });
        storeVariant("store-dtype", (dir, m) -> {
            Path f = dir.resolve(shardFile(m, 0, "x0"));
            Files.write(f, float64Npy(100, 2));
            ((ObjectNode) m.get("shards").get(0)).put("x0_sha256", Checksums.sha256(f));
        });
        storeVariant("store-shape", (dir, m) -> {
            Path f = dir.resolve(shardFile(m, 0, "x0"));
            Npy.write(f, new float[300], new long[] {100, 3});
            ((ObjectNode) m.get("shards").get(0)).put("x0_sha256", Checksums.sha256(f));
        });
        storeVariant("store-incomplete", (dir, m) -> {
            ((ArrayNode) m.get("shards")).remove(1);
            m.put("complete", false);
        });
        storeVariant("store-manifest", (dir, m) -> m.put("format", "something-else"));
        copyTree(root.resolve("pairs"), root.resolve("store-torn"));
        truncate(root.resolve("store-torn/manifest.json"));

        Path configs = Files.createDirectories(root.resolve("configs"));
        Files.writeString(configs.resolve("unknown.yaml"), "train:\n  stepz: 5\n");
        Files.writeString(configs.resolve("type.yaml"), "train:\n  steps: lots\n");
        Files.writeString(configs.resolve("torn.yaml"), "train:\n  steps: [10,\n");
        Files.writeString(configs.resolve("list.yaml"), "- 1\n- 2\n");
        Files.writeString(configs.resolve("binary.yaml"), "\u0000\u0001\u0002garbage");
    }

    @AfterAll
    static void summary() throws IOException {
        System.out.println("bad inputs tried: " + ERRORS.size());
        ERRORS.forEach(System.out::println);
        try (Stream<Path> s = Files.walk(root)) {
            s.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        }
    }

    static Stream<String> cases() {
        List<String> c = new ArrayList<>();
        String train = "train --out {root}/fresh-train " + TINY_TRAIN;
        // config errors, on every command that reads a config, with finished outputs as targets
        for (String cmd : List.of("train --out {root}/teacher --resume", "pipeline --out {root}/pipeline-out",
                "demo --out {root}/teacher", "ablate --out {root}/ablate-out", "config")) {
            c.add("train.stepz | " + cmd + " --set train.stepz=5");
            c.add("train.steps | " + cmd + " --set train.steps=lots");
            c.add("train.steps | " + cmd + " --set train.steps=-5");
            c.add("model.hidden | " + cmd + " --set model.hidden=2.5");
            c.add("eval.nfe | " + cmd + " --set eval.nfe=[0]");
            c.add("pairs.nfe | " + cmd + " --set pairs.nfe=0");
            c.add("data.train_count | " + cmd + " --set data.train_count=-1");
            c.add("train.lr | " + cmd + " --set train.lr=NaN");
            c.add("stepz | " + cmd + " -c {root}/configs/unknown.yaml");
            c.add("lots | " + cmd + " -c {root}/configs/type.yaml");
            c.add("torn.yaml | " + cmd + " -c {root}/configs/torn.yaml");
            c.add("list.yaml | " + cmd + " -c {root}/configs/list.yaml");
            c.add("binary.yaml | " + cmd + " -c {root}/configs/binary.yaml");
            c.add("missing.yaml | " + cmd + " -c {root}/configs/missing.yaml");
            c.add("malformed override | " + cmd + " --set train.steps");
        }
        String sample = "sample -m {root}/teacher/model.ckpt -o {root}/samples.npy";
        c.add("count | " + sample + " -n -3");
        c.add("count | " + sample + " -n 0");
        c.add("nfe | " + sample + " --nfe 0");
        c.add("nfe | " + sample + " --nfe -2");
        c.add("solver | " + sample + " --solver leapfrog");
        c.add("grid | " + sample + " --grid cosine");
        c.add("train.steps | " + sample + " --set train.steps=5");
        c.add("sample.atol | " + sample + " --set sample.atol=-1");
        c.add("class | " + sample + " --class 3");
        c.add("guidance | " + sample + " --guidance 2");
        c.add(".npy | sample -m {root}/teacher/model.ckpt -o {root}/samples.txt");
        String eval = "eval -m {root}/teacher/model.ckpt -o {root}/metrics.json";
        c.add("count | " + eval + " -n -1");
        c.add("nfe | " + eval + " --nfe 0");
        c.add("nfe | " + eval + " --nfe 2,x");
        c.add("repeats | " + eval + " --repeats 0");
        c.add("nan.csv | " + eval + " --data file:{root}/data/nan.csv");
        c.add("empty.csv | " + eval + " --data file:{root}/data/empty.csv");
        c.add("missing.csv | " + eval + " --data file:{root}/data/missing.csv");
        String pairs = "pairs --direction backward --teacher {root}/teacher/model.ckpt --out {root}/pairs --count 200";
        c.add("count | " + pairs.replace("200", "-5"));
        c.add("count | " + pairs.replace("200", "0"));
        c.add("pairs.nfe | " + pairs + " --set pairs.nfe=0");
        c.add("pairs.shard_size | " + pairs + " --set pairs.shard_size=0");
        c.add("workers | " + pairs + " --workers 0");
        c.add("sideways | " + pairs.replace("backward", "sideways"));
        c.add("train.lr | " + pairs + " --set train.lr=1");
        c.add("other settings | " + pairs + " --set pairs.nfe=7 --set pairs.shard_size=100");
        c.add("data | " + train + " --set data.source=file:{root}/data/empty.csv");
        c.add("data | " + train + " --set data.source=file:{root}/data/header.csv");
        c.add("nan.csv | " + train + " --set data.source=file:{root}/data/nan.csv");
        c.add("inf.npy | " + train + " --set data.source=file:{root}/data/inf.npy");
        c.add("empty.npy | " + train + " --set data.source=file:{root}/data/empty.npy");
        c.add("images-nan.npy | " + train + " --set data.source=npy:{root}/data/images-nan.npy");
        c.add("no-images | " + train + " --set data.source=folder:{root}/data/no-images");
        c.add("mixed | " + train + " --set data.source=folder:{root}/data/mixed --set data.resolution=0");
        c.add("mixed | data info folder:{root}/data/mixed");
        c.add("no-images | data info folder:{root}/data/no-images");
        c.add("images-nan.npy | data info npy:{root}/data/images-nan.npy");
        c.add("nowhere | " + train + " --set data.source=file:{root}/data/nowhere.csv");
        c.add("moons2 | " + train + " --set data.source=moons2");
        c.add("fetch | data fetch not-a-dataset");
        // corrupted, truncated and mismatched checkpoints wherever a command reads one
        for (String bad : List.of("truncated", "flipped", "text", "empty", "missing")) {
            String ckpt = "{root}/ckpt/" + bad + ".ckpt";
            c.add(bad + ".ckpt | sample -m " + ckpt + " -o {root}/samples.npy");
            c.add(bad + ".ckpt | eval -m " + ckpt + " -o {root}/metrics.json -n 50 --nfe 1");
            c.add(bad + ".ckpt | pairs --direction backward --teacher " + ckpt + " --out {root}/pairs --count 200");
            c.add(bad + ".ckpt | sample -m {root}/teacher/model.ckpt -o {root}/samples.npy --guidance 2 --guide-with " + ckpt);
            c.add(bad + ".ckpt | " + train + " --set reflow.teacher=" + ckpt + " --set reflow.pairs=[{root}/pairs]");
        }
        c.add("step-0000000010.ckpt | train --out {root}/run-corrupt --resume " + TINY_TRAIN.replace("10", "20"));
        c.add("architecture | " + train.replace("hidden=32", "hidden=48") + " --set reflow.teacher={root}/teacher/model.ckpt"
                + " --set reflow.pairs=[{root}/pairs]");
        c.add("another teacher | " + train + " --set reflow.teacher={root}/teacher2/model.ckpt"
                + " --set reflow.pairs=[{root}/pairs]");
        c.add("different configuration | train --out {root}/teacher --resume " + TINY_TRAIN.replace("hidden=32", "hidden=40"));
        c.add("already holds | train --out {root}/teacher " + TINY_TRAIN);
        // corrupted, truncated and mismatched pair stores
        for (String bad : List.of("truncated", "flipped", "dtype", "shape", "incomplete", "manifest", "torn")) {
            String store = "{root}/store-" + bad;
            c.add("store-" + bad + " | " + train + " --set reflow.teacher={root}/teacher/model.ckpt"
                    + " --set reflow.pairs=[" + store + "]");
        }
        c.add("store-manifest | pairs --direction backward --teacher {root}/teacher/model.ckpt --out {root}/store-manifest --count 200"
                + " --set pairs.nfe=3 --set pairs.shard_size=100");
        c.add("store-torn | pairs --direction backward --teacher {root}/teacher/model.ckpt --out {root}/store-torn --count 200"
                + " --set pairs.nfe=3 --set pairs.shard_size=100");
        c.add("other settings | pairs --direction backward --teacher {root}/teacher2/model.ckpt --out {root}/pairs --count 200"
                + " --set pairs.nfe=3 --set pairs.shard_size=100");
        // outputs that cannot be written
        c.add("samples.npy | sample -m {root}/teacher/model.ckpt -o {root}/samples.npy/sub.npy -n 10 --nfe 1");
        c.add("metrics.json | eval -m {root}/teacher/model.ckpt -o {root}/metrics.json/sub.json -n 50 --nfe 1");
        c.add("samples.npy | " + train.replace("{root}/fresh-train", "{root}/samples.npy/run"));
        c.add("samples.npy | pairs --direction backward --teacher {root}/teacher/model.ckpt --out {root}/samples.npy/store --count 200");
        c.add("samples.npy | pipeline --out {root}/samples.npy/p " + TINY_TRAIN);
        return c.stream();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void badInputGetsAOneLineErrorAndDamagesNothing(String testCase) throws IOException {
        int bar = testCase.indexOf(" | ");
        String expected = testCase.substring(0, bar).trim();
        String[] args = testCase.substring(bar + 3).trim().replace("{root}", root.toString()).split(" +");
        Map<String, String> before = snapshot();
        Cli.Result r = Cli.run(args);
        ERRORS.add(String.join(" ", args).replace(root.toString(), "R") + "\n    -> " + r.err().strip()
                .replace(root.toString(), "R"));
        assertEquals(2, r.exitCode(), () -> "exit code 2 for bad input (docs/RELIABILITY.md): " + r);
        assertFalse(r.err().contains("\tat "), () -> "stack trace: " + r);
        assertEquals(1, r.errLines().size(), () -> "one line on stderr: " + r);
        String line = r.errLines().get(0);
        assertTrue(line.startsWith("reflow ") && line.contains(": error: "), () -> "an error line: " + r);
        assertTrue(line.contains(expected), () -> "names '" + expected + "': " + line);
        assertFalse(line.contains("Exception"), () -> "an exception class in the message: " + line);
        Map<String, String> after = snapshot();
        assertEquals(before, after, () -> "files written before are unchanged and nothing new was written: "
                + Sets.difference(before, after) + " " + r);
    }

    /** Entries that differ between two snapshots, for the failure message. */
    private static final class Sets {
        static String difference(Map<String, String> a, Map<String, String> b) {
            Map<String, String> d = new TreeMap<>();
            a.forEach((k, v) -> {
                if (!v.equals(b.get(k))) {
                    d.put(k, b.containsKey(k) ? "changed" : "deleted");
                }
            });
            b.keySet().stream().filter(k -> !a.containsKey(k)).forEach(k -> d.put(k, "new"));
            return d.toString();
        }
    }

    private static void ok(String command) {
        Cli.Result r = Cli.run(command.replace("{root}", root.toString()).split(" +"));
        assertEquals(0, r.exitCode(), r::toString);
    }

    /** The SHA-256 of every file under the root. */
    private static Map<String, String> snapshot() throws IOException {
        Map<String, String> out = new TreeMap<>();
        try (Stream<Path> s = Files.walk(root)) {
            for (Path p : (Iterable<Path>) s::iterator) {
                if (Files.isRegularFile(p)) {
                    out.put(root.relativize(p).toString(), Checksums.sha256(p));
                }
            }
        }
        return out;
    }

    @FunctionalInterface
    private interface StoreEdit {
        void apply(Path dir, ObjectNode manifest) throws IOException;
    }

    private static void storeVariant(String name, StoreEdit edit) throws IOException {
        Path dir = root.resolve(name);
        copyTree(root.resolve("pairs"), dir);
        ObjectNode manifest = (ObjectNode) JSON.readTree(dir.resolve("manifest.json").toFile());
        edit.apply(dir, manifest);
        JSON.writeValue(dir.resolve("manifest.json").toFile(), manifest);
    }

    private static String shardFile(ObjectNode manifest, int shard, String end) {
        return manifest.get("shards").get(shard).get(end).asText();
    }

    private static byte[] flipped(byte[] bytes, int at) {
        byte[] out = bytes.clone();
        out[at] ^= 0x5a;
        return out;
    }

    private static void truncate(Path file) throws IOException {
        byte[] b = Files.readAllBytes(file);
        Files.write(file, Arrays.copyOf(b, b.length / 2));
    }

    /** A valid .npy file of float64 zeros (pair shards must be float32). */
    private static byte[] float64Npy(int rows, int cols) {
        String dict = "{'descr': '<f8', 'fortran_order': False, 'shape': (" + rows + ", " + cols + "), }";
        int unpadded = 10 + dict.length() + 1;
        String header = dict + " ".repeat((64 - unpadded % 64) % 64) + "\n";
        java.nio.ByteBuffer b = java.nio.ByteBuffer.allocate(10 + header.length() + rows * cols * 8)
                .order(java.nio.ByteOrder.LITTLE_ENDIAN);
        b.put((byte) 0x93).put("NUMPY".getBytes(StandardCharsets.US_ASCII)).put((byte) 1).put((byte) 0);
        b.putShort((short) header.length()).put(header.getBytes(StandardCharsets.US_ASCII));
        return b.array();
    }

    private static float[] nanImages() {
        float[] v = new float[20 * 8 * 8];
        v[77] = Float.NaN;
        return v;
    }

    private static void copyTree(Path from, Path to) throws IOException {
        try (Stream<Path> s = Files.walk(from)) {
            for (Path p : (Iterable<Path>) s::iterator) {
                Path q = to.resolve(from.relativize(p).toString());
                if (Files.isDirectory(p)) {
                    Files.createDirectories(q);
                } else {
                    Files.copy(p, q);
                }
            }
        }
    }
}
