package dev.reflowkit.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.reflowkit.io.Npy;
import dev.reflowkit.io.NpyArray;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ClassSampleTest {

    @TempDir
    static Path dir;

    private static Path conditional;
    private static Path unconditional;

    @BeforeAll
    static void train() {
        conditional = dir.resolve("cond/model.ckpt");
        unconditional = dir.resolve("plain/model.ckpt");
        Cli.Result c = Cli.run(Cli.tiny(List.of("train", "--out", dir.resolve("cond").toString()), "model.classes=8",
                "train.steps=10"));
        assertEquals(0, c.exitCode(), c::toString);
        Cli.Result u = Cli.run(Cli.tiny(List.of("train", "--out", dir.resolve("plain").toString()), "train.steps=10"));
        assertEquals(0, u.exitCode(), u::toString);
    }

    @Test
    void sampleGeneratesAClassWithClassifierFreeGuidance() throws IOException {
        Path one = dir.resolve("k3.npy");
        Cli.Result r = Cli.run("sample", "-m", conditional.toString(), "-o", one.toString(), "--nfe", "4", "--count", "20",
                "--class", "3");
        assertEquals(0, r.exitCode(), r::toString);
        assertTrue(r.out().contains("class 3 with CFG w=1.0") && r.out().contains("NFE 4.0"), r.out());
        NpyArray a = Npy.read(one);
        assertArrayEquals(new long[] {20, 2}, a.shape());

        Path guided = dir.resolve("spread.npy");
        Cli.Result g = Cli.run("sample", "-m", conditional.toString(), "-o", guided.toString(), "--nfe", "4",
                "--count", "20", "--class", "-1", "--guidance", "2.5");
        assertEquals(0, g.exitCode(), g::toString);
        assertTrue(g.out().contains("NFE 8.0"), "guided evaluations count both networks: " + g.out());
        JsonNode rec = new ObjectMapper().readTree(Files.readString(Path.of(guided + ".run.json")));
        assertEquals(-1, rec.get("class").asInt());
        assertEquals(2.5, rec.get("cfg_weight").asDouble());
    }

    @Test
    void evalScoresAnEvenSpreadWithClassifierFreeGuidance() throws IOException {
        Path m = dir.resolve("cfg.json");
        Cli.Result r = Cli.run("eval", "-m", conditional.toString(), "--nfe", "2", "--count", "40", "--class", "-1",
                "--guidance", "2", "--out", m.toString());
        assertEquals(0, r.exitCode(), r::toString);
        JsonNode run = new ObjectMapper().readTree(m.toFile()).get("runs").get(0);
        assertEquals(4.0, run.get("nfe").asDouble(), 1e-9, "each CFG evaluation runs both networks");
        String fixed = Cli.run("eval", "-m", conditional.toString(), "--class", "2", "--out", m.toString())
                .inputError();
        assertTrue(fixed.contains("-1"), fixed);
        String plain = Cli.run("eval", "-m", unconditional.toString(), "--class", "-1", "--out",
                dir.resolve("plain.json").toString()).inputError();
        assertTrue(plain.contains("unconditional"), plain);
    }

    @Test
    void classOptionErrorsAreOneLineInputErrors() {
        Path out = dir.resolve("bad.npy");
        String plain = Cli.run("sample", "-m", unconditional.toString(), "-o", out.toString(), "--class", "1")
                .inputError();
        assertTrue(plain.contains("--class 1") && plain.contains("unconditional"), plain);
        String range = Cli.run("sample", "-m", conditional.toString(), "-o", out.toString(), "--class", "8")
                .inputError();
        assertTrue(range.contains("class 8") && range.contains("8 classes"), range);
        String both = Cli.run("sample", "-m", conditional.toString(), "-o", out.toString(), "--class", "1",
                "--guide-with", unconditional.toString(), "--guidance", "2").inputError();
        assertTrue(both.contains("--guide-with"), both);
        String noClass = Cli.run("sample", "-m", conditional.toString(), "-o", out.toString(), "--guidance", "2")
                .inputError();
        assertTrue(noClass.contains("--guide-with"), noClass);
        assertFalse(Files.exists(out));
    }
}
