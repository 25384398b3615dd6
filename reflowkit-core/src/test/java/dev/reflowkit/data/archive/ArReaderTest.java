package dev.reflowkit.data.archive;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.reflowkit.io.DataFormatException;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

class ArReaderTest {

    private static final Path SRC = Path.of("pkg.deb");

    private static List<String> names(byte[] ar, List<byte[]> contents) throws IOException {
        List<String> names = new ArrayList<>();
        try (ArReader r = new ArReader(new ByteArrayInputStream(ar), SRC)) {
            for (ArchiveEntry e = r.next(); e != null; e = r.next()) {
                names.add(e.name());
                byte[] c = r.content().readAllBytes();
                assertEquals(e.size(), c.length);
                contents.add(c);
            }
            assertNull(r.next());
        }
        return names;
    }

    @Test
    void readsADebLikeArchiveWithOddSizesAndGnuNames() throws IOException {
        byte[] version = "2.0\n".getBytes(StandardCharsets.US_ASCII);
        byte[] control = TestArchives.bytes(101, 1); // odd: padded with '\n'
        byte[] data = TestArchives.bytes(4000, 2);
        byte[] ar = new TestArchives.Ar().member("debian-binary", version).member("control.tar.xz/", control)
                .member("data.tar.xz", data).bytes();
        List<byte[]> contents = new ArrayList<>();
        assertEquals(List.of("debian-binary", "control.tar.xz", "data.tar.xz"), names(ar, contents));
        assertArrayEquals(version, contents.get(0));
        assertArrayEquals(control, contents.get(1));
        assertArrayEquals(data, contents.get(2));
    }

    @Test
    void bsdLongNamesAreResolved() throws IOException {
        byte[] content = TestArchives.bytes(7, 3);
        byte[] ar = new TestArchives.Ar().bsdMember("a-rather-long-member-name.bin", content)
                .member("next", new byte[] {1}).bytes();
        List<byte[]> contents = new ArrayList<>();
        assertEquals(List.of("a-rather-long-member-name.bin", "next"), names(ar, contents));
        assertArrayEquals(content, contents.get(0));
    }

    @Test
    void gnuLongNameTableIsUsed() throws IOException {
        byte[] table = "first-very-long-name.tar.gz/\nsecond-long-member-name/\n".getBytes(StandardCharsets.US_ASCII);
        byte[] ar = new TestArchives.Ar().member("//", table).member("/0", new byte[] {1})
                .member("/29", new byte[] {2, 3}).bytes();
        assertEquals(List.of("first-very-long-name.tar.gz", "second-long-member-name"), names(ar, new ArrayList<>()));
    }

    @Test
    void skippingUnreadMembersKeepsAlignment() throws IOException {
        byte[] ar = new TestArchives.Ar().member("a", TestArchives.bytes(9, 4)).member("b", new byte[] {5}).bytes();
        try (ArReader r = new ArReader(new ByteArrayInputStream(ar), SRC)) {
            assertEquals("a", r.next().name());
            assertEquals("b", r.next().name());
            assertArrayEquals(new byte[] {5}, r.content().readAllBytes());
        }
    }

    @Test
    void badMagicSaysWhatWasExpected() {
        byte[] notAr = "PK\003\004 this is a zip".getBytes(StandardCharsets.US_ASCII);
        DataFormatException e = assertThrows(DataFormatException.class, () -> names(notAr, new ArrayList<>()));
        assertTrue(e.getMessage().startsWith("pkg.deb: not an ar archive"), e.getMessage());
    }

    @Test
    void truncatedMemberIsAnError() {
        byte[] ar = new TestArchives.Ar().member("data.tar.xz", TestArchives.bytes(1000, 5)).bytes();
        byte[] cut = Arrays.copyOf(ar, ar.length - 10);
        DataFormatException e = assertThrows(DataFormatException.class, () -> names(cut, new ArrayList<>()));
        assertTrue(e.getMessage().contains("member 'data.tar.xz' ends 10 bytes early"), e.getMessage());
    }

    @Test
    void corruptHeaderIsAnError() {
        byte[] ar = new TestArchives.Ar().member("x", new byte[] {1, 2}).bytes();
        ar[8 + 58] = 'X'; // the end marker of the first header
        DataFormatException e = assertThrows(DataFormatException.class, () -> names(ar, new ArrayList<>()));
        assertTrue(e.getMessage().contains("corrupt ar member header"), e.getMessage());
    }

    @Test
    void unparsableSizeIsAnError() {
        byte[] ar = new TestArchives.Ar().member("x", new byte[] {1, 2}).bytes();
        ar[8 + 48] = 'z';
        DataFormatException e = assertThrows(DataFormatException.class, () -> names(ar, new ArrayList<>()));
        assertTrue(e.getMessage().contains("ar member 'x' has an unparsable size"), e.getMessage());
    }
}
