package dev.reflowkit.data.archive;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.reflowkit.io.DataFormatException;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

class ArchiveReaderTest {

    private static final Path TAR = Path.of("test.tar");
    private static final Path DEB = Path.of("pkg.deb");

    private record Member(ArchiveEntry entry, byte[] content) {}

    private static List<Member> readAll(ArchiveReader r) throws IOException {
        List<Member> out = new ArrayList<>();
        try (r) {
            for (ArchiveEntry e = r.next(); e != null; e = r.next()) {
                byte[] c = r.content().readAllBytes();
                assertEquals(e.size(), c.length, e.name());
                out.add(new Member(e, c));
            }
            assertNull(r.next(), "stays at the end");
        }
        return out;
    }

    private static List<Member> tar(byte[] tar) throws IOException {
        return readAll(ArchiveReader.tar(new ByteArrayInputStream(tar), TAR, null));
    }

    private static List<Member> ar(byte[] ar) throws IOException {
        return readAll(ArchiveReader.ar(new ByteArrayInputStream(ar), DEB));
    }

    private static List<String> names(List<Member> members) {
        return members.stream().map(m -> m.entry().name()).toList();
    }

    private static String problem(org.junit.jupiter.api.function.Executable reading, Path file) {
        DataFormatException e = assertThrows(DataFormatException.class, reading);
        assertEquals(file, e.file(), e.getMessage());
        return e.getMessage();
    }

    @Test
    void tarFilesDirectoriesAndLinksInOrder() throws IOException {
        byte[] a = TestArchives.bytes(1000, 1);
        byte[] b = TestArchives.bytes(512, 2);
        byte[] tar = new TestArchives.Tar().dir("package/").file("package/a.bin", a).symlink("package/link")
                .file("package/data/b.bin", b).file("empty", new byte[0]).bytes();
        List<Member> m = tar(tar);
        assertEquals(List.of("package/", "package/a.bin", "package/link", "package/data/b.bin", "empty"), names(m));
        assertFalse(m.get(0).entry().regularFile(), "directory");
        assertTrue(m.get(1).entry().regularFile());
        assertArrayEquals(a, m.get(1).content());
        assertEquals(1000, m.get(1).entry().size());
        assertFalse(m.get(2).entry().regularFile(), "symbolic link");
        assertArrayEquals(b, m.get(3).content());
        assertEquals(0, m.get(4).content().length);
    }

    @Test
    void tarSkipsUnreadContentThroughConcatenatedGzip() throws IOException {
        byte[] a = TestArchives.bytes(70_000, 3);
        byte[] b = TestArchives.bytes(33, 4);
        byte[] tar = new TestArchives.Tar().file("a", a).file("b", b).bytes();
        int cut = 512 + 20_000; // two gzip members, the first ending inside a's content
        byte[] tgz = TestArchives.concat(TestArchives.gzip(Arrays.copyOf(tar, cut)),
                TestArchives.gzip(Arrays.copyOfRange(tar, cut, tar.length)));
        try (ArchiveReader r = ArchiveReader.tar(Compression.decompress(new ByteArrayInputStream(tgz), TAR, null),
                TAR, null)) {
            assertEquals("a", r.next().name());
            assertEquals(100, r.content().readNBytes(100).length); // partly read: the rest and the padding are skipped
            assertEquals("b", r.next().name());
            assertArrayEquals(b, r.content().readAllBytes());
            assertNull(r.next());
        }
    }

    @Test
    void tarLongNamesViaUstarPrefixGnuAndPax() throws IOException {
        String deep = "./usr/share/datasets/" + "x".repeat(90) + "/train-images-idx3-ubyte.gz";
        String gnu = "package/" + "y".repeat(120) + "/file.bin";
        String pax = "package/" + "z".repeat(200) + "/pax.bin";
        byte[] tar = new TestArchives.Tar().file(deep, new byte[] {1}).gnuLongName(gnu, new byte[] {2, 3})
                .paxPath(pax, new byte[] {4}).bytes();
        List<Member> m = tar(tar);
        assertEquals(List.of(deep, gnu, pax), names(m));
        assertEquals(deep.substring(2), m.get(0).entry().normalizedName());
        assertArrayEquals(new byte[] {2, 3}, m.get(1).content());
        assertArrayEquals(new byte[] {4}, m.get(2).content());
        assertTrue(m.stream().allMatch(x -> x.entry().regularFile()));
    }

    @Test
    void tarEndsAtEndOfStreamWithoutZeroBlocks() throws IOException {
        byte[] tar = new TestArchives.Tar().file("a", new byte[] {9, 9}).unterminated();
        assertEquals(List.of("a"), names(tar(tar)));
        assertEquals(List.of(), names(tar(new byte[0])));
    }

    @Test
    void tarBase256SizeIsRead() throws IOException {
        byte[] h = TestArchives.header512("big", "", 0, '0', true);
        Arrays.fill(h, 124, 136, (byte) 0);
        h[124] = (byte) 0x80;
        h[135] = 3; // size 3 in GNU base-256
        fixChecksum(h);
        byte[] tar = new TestArchives.Tar().raw(h).raw(Arrays.copyOf(new byte[] {7, 8, 9}, 512)).bytes();
        assertArrayEquals(new byte[] {7, 8, 9}, tar(tar).get(0).content());
    }

    @Test
    void notATarIsAnError() {
        String msg = problem(() -> tar(TestArchives.bytes(2048, 5)), TAR);
        assertTrue(msg.startsWith("test.tar: corrupt tar archive: the first member header is unreadable"), msg);
    }

    @Test
    void truncatedTarMemberIsNamedWhetherReadOrSkipped() {
        byte[] full = new TestArchives.Tar().file("package/data/x", TestArchives.bytes(5000, 6)).bytes();
        byte[] cut = Arrays.copyOf(full, 512 + 3000);
        String read = problem(() -> tar(cut), TAR);
        assertTrue(read.startsWith("test.tar: truncated tar archive: member 'package/data/x' ends 2000 bytes early"),
                read);
        String skipped = problem(() -> {
            try (ArchiveReader r = ArchiveReader.tar(new ByteArrayInputStream(cut), TAR, null)) {
                r.next();
                r.next();
            }
        }, TAR);
        assertTrue(skipped.contains("member 'package/data/x' ends 2000 bytes early"), skipped);
    }

    @Test
    void truncatedTarHeaderIsAnError() {
        byte[] one = new TestArchives.Tar().file("a", new byte[] {1}).bytes();
        String first = problem(() -> tar(Arrays.copyOf(one, 300)), TAR);
        assertTrue(first.startsWith("test.tar: truncated tar archive: the first member header is cut off"), first);
        assertTrue(first.contains("only 300 bytes"), first);
        byte[] two = new TestArchives.Tar().file("a", new byte[] {1}).file("b", new byte[] {2}).bytes();
        String second = problem(() -> tar(Arrays.copyOf(two, 1024 + 100)), TAR);
        assertTrue(second.contains("the member header after 'a' is cut off"), second);
    }

    @Test
    void aTarInsideAnotherArchiveNamesBoth() {
        byte[] full = new TestArchives.Tar().file("./usr/x", TestArchives.bytes(1000, 7)).bytes();
        String msg = problem(() -> readAll(ArchiveReader.tar(new ByteArrayInputStream(Arrays.copyOf(full, 900)), DEB,
                "data.tar.xz")), DEB);
        assertTrue(msg.startsWith("pkg.deb: truncated tar archive in 'data.tar.xz': member './usr/x' ends"), msg);
    }

    @Test
    void failuresOfTheSourceArePassedOnUnchanged() {
        IOException disk = new IOException("disk on fire");
        InputStream failing = new InputStream() {
            @Override
            public int read() throws IOException {
                throw disk;
            }
        };
        IOException e = assertThrows(IOException.class, () -> readAll(ArchiveReader.tar(failing, TAR, null)));
        assertSame(disk, e);
    }

    @Test
    void normalizedNamesDropDotAndEmptyComponentsButKeepDotDot() {
        assertEquals("usr/share/x", new ArchiveEntry("./usr/share/x", 0, true).normalizedName());
        assertEquals("usr/share/x", new ArchiveEntry("/usr//share/./x/", 0, true).normalizedName());
        assertEquals("package/data/../../x", new ArchiveEntry("package/data/../../x", 0, true).normalizedName());
    }

    @Test
    void contentBeforeNextIsRefused() {
        ArchiveReader r = ArchiveReader.tar(new ByteArrayInputStream(new byte[0]), TAR, null);
        assertThrows(IllegalStateException.class, r::content);
    }

    @Test
    void arDebLikeArchiveWithOddSizesAndGnuNames() throws IOException {
        byte[] version = "2.0\n".getBytes(StandardCharsets.US_ASCII);
        byte[] control = TestArchives.bytes(101, 1); // odd: padded with '\n'
        byte[] data = TestArchives.bytes(4000, 2);
        byte[] ar = new TestArchives.Ar().member("debian-binary", version).member("control.tar.xz/", control)
                .member("data.tar.xz", data).bytes();
        List<Member> m = ar(ar);
        assertEquals(List.of("debian-binary", "control.tar.xz", "data.tar.xz"), names(m));
        assertArrayEquals(version, m.get(0).content());
        assertArrayEquals(control, m.get(1).content());
        assertArrayEquals(data, m.get(2).content());
        assertTrue(m.stream().allMatch(x -> x.entry().regularFile()));
    }

    @Test
    void arBsdAndGnuLongNamesAndSymbolTables() throws IOException {
        byte[] content = TestArchives.bytes(7, 3);
        byte[] bsd = new TestArchives.Ar().bsdMember("a-rather-long-member-name.bin", content)
                .member("next", new byte[] {1}).bytes();
        List<Member> m = ar(bsd);
        assertEquals(List.of("a-rather-long-member-name.bin", "next"), names(m));
        assertArrayEquals(content, m.get(0).content());

        byte[] table = "first-very-long-name.tar.gz/\nsecond-long-member-name/\n".getBytes(StandardCharsets.US_ASCII);
        byte[] gnu = new TestArchives.Ar().member("/", new byte[] {0, 0, 0, 0}).member("//", table)
                .member("/0", new byte[] {1}).member("/29", new byte[] {2, 3}).bytes();
        assertEquals(List.of("first-very-long-name.tar.gz", "second-long-member-name"), names(ar(gnu)));
    }

    @Test
    void arSkippingUnreadMembersKeepsAlignment() throws IOException {
        byte[] ar = new TestArchives.Ar().member("a", TestArchives.bytes(9, 4)).member("b", new byte[] {5}).bytes();
        try (ArchiveReader r = ArchiveReader.ar(new ByteArrayInputStream(ar), DEB)) {
            assertEquals("a", r.next().name());
            assertEquals("b", r.next().name());
            assertArrayEquals(new byte[] {5}, r.content().readAllBytes());
            assertNull(r.next());
        }
    }

    @Test
    void arBadMagicSaysWhatWasExpected() {
        byte[] zip = "PK\003\004 this is a zip".getBytes(StandardCharsets.US_ASCII);
        assertEquals("pkg.deb: not an ar archive (a .deb file starts with '!<arch>\\n')", problem(() -> ar(zip), DEB));
        assertTrue(problem(() -> ar(new byte[0]), DEB).contains("not an ar archive"));
    }

    @Test
    void truncatedArMemberIsNamedWhetherReadOrSkipped() {
        byte[] ar = new TestArchives.Ar().member("data.tar.xz", TestArchives.bytes(1000, 5)).bytes();
        byte[] cut = Arrays.copyOf(ar, ar.length - 10);
        String read = problem(() -> ar(cut), DEB);
        assertEquals("pkg.deb: truncated ar archive: member 'data.tar.xz' ends 10 bytes early", read);
        String skipped = problem(() -> {
            try (ArchiveReader r = ArchiveReader.ar(new ByteArrayInputStream(cut), DEB)) {
                r.next();
                r.next();
            }
        }, DEB);
        assertTrue(skipped.contains("member 'data.tar.xz' ends 10 bytes early"), skipped);
    }

    @Test
    void corruptArHeadersAreErrors() {
        byte[] trailer = new TestArchives.Ar().member("x", new byte[] {1, 2}).bytes();
        trailer[8 + 58] = 'X'; // the end marker of the first header
        String t = problem(() -> ar(trailer), DEB);
        assertTrue(t.startsWith("pkg.deb: corrupt ar archive: the first member header is unreadable"), t);
        byte[] size = new TestArchives.Ar().member("x", new byte[] {1, 2}).member("y", new byte[] {3}).bytes();
        size[8 + 60 + 2 + 48] = 'z'; // the size of the second header
        String s = problem(() -> ar(size), DEB);
        assertTrue(s.startsWith("pkg.deb: corrupt ar archive: the member header after 'x' is unreadable"), s);
        byte[] cutHeader = Arrays.copyOf(size, 8 + 60 + 2 + 30);
        String c = problem(() -> ar(cutHeader), DEB);
        assertTrue(c.startsWith("pkg.deb: truncated ar archive: the member header after 'x' is cut off"), c);
    }

    private static void fixChecksum(byte[] h) {
        Arrays.fill(h, 148, 156, (byte) ' ');
        int sum = 0;
        for (byte x : h) {
            sum += x & 0xff;
        }
        byte[] digits = String.format("%06o", sum).getBytes(StandardCharsets.US_ASCII);
        System.arraycopy(digits, 0, h, 148, 6);
        h[154] = 0;
    }
}
