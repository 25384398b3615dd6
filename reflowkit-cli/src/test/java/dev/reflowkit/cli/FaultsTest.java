package dev.reflowkit.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import dev.reflowkit.engine.Engines;
import dev.reflowkit.io.AtomicFiles;
import dev.reflowkit.io.Checksums;
import dev.reflowkit.pairs.PairManifest;
import dev.reflowkit.train.Checkpoint;
import dev.reflowkit.train.Checkpoints;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Numerical faults and full disks (docs/RELIABILITY.md): a non-finite loss stops training with the
 * last good checkpoint intact; a diverging sampler is reported, never written as samples or pairs;
 * a file system that fills up mid-run gives a one-line error and leaves nothing half-written or
 * looking complete.
 */
class FaultsTest {

    private static final String TINY = "--set model.hidden=32 --set model.depth=2 --set train.batch_size=64"
            + " --set eval.count=100";

    @TempDir
    static Path dir;

    private static Path teacher;
    private static Path exploding;

    @BeforeAll
    static void models() throws IOException {
        Path run = dir.resolve("teacher");
        ok("train --out " + run + " --set train.steps=20 --set data.train_count=2000 " + TINY);
        teacher = run.resolve("model.ckpt");
        exploding = dir.resolve("exploding.ckpt");
        try (NDManager m = Engines.newManager()) {
            Checkpoint c = Checkpoints.read(teacher, m);
            NDArray scale = m.create(1e25f);
            Checkpoints.write(exploding, new Checkpoint(c.state(), c.config(), c.sampleShape(), c.parameterNames(),
                    scaled(c.parameters(), scale), scaled(c.ema(), scale), c.adamFirst(), c.adamSecond()));
        }
    }

    @Test
    void nonFiniteLossStopsTrainingAndKeepsTheLastGoodCheckpoint() throws IOException {
        // one point of 3e19 in 2000: a batch that draws it has a squared error beyond float32
        StringBuilder csv = new StringBuilder("x,y\n");
        for (int i = 0; i < 2000; i++) {
            csv.append(i == 1234 ? "3e19" : Double.toString(Math.sin(i))).append(',').append(Math.cos(i)).append('\n');
        }
        Path data = Files.writeString(dir.resolve("spike.csv"), csv, StandardCharsets.UTF_8);
        Path run = dir.resolve("nan-run");
        Cli.Result r = Cli.run(("train --out " + run + " --set data.source=file:" + data
                + " --set train.steps=400 --set train.checkpoint_every=5 --set data.train_count=1500 " + TINY).split(" +"));
        assertEquals(1, r.exitCode(), r::toString);
        String line = r.errLines().get(r.errLines().size() - 1);
        assertTrue(line.startsWith("reflow train: error: non-finite loss"), line);
        assertTrue(line.contains("last good checkpoint: " + run.resolve("checkpoints")), line);
        assertFalse(r.err().contains("\tat "), r::toString);
        assertFalse(Files.exists(run.resolve("model.ckpt")), "no final model from a diverged run");
        Path last = Path.of(line.substring(line.indexOf("last good checkpoint: ") + 22, line.indexOf(".ckpt") + 5));
        try (NDManager m = Engines.newManager()) {
            Checkpoint c = Checkpoints.read(last, m);
            for (NDArray a : c.parameters()) {
                assertTrue(finite(a), "the kept checkpoint's weights are finite");
            }
        }
    }

    @Test
    void aDivergingSamplerIsReportedAndWritesNoSamples() throws IOException {
        Path out = dir.resolve("diverged.npy");
        Cli.Result r = Cli.run("sample", "-m", exploding.toString(), "-o", out.toString(), "-n", "50", "--nfe", "4");
        assertEquals(1, r.exitCode(), r::toString);
        assertEquals(1, r.errLines().size(), r::toString);
        assertTrue(r.errLines().get(0).contains("non-finite") || r.errLines().get(0).contains("diverged"), r::toString);
        assertFalse(Files.exists(out));
        assertFalse(Files.exists(Path.of(out + ".run.json")));
    }

    @Test
    void aDivergingTeacherWritesNoPairs() throws IOException {
        Path store = dir.resolve("diverged-pairs");
        Cli.Result r = Cli.run("pairs", "--direction", "backward", "--teacher", exploding.toString(), "--out",
                store.toString(), "--count", "300", "--set", "pairs.shard_size=100", "--set", "pairs.nfe=3");
        assertEquals(1, r.exitCode(), r::toString);
        assertTrue(r.errLines().get(r.errLines().size() - 1).contains("diverged"), r::toString);
        assertFalse(r.err().contains("\tat "), r::toString);
        if (Files.exists(store.resolve(PairManifest.FILE))) {
            PairManifest m = PairManifest.read(store);
            assertFalse(m.complete());
            assertEquals(0, m.shards().size(), "no shard of non-finite pairs is listed");
        }
        try (Stream<Path> s = Files.walk(store)) {
            assertEquals(0, s.filter(p -> p.toString().endsWith(".npy")).count(), "no shard file written");
        }
    }

    @Test
    void aFullDiskStopsTrainingCleanly() throws Exception {
        Path copy = fullDisk("train", 160, List.of("train", "--out", "MNT/run", "--set", "train.steps=300",
                "--set", "train.checkpoint_every=10", "--set", "data.train_count=2000", "--set", "model.hidden=32",
                "--set", "model.depth=2", "--set", "train.batch_size=64"));
        Path run = copy.resolve("run");
        assertFalse(Files.exists(run.resolve("model.ckpt")), "no final model");
        List<Path> ckpts = list(run.resolve("checkpoints"));
        assertFalse(ckpts.isEmpty(), "the checkpoints written before the disk filled up are kept");
        try (NDManager m = Engines.newManager()) {
            for (Path c : ckpts) {
                Checkpoints.read(c, m);
            }
        }
    }

    @Test
    void aFullDiskStopsPairGenerationCleanly() throws Exception {
        Path copy = fullDisk("pairs", 120, List.of("pairs", "--direction", "backward", "--teacher", teacher.toString(),
                "--out", "MNT/store", "--count", "20000", "--set", "pairs.shard_size=1000", "--set", "pairs.nfe=3"));
        Path store = copy.resolve("store");
        PairManifest m = PairManifest.read(store);
        assertFalse(m.complete(), "the store does not claim to be complete");
        assertTrue(m.shards().size() < 20);
        for (PairManifest.ShardEntry e : m.shards()) {
            assertEquals(e.x0Sha256(), Checksums.sha256(store.resolve(e.x0File())));
            assertEquals(e.x1Sha256(), Checksums.sha256(store.resolve(e.x1File())));
        }
    }

    @Test
    void aFullDiskWritesNoSamples() throws Exception {
        Path copy = fullDisk("sample", 64, List.of("sample", "-m", teacher.toString(), "-o", "MNT/x.npy",
                "-n", "20000", "--nfe", "2"));
        assertFalse(Files.exists(copy.resolve("x.npy")));
    }

    /**
     * Runs a command in a child JVM whose {@code MNT} is a tmpfs of {@code kib} KiB in a private
     * mount namespace, expects a one-line "No space left on device" error naming the file, and
     * returns a copy of what the file system held when the command ended.
     */
    private static Path fullDisk(String name, int kib, List<String> args) throws Exception {
        assumeTrue(mountNamespaces(), "needs unshare -m (root or user namespaces) to mount a small tmpfs");
        Path mnt = Files.createDirectories(dir.resolve("mnt-" + name));
        Path copy = Files.createDirectories(dir.resolve("copy-" + name));
        String script = "mount -t tmpfs -o size=" + kib + "k tmpfs \"$MNT\" || exit 97; \"$@\"; rc=$?;"
                + " cp -a \"$MNT\"/. \"$COPY\"/; exit $rc";
        List<String> wrapper = new ArrayList<>(List.of("env", "MNT=" + mnt, "COPY=" + copy,
                "unshare", "-m", "sh", "-c", script, "sh"));
        List<String> resolved = args.stream().map(a -> a.replace("MNT", mnt.toString())).toList();
        try (ChildCli child = ChildCli.start(dir.resolve(name + "-full.log"), wrapper, resolved)) {
            int code = child.await(300);
            String out = child.output();
            assertEquals(1, code, out);
            assertFalse(out.contains("\tat "), out);
            String last = out.strip().lines().reduce((a, b) -> b).orElse("");
            assertTrue(last.startsWith("reflow " + name + ": error: cannot write " + mnt), last);
            assertTrue(last.contains("No space left on device"), last);
        }
        try (Stream<Path> s = Files.walk(copy)) {
            assertEquals(List.of(), s.filter(p -> AtomicFiles.isTemporary(p.getFileName().toString())).toList(),
                    "no temporary file left");
        }
        return copy;
    }

    private static boolean mountNamespaces() {
        try {
            Process p = new ProcessBuilder("unshare", "-m", "sh", "-c", "mount -t tmpfs -o size=4k tmpfs /mnt")
                    .redirectErrorStream(true).start();
            p.getInputStream().readAllBytes();
            return p.waitFor() == 0;
        } catch (IOException | InterruptedException e) {
            return false;
        }
    }

    private static List<Path> list(Path d) throws IOException {
        try (Stream<Path> s = Files.list(d)) {
            return s.sorted().toList();
        }
    }

    private static NDList scaled(NDList arrays, NDArray scale) {
        NDList out = new NDList();
        for (NDArray a : arrays) {
            out.add(a.mul(scale));
        }
        return out;
    }

    private static boolean finite(NDArray a) {
        for (float v : a.toFloatArray()) {
            if (!Float.isFinite(v)) {
                return false;
            }
        }
        return true;
    }

    private static void ok(String command) {
        Cli.Result r = Cli.run(command.split(" +"));
        assertEquals(0, r.exitCode(), r::toString);
    }
}
