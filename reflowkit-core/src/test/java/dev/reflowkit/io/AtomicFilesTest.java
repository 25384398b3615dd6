package dev.reflowkit.io;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AtomicFilesTest {

    @TempDir
    Path dir;

    private List<String> listing(Path d) throws IOException {
        try (Stream<Path> s = Files.list(d)) {
            return s.map(p -> p.getFileName().toString()).sorted().collect(Collectors.toList());
        }
    }

    @Test
    void writesContentAndLeavesNoTempFile() throws IOException {
        Path target = dir.resolve("a.txt");
        AtomicFiles.writeString(target, "héllo\n");
        assertEquals("héllo\n", Files.readString(target, StandardCharsets.UTF_8));
        assertEquals(List.of("a.txt"), listing(dir));
    }

    @Test
    void copiesAtomically() throws IOException {
        Path source = dir.resolve("src.bin");
        Files.write(source, new byte[] {4, 5, 6});
        Path target = dir.resolve("sub/copy.bin");
        AtomicFiles.copy(source, target);
        assertArrayEquals(new byte[] {4, 5, 6}, Files.readAllBytes(target));
        assertEquals(List.of("copy.bin"), listing(target.getParent()));
        IOException e = assertThrows(IOException.class, () -> AtomicFiles.copy(dir.resolve("none"), target));
        assertArrayEquals(new byte[] {4, 5, 6}, Files.readAllBytes(target), "target untouched: " + e);
        assertEquals(List.of("copy.bin"), listing(target.getParent()));
    }

    @Test
    void deletesOnlyItsOwnLeftoverTemporaryFiles() throws IOException {
        for (String name : List.of(".model.ckpt.3k9x0a1b2c.tmp", ".manifest.json.z.tmp", "keep.tmp", ".hidden",
                "model.ckpt", ".x.UPPER.tmp")) {
            Files.writeString(dir.resolve(name), name);
        }
        Files.createDirectories(dir.resolve("sub"));
        Files.writeString(dir.resolve("sub/.a.b.tmp"), "nested");
        assertEquals(2, AtomicFiles.deleteLeftovers(dir));
        assertEquals(List.of(".hidden", ".x.UPPER.tmp", "keep.tmp", "model.ckpt", "sub"), listing(dir));
        assertTrue(Files.exists(dir.resolve("sub/.a.b.tmp")), "only the directory itself");
        assertEquals(0, AtomicFiles.deleteLeftovers(dir.resolve("missing")));
    }

    @Test
    void namesItsOwnTemporaryFiles() throws IOException {
        assertTrue(AtomicFiles.isTemporary(".a.txt.0.tmp"));
        assertTrue(!AtomicFiles.isTemporary("a.txt"));
        // a write whose writer fails leaves no temporary file, and one that succeeds neither
        Path target = dir.resolve("t.txt");
        assertThrows(IOException.class, () -> AtomicFiles.write(target, out -> {
            out.write(1);
            assertEquals(1, listing(dir).stream().filter(AtomicFiles::isTemporary).count(), "named as temporary");
            throw new IOException("boom");
        }));
        assertEquals(List.of(), listing(dir));
    }

    @Test
    void createsMissingParentDirectories() throws IOException {
        Path target = dir.resolve("x/y/z/out.bin");
        AtomicFiles.writeBytes(target, new byte[] {1, 2, 3});
        assertArrayEquals(new byte[] {1, 2, 3}, Files.readAllBytes(target));
        assertEquals(List.of("out.bin"), listing(target.getParent()));
    }

    @Test
    void replacesAnExistingFile() throws IOException {
        Path target = dir.resolve("a.txt");
        Files.writeString(target, "old content that is longer");
        AtomicFiles.writeString(target, "new");
        assertEquals("new", Files.readString(target));
        assertEquals(List.of("a.txt"), listing(dir));
    }

    @Test
    void writerMayCloseTheStreamAndWriteLargeContent() throws IOException {
        Path target = dir.resolve("big.bin");
        byte[] big = new byte[1_000_003];
        for (int i = 0; i < big.length; i++) {
            big[i] = (byte) (i * 31);
        }
        AtomicFiles.write(target, out -> {
            out.write(big, 0, 500_000);
            for (int i = 500_000; i < big.length; i++) {
                out.write(big[i]);
            }
            out.close();
        });
        assertArrayEquals(big, Files.readAllBytes(target));
        assertEquals(List.of("big.bin"), listing(dir));
    }

    @Test
    void failedWriteKeepsOldTargetAndRemovesTempFile() throws IOException {
        Path target = dir.resolve("keep.txt");
        Files.writeString(target, "precious");
        IOException boom = new IOException("disk on fire");
        IOException thrown = assertThrows(IOException.class, () -> AtomicFiles.write(target, out -> {
            out.write(new byte[100_000]);
            throw boom;
        }));
        assertSame(boom, thrown);
        assertEquals("precious", Files.readString(target));
        assertEquals(List.of("keep.txt"), listing(dir));
    }

    @Test
    void runtimeFailureAlsoCleansUpAndCreatesNothing() throws IOException {
        Path target = dir.resolve("new.txt");
        assertThrows(UncheckedIOException.class, () -> AtomicFiles.write(target, out -> {
            out.write(42);
            throw new UncheckedIOException(new IOException("x"));
        }));
        assertEquals(List.of(), listing(dir));
    }

    @Test
    void parentThatIsAFileGivesAClearError() throws IOException {
        Path blocker = dir.resolve("blocker");
        Files.writeString(blocker, "I am a file");
        Path target = blocker.resolve("sub/out.txt");
        IOException e = assertThrows(IOException.class, () -> AtomicFiles.writeString(target, "x"));
        assertTrue(e.getMessage().contains(target.toString()), e.getMessage());
        assertTrue(e.getMessage().contains("not a directory"), e.getMessage());
        assertEquals("I am a file", Files.readString(blocker));
    }

    @Test
    void targetThatIsADirectoryGivesAClearError() throws IOException {
        Path target = dir.resolve("d");
        Files.createDirectory(target);
        IOException e = assertThrows(IOException.class, () -> AtomicFiles.writeString(target, "x"));
        assertTrue(e.getMessage().contains(target.toString()) && e.getMessage().contains("is a directory"),
                e.getMessage());
    }

    /**
     * A directory without write permission gives a clear error and stays empty. Root ignores
     * permission bits, so when the tests run as root the write is made by a child JVM running as
     * the unprivileged user {@code nobody} (through {@code setpriv}), on a copy of this package's
     * classes; a machine where neither works fails the test rather than skipping it.
     */
    @Test
    void unwritableDirectoryGivesAClearError() throws Exception {
        Path ro = dir.resolve("ro");
        Files.createDirectory(ro);
        Path target = ro.resolve("out.txt");
        Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxr-xr-x"));
        Files.setPosixFilePermissions(ro, PosixFilePermissions.fromString("r-xr-xr-x"));
        try {
            String message;
            if (Files.isWritable(ro)) { // root
                message = writeAsNobody(target);
            } else {
                IOException e = assertThrows(IOException.class, () -> AtomicFiles.writeString(target, "x"));
                message = e.getMessage();
            }
            assertTrue(message.contains(target.toString()), message);
            assertTrue(message.contains("not writable"), message);
            assertEquals(List.of(), listing(ro));
        } finally {
            Files.setPosixFilePermissions(ro, PosixFilePermissions.fromString("rwxr-xr-x"));
        }
    }

    /** Runs {@link UnwritableProbe} as {@code nobody}; returns the message of its error. */
    private String writeAsNobody(Path target) throws Exception {
        Path classes = dir.resolve("classes");
        Path pkg = Files.createDirectories(classes.resolve("dev/reflowkit/io"));
        for (Class<?> c : List.of(AtomicFiles.class, UnwritableProbe.class)) {
            Path from = Path.of(c.getProtectionDomain().getCodeSource().getLocation().toURI()).resolve("dev/reflowkit/io");
            try (Stream<Path> s = Files.list(from)) {
                for (Path f : s.filter(f -> f.toString().endsWith(".class")).toList()) {
                    Files.copy(f, pkg.resolve(f.getFileName()), java.nio.file.StandardCopyOption.REPLACE_EXISTING);
                }
            }
        }
        try (Stream<Path> s = Files.walk(classes)) {
            for (Path f : s.toList()) {
                Files.setPosixFilePermissions(f, PosixFilePermissions.fromString(Files.isDirectory(f) ? "rwxr-xr-x" : "rw-r--r--"));
            }
        }
        String java = ProcessHandle.current().info().command().orElse("java");
        Process p = new ProcessBuilder("setpriv", "--reuid=65534", "--regid=65534", "--clear-groups", java, "-cp",
                classes.toString(), UnwritableProbe.class.getName(), target.toString()).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
        assertEquals(0, p.waitFor(), "the probe as nobody (setpriv from util-linux is needed when tests run as root): " + out);
        return out;
    }

    /** Writes a file with {@link AtomicFiles} and prints the error it must give; exit 3 if it wrote. */
    static final class UnwritableProbe {
        public static void main(String[] args) {
            try {
                AtomicFiles.writeString(Path.of(args[0]), "x");
                System.out.println("wrote " + args[0]);
                System.exit(3);
            } catch (IOException e) {
                System.out.println(e.getMessage());
            }
        }
    }
}
