package dev.reflowkit.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.reflowkit.io.DataFormatException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DataSpecTest {

    @TempDir
    Path dir;

    @Test
    void parsesBuiltinNames() {
        for (String name : Toy2d.NAMES) {
            DataSpec spec = DataSpec.parse(" " + name + " ");
            assertTrue(spec.isBuiltin());
            assertEquals(Optional.of(name), spec.name());
            assertEquals(Optional.empty(), spec.file());
            assertEquals(name, spec.toString());
            assertTrue(spec.describe().contains(name), spec.describe());
            assertEquals(spec, DataSpec.parse(spec.toString()));
        }
    }

    @Test
    void parsesFileSpecs() {
        DataSpec a = DataSpec.parse("file:data/points.csv");
        assertFalse(a.isBuiltin());
        assertEquals(Optional.of(Path.of("data/points.csv")), a.file());
        assertEquals("file:data/points.csv", a.toString());
        assertEquals(a, DataSpec.parse(a.toString()));
        assertTrue(a.describe().contains("points.csv") && a.describe().startsWith("point file /"), a.describe());
        assertEquals(a, DataSpec.parse("data/points.csv"));
        assertEquals(Path.of("/tmp/X.NPY"), DataSpec.parse("/tmp/X.NPY").file().orElseThrow());
        // 'file:' forces a file even if the name looks like a built-in
        assertFalse(DataSpec.parse("file:moons.npy").isBuiltin());
    }

    @Test
    void rejectsUnknownSpecsListingTheChoices() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> DataSpec.parse("swissroll"));
        String m = e.getMessage();
        assertTrue(m.contains("'swissroll'") && m.contains("file:PATH") && m.contains(".csv"), m);
        for (String name : Toy2d.NAMES) {
            assertTrue(m.contains(name), m);
        }
        assertTrue(assertThrows(IllegalArgumentException.class, () -> DataSpec.parse("file:"))
                .getMessage().contains("no path"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> DataSpec.parse("file:points.txt"))
                .getMessage().contains("points.txt"));
        assertThrows(IllegalArgumentException.class, () -> DataSpec.parse("Moons"));
        assertThrows(IllegalArgumentException.class, () -> DataSpec.builtin("nope"));
    }

    @Test
    void loadsBuiltinsDeterministically() throws IOException {
        DataSpec spec = DataSpec.parse("checkerboard");
        PointSet p = spec.load(500, 3);
        assertEquals(500, p.n());
        assertArrayEquals(Toy2d.generate("checkerboard", 500, 3).data(), p.data());
        assertThrows(IllegalArgumentException.class, () -> spec.load(0, 3));
    }

    @Test
    void loadsWholeFileOrASeededSubsetInFileOrder() throws IOException {
        StringBuilder csv = new StringBuilder("i,twice\n");
        for (int i = 0; i < 50; i++) {
            csv.append(i).append(',').append(2 * i).append('\n');
        }
        Path p = dir.resolve("rows.csv");
        Files.writeString(p, csv);
        DataSpec spec = DataSpec.parse("file:" + p);
        assertEquals(50, spec.load(Integer.MAX_VALUE, 0).n());
        assertEquals(50, spec.load(50, 0).n());
        PointSet sub = spec.load(10, 7);
        assertEquals(10, sub.n());
        float previous = -1;
        for (int i = 0; i < sub.n(); i++) {
            assertTrue(sub.get(i, 0) > previous, "file order");
            assertEquals(2 * sub.get(i, 0), sub.get(i, 1), "whole rows");
            previous = sub.get(i, 0);
        }
        assertArrayEquals(sub.data(), spec.load(10, 7).data());
        assertFalse(Arrays.equals(sub.data(), spec.load(10, 8).data()));
        assertFalse(Arrays.equals(sub.data(), spec.load(50, 0).head(10).data()), "not just the head");
    }

    @Test
    void loadReportsFileProblems() throws IOException {
        Path p = dir.resolve("bad.csv");
        Files.writeString(p, "x\n1\noops\n");
        DataFormatException e = assertThrows(DataFormatException.class, () -> DataSpec.parse(p.toString()).load(10, 0));
        assertTrue(e.getMessage().contains("bad.csv") && e.getMessage().contains("line 3"), e.getMessage());
    }
}
