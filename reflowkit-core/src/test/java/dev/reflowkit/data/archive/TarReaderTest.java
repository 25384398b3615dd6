package dev.reflowkit.data.archive;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.reflowkit.io.DataFormatException;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.zip.GZIPInputStream;
import org.junit.jupiter.api.Test;

class TarReaderTest {

    private static final Path SRC = Path.of("test.tar");

    private record Member(ArchiveEntry entry, byte[] content) {}

    private static List<Member> readAll(byte[] tar) throws IOException {
        List<Member> out = new ArrayList<>();
        try (TarReader r = new TarReader(new ByteArrayInputStream(tar), SRC)) {
            for (ArchiveEntry e = r.next(); e != null; e = r.next()) {
                out.add(new Member(e, r.content().readAllBytes()));
            }
            assertNull(r.next(), "stays at the end");
        }
        return out;
    }

    @Test
    void readsFilesDirectoriesAndLinksInOrder() throws IOException {
        byte[] a = TestArchives.bytes(1000, 1);
        byte[] b = TestArchives.bytes(512, 2);
        byte[] tar = new TestArchives.Tar().dir("package/").file("package/a.bin", a).symlink("package/link")
                .file("package/data/b.bin", b).file("empty", new byte[0]).bytes();
        List<Member> m = readAll(tar);
        assertEquals(List.of("package/", "package/a.bin", "package/link", "package/data/b.bin", "empty"),
                m.stream().map(x -> x.entry().name()).toList());
        assertEquals('5', m.get(0).entry().type());
        assertTrue(m.get(1).entry().isFile());
        assertArrayEquals(a, m.get(1).content());
        assertEquals(1000, m.get(1).entry().size());
        assertTrue(!m.get(2).entry().isFile());
        assertArrayEquals(b, m.get(3).content());
        assertEquals("b.bin", m.get(3).entry().baseName());
        assertEquals(0, m.get(4).content().length);
    }

    @Test
    void skipsUnreadContentAndReadsThroughGzip() throws IOException {
        byte[] a = TestArchives.bytes(70_000, 3);
        byte[] b = TestArchives.bytes(33, 4);
        byte[] tgz = TestArchives.gzip(new TestArchives.Tar().file("a", a).file("b", b).bytes());
        try (TarReader r = new TarReader(new GZIPInputStream(new ByteArrayInputStream(tgz)), SRC)) {
            assertEquals("a", r.next().name());
            r.content().readNBytes(100); // partly read, the reader must skip the rest and the padding
            assertEquals("b", r.next().name());
            assertArrayEquals(b, r.content().readAllBytes());
            assertNull(r.next());
        }
    }

    @Test
    void longNamesViaUstarPrefixGnuAndPax() throws IOException {
        String deep = "./usr/share/datasets/" + "x".repeat(90) + "/train-images-idx3-ubyte.gz";
        String gnu = "package/" + "y".repeat(120) + "/file.bin";
        String pax = "package/" + "z".repeat(200) + "/pax.bin";
        byte[] tar = new TestArchives.Tar().file(deep, new byte[] {1}).gnuLongName(gnu, new byte[] {2, 3})
                .paxPath(pax, new byte[] {4}).bytes();
        List<Member> m = readAll(tar);
        assertEquals(List.of(deep, gnu, pax), m.stream().map(x -> x.entry().name()).toList());
        assertEquals(deep.substring(2), m.get(0).entry().normalizedName());
        assertArrayEquals(new byte[] {2, 3}, m.get(1).content());
        assertArrayEquals(new byte[] {4}, m.get(2).content());
    }

    @Test
    void endsAtEndOfStreamWithoutZeroBlocks() throws IOException {
        byte[] tar = new TestArchives.Tar().file("a", new byte[] {9, 9}).unterminated();
        assertEquals(1, readAll(tar).size());
    }

    @Test
    void base256SizeIsRead() throws IOException {
        byte[] h = TestArchives.header512("big", "", 0, '0', true);
        Arrays.fill(h, 124, 136, (byte) 0);
        h[124] = (byte) 0x80;
        h[135] = 3; // size 3 in GNU base-256
        fixChecksum(h);
        byte[] tar = new TestArchives.Tar().raw(h).raw(padded(new byte[] {7, 8, 9})).bytes();
        List<Member> m = readAll(tar);
        assertArrayEquals(new byte[] {7, 8, 9}, m.get(0).content());
    }

    @Test
    void badChecksumIsNamed() {
        byte[] tar = new TestArchives.Tar().file("package/a", new byte[] {1}).bytes();
        tar[10] ^= 1; // corrupt the name, the checksum no longer matches
        DataFormatException e = assertThrows(DataFormatException.class, () -> readAll(tar));
        assertTrue(e.getMessage().startsWith("test.tar: corrupt tar header"), e.getMessage());
        assertTrue(e.getMessage().contains("checksum"), e.getMessage());
    }

    @Test
    void notATarIsAnError() {
        byte[] junk = TestArchives.bytes(2048, 5);
        DataFormatException e = assertThrows(DataFormatException.class, () -> readAll(junk));
        assertEquals(SRC, e.file());
    }

    @Test
    void truncatedMemberIsAnError() {
        byte[] full = new TestArchives.Tar().file("package/data/x", TestArchives.bytes(5000, 6)).bytes();
        byte[] cut = Arrays.copyOf(full, 512 + 3000);
        DataFormatException e = assertThrows(DataFormatException.class, () -> readAll(cut));
        assertTrue(e.getMessage().contains("truncated archive: member 'package/data/x'"), e.getMessage());
    }

    @Test
    void truncatedHeaderIsAnError() {
        byte[] full = new TestArchives.Tar().file("a", new byte[] {1}).bytes();
        byte[] cut = Arrays.copyOf(full, 300);
        DataFormatException e = assertThrows(DataFormatException.class, () -> readAll(cut));
        assertTrue(e.getMessage().contains("truncated archive: a tar header has 300 of 512 bytes"), e.getMessage());
    }

    private static byte[] padded(byte[] b) {
        return Arrays.copyOf(b, 512);
    }

    private static void fixChecksum(byte[] h) {
        Arrays.fill(h, 148, 156, (byte) ' ');
        int sum = 0;
        for (byte x : h) {
            sum += x & 0xff;
        }
        byte[] digits = String.format("%06o", sum).getBytes(java.nio.charset.StandardCharsets.US_ASCII);
        System.arraycopy(digits, 0, h, 148, 6);
        h[154] = 0;
    }
}
