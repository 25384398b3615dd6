package dev.reflowkit.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.reflowkit.io.DataFormatException;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ImageFolderTest {

    @TempDir
    Path dir;

    @Test
    void grayPngValuesAreExact() throws IOException {
        TestImages.grayPng(dir.resolve("a.png"), 5, 4, 0);
        TestImages.grayPng(dir.resolve("b.PNG"), 5, 4, 1);
        Files.writeString(dir.resolve("notes.txt"), "ignored");
        Files.writeString(dir.resolve(".hidden.png"), "ignored too");
        ImageSet s = ImageFolder.read(dir, 0, 0);
        assertEquals(2, s.n());
        assertArrayEquals(new long[] {1, 4, 5}, s.sampleShape());
        assertNull(s.labels());
        for (int i = 0; i < 2; i++) {
            for (int y = 0; y < 4; y++) {
                for (int x = 0; x < 5; x++) {
                    assertEquals(IdxFiles.scale8(TestImages.pixel(i, y, x)), s.pixel(i, 0, y, x), 1e-6f);
                }
            }
        }
    }

    @Test
    void rgbPngIsReadAsThreeChannelsOrLuma() throws IOException {
        TestImages.rgbPng(dir.resolve("c.png"), 3, 3, 2);
        ImageSet rgb = ImageFolder.read(dir, 0, 0);
        assertEquals(3, rgb.channels());
        int r = TestImages.pixel(2, 1, 2);
        assertEquals(IdxFiles.scale8(r), rgb.pixel(0, 0, 1, 2), 1e-6f);
        assertEquals(IdxFiles.scale8(255 - r), rgb.pixel(0, 1, 1, 2), 1e-6f);
        assertEquals(IdxFiles.scale8(40), rgb.pixel(0, 2, 1, 2), 1e-6f);
        ImageSet gray = ImageFolder.read(dir, 1, 0);
        assertEquals(1, gray.channels());
        assertEquals((0.299 * r + 0.587 * (255 - r) + 0.114 * 40) / 127.5 - 1, gray.pixel(0, 0, 1, 2), 1e-5);
    }

    @Test
    void mixedGrayAndColourGivesRgbWhenChannelsAreAsStored() throws IOException {
        TestImages.grayPng(dir.resolve("a.png"), 2, 2, 0);
        TestImages.rgbPng(dir.resolve("b.png"), 2, 2, 1);
        ImageSet s = ImageFolder.read(dir, 0, 0);
        assertEquals(3, s.channels());
        assertEquals(s.pixel(0, 0, 1, 1), s.pixel(0, 2, 1, 1), "gray replicated");
    }

    @Test
    void subfoldersAreClassesInSortedOrder() throws IOException {
        TestImages.grayPng(dir.resolve("zebra/1.png"), 4, 4, 0);
        TestImages.grayPng(dir.resolve("apple/2.png"), 4, 4, 1);
        TestImages.grayPng(dir.resolve("apple/1.png"), 4, 4, 2);
        TestImages.grayPng(dir.resolve("mango/x.png"), 4, 4, 3);
        ImageFolder.Listing l = ImageFolder.list(dir, null);
        assertEquals(List.of("apple", "mango", "zebra"), l.classNames());
        assertEquals(List.of("apple/1.png", "apple/2.png", "mango/x.png", "zebra/1.png"),
                l.files().stream().map(p -> dir.relativize(p).toString()).toList());
        ImageSet s = ImageFolder.read(dir, 1, 0);
        assertArrayEquals(new int[] {0, 0, 1, 2}, s.labels());
        assertEquals(3, s.classes());
        assertEquals(IdxFiles.scale8(TestImages.pixel(2, 0, 1)), s.pixel(0, 0, 0, 1), 1e-6f);
    }

    @Test
    void resolutionCropsToTheCenterSquareAndResizes() throws IOException {
        TestImages.grayPng(dir.resolve("wide.png"), 8, 4, 5);
        TestImages.grayPng(dir.resolve("tall.png"), 3, 9, 6);
        ImageSet s = ImageFolder.read(dir, 1, 2);
        assertArrayEquals(new long[] {1, 2, 2}, s.sampleShape());
        // tall.png sorts first: 3x9 -> center 3x3 (rows 3..5) -> 2x2
        ImageFolder.Decoded tall = ImageFolder.decode(dir.resolve("tall.png"));
        float[] want = ImageResize.resize(ImageResize.centerCrop(tall.pixels(), 1, 9, 3), 1, 3, 3, 2, 2);
        assertArrayEquals(want, java.util.Arrays.copyOfRange(s.pixels().data(), 0, 4), 1e-6f);
    }

    @Test
    void mixedSizesNeedAResolution() throws IOException {
        TestImages.grayPng(dir.resolve("a.png"), 4, 4, 0);
        Path b = TestImages.grayPng(dir.resolve("b.png"), 5, 4, 1);
        DataFormatException e = assertThrows(DataFormatException.class, () -> ImageFolder.read(dir, 1, 0));
        assertEquals(b, e.file());
        assertTrue(e.getMessage().contains("is 5x4 (WxH) but a.png is 4x4"), e.getMessage());
        assertTrue(e.getMessage().contains("set a resolution"), e.getMessage());
        assertEquals(2, ImageFolder.read(dir, 1, 4).n());
    }

    @Test
    void unreadableImageIsNamed() throws IOException {
        TestImages.grayPng(dir.resolve("a.png"), 4, 4, 0);
        Path bad = Files.writeString(dir.resolve("b.jpg"), "not really a jpeg");
        DataFormatException e = assertThrows(DataFormatException.class, () -> ImageFolder.read(dir, 1, 0));
        assertEquals(bad, e.file());
        assertTrue(e.getMessage().startsWith(bad + ": "), e.getMessage());
    }

    @Test
    void jpegIsDecoded() throws IOException {
        BufferedImage img = new BufferedImage(8, 8, BufferedImage.TYPE_BYTE_GRAY);
        for (int y = 0; y < 8; y++) {
            for (int x = 0; x < 8; x++) {
                img.getRaster().setSample(x, y, 0, 200);
            }
        }
        ImageIO.write(img, "jpeg", dir.resolve("flat.jpeg").toFile());
        ImageSet s = ImageFolder.read(dir, 0, 0);
        assertEquals(1, s.channels());
        assertEquals(IdxFiles.scale8(200), s.pixel(0, 0, 3, 3), 0.02f, "lossy but flat");
    }

    @Test
    void emptyAndMalformedFoldersAreExplained() throws IOException {
        Path empty = Files.createDirectory(dir.resolve("empty"));
        DataFormatException e = assertThrows(DataFormatException.class, () -> ImageFolder.read(empty, 1, 0));
        assertTrue(e.getMessage().contains("no PNG or JPEG images in this folder (it is empty)"), e.getMessage());

        Path others = Files.createDirectory(dir.resolve("others"));
        Files.writeString(others.resolve("a.gif.txt"), "x");
        e = assertThrows(DataFormatException.class, () -> ImageFolder.read(others, 1, 0));
        assertTrue(e.getMessage().contains("found 1 other file, e.g. a.gif.txt"), e.getMessage());

        Path mixed = Files.createDirectory(dir.resolve("mixed"));
        TestImages.grayPng(mixed.resolve("cls/a.png"), 2, 2, 0);
        TestImages.grayPng(mixed.resolve("loose.png"), 2, 2, 0);
        e = assertThrows(DataFormatException.class, () -> ImageFolder.read(mixed, 1, 0));
        assertTrue(e.getMessage().contains("mixes images (e.g. loose.png) with class subfolders (e.g. cls)"),
                e.getMessage());

        Path emptyClass = Files.createDirectory(dir.resolve("emptyclass"));
        TestImages.grayPng(emptyClass.resolve("a/a.png"), 2, 2, 0);
        Path b = Files.createDirectory(emptyClass.resolve("b"));
        e = assertThrows(DataFormatException.class, () -> ImageFolder.read(emptyClass, 1, 0));
        assertEquals(b, e.file());
        assertTrue(e.getMessage().contains("class folder 'b' has no PNG or JPEG images"), e.getMessage());
    }

    @Test
    void testFolderClassesMustBeTrainingClasses() throws IOException {
        TestImages.grayPng(dir.resolve("cat/a.png"), 2, 2, 0);
        TestImages.grayPng(dir.resolve("dog/a.png"), 2, 2, 0);
        ImageFolder.Listing l = ImageFolder.list(dir, List.of("bird", "cat", "dog"));
        assertArrayEquals(new int[] {1, 2}, l.labels());
        DataFormatException e = assertThrows(DataFormatException.class, () -> ImageFolder.list(dir, List.of("cat")));
        assertTrue(e.getMessage().contains("class folder 'dog' is not one of the training classes [cat]"),
                e.getMessage());
    }
}
