package dev.reflowkit.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.reflowkit.config.Config;
import dev.reflowkit.config.ConfigLoader;
import dev.reflowkit.config.ReflowConfig;
import dev.reflowkit.pairs.PairDirection;
import dev.reflowkit.pairs.PairStore;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code reflow pairs} on a tiny teacher trained by {@code reflow train}. */
class PairsCommandTest {

    @TempDir
    static Path dir;

    private static Path ckpt;

    @BeforeAll
    static void train() {
        Path run = dir.resolve("teacher");
        Cli.Result r = Cli.run(Cli.tiny(List.of("train", "--out", run.toString()), "seed=5", "train.steps=10"));
        assertEquals(0, r.exitCode(), r::toString);
        ckpt = run.resolve("model.ckpt");
    }

    private static Cli.Result pairs(Path out, String... args) {
        List<String> all = new ArrayList<>(List.of("pairs", "--teacher", ckpt.toString(), "--out", out.toString(),
                "--set", "pairs.nfe=3", "--set", "pairs.shard_size=60", "--set", "pairs.batch_size=30"));
        all.addAll(List.of(args));
        return Cli.run(all.toArray(String[]::new));
    }

    @Test
    void backwardAndForwardPairsAreWrittenAndAResumeHasNothingToDo() throws IOException {
        Path out = dir.resolve("backward");
        Cli.Result r = pairs(out, "--direction", "backward", "--count", "150", "--workers", "2");
        assertEquals(0, r.exitCode(), r::toString);
        assertTrue(r.out().contains("wrote 150 backward pairs to " + out), r.out());
        assertTrue(r.out().contains("3 of 3 shards generated"), r.out());
        assertTrue(r.err().contains("shard 3/3"), "progress on stderr: " + r.err());
        PairStore s = PairStore.open(out);
        assertEquals(150, s.count());
        assertEquals(PairDirection.BACKWARD, s.direction());
        assertEquals(3, s.settings().nfe());
        assertTrue(Files.isRegularFile(out.resolve("shards/pairs-0000000120-0000000150.x0.npy")));

        Cli.Result again = pairs(out, "--direction", "backward", "--count", "150");
        assertEquals(0, again.exitCode(), again::toString);
        assertTrue(again.out().contains("nothing to do"), again.out());

        Path fwd = dir.resolve("forward");
        Cli.Result f = pairs(fwd, "-d", "forward", "-n", "90", "--seed", "4");
        assertEquals(0, f.exitCode(), f::toString);
        PairStore fs = PairStore.open(fwd);
        assertEquals(PairDirection.FORWARD, fs.direction());
        assertEquals(2000, fs.settings().data().trainPoints(), "the tiny teacher's 2000 training points");
    }

    @Test
    void dryRunPrintsThePlanAndWritesNothing() {
        Path out = dir.resolve("dry");
        Cli.Result r = pairs(out, "--direction", "projected", "--count", "120", "--set", "pairs.block=20", "--dry-run");
        assertEquals(0, r.exitCode(), r::toString);
        Config c = ConfigLoader.fromYaml(ReflowConfig.schema(), r.out());
        assertEquals(20, c.getInt("pairs.block"));
        assertEquals(32, c.getInt("model.hidden"), "the teacher's own config underneath");
        assertTrue(r.out().contains("# would write 120 projected pairs in 2 shards of 60 to " + out), r.out());
        assertFalse(Files.exists(out));
    }

    @Test
    void errorsAreOneLine() throws IOException {
        String tooMany = pairs(dir.resolve("too-many"), "--direction", "forward", "--count", "5000").inputError();
        assertTrue(tooMany.startsWith("reflow pairs: error: "), tooMany);
        assertTrue(tooMany.contains("count = 5000") && tooMany.contains("2000 training points"), tooMany);
        String bad = pairs(dir.resolve("bad"), "--direction", "sideways").inputError();
        assertTrue(bad.contains("sideways") && bad.contains("backward"), bad);
        String set = pairs(dir.resolve("bad"), "--direction", "backward", "--set", "train.lr=1").inputError();
        assertTrue(set.contains("train.lr=1"), set);
        String missing = Cli.run("pairs", "--teacher", dir.resolve("nope.ckpt").toString(), "--direction", "backward",
                "--out", dir.resolve("x").toString()).inputError();
        assertTrue(missing.contains("nope.ckpt"), missing);

        Path out = dir.resolve("changed");
        assertEquals(0, pairs(out, "--direction", "backward", "--count", "60").exitCode());
        String changed = pairs(out, "--direction", "backward", "--count", "60", "--set", "pairs.nfe=5").inputError();
        assertTrue(changed.contains("nfe (3 -> 5)"), changed);

        Path shard = out.resolve("shards/pairs-0000000000-0000000060.x1.npy");
        byte[] bytes = Files.readAllBytes(shard);
        bytes[200] ^= 1;
        Files.write(shard, bytes);
        Cli.Result repaired = pairs(out, "--direction", "backward", "--count", "60");
        assertEquals(0, repaired.exitCode(), repaired::toString);
        assertTrue(repaired.err().contains("shard 0 is missing or corrupted"), repaired.err());
        assertArrayEquals(PairStore.open(out).x1(), PairStore.open(out).x1());
    }
}
