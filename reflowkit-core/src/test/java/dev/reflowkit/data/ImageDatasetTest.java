package dev.reflowkit.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.reflowkit.data.archive.TestArchives;
import dev.reflowkit.io.DataFormatException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ImageDatasetTest {

    @TempDir
    Path dir;

    private static ImageLoadOptions.Builder opts() {
        return ImageLoadOptions.builder();
    }

    /** An IDX folder: 20 train images 6x6 (labels i % 4), optionally 5 test images, gz or raw. */
    private Path idxDir(String name, boolean withTest, boolean gz) throws IOException {
        Path d = Files.createDirectories(dir.resolve(name));
        int[] trainLabels = new int[20];
        for (int i = 0; i < 20; i++) {
            trainLabels[i] = i % 4;
        }
        write(d, ImageDataset.TRAIN_IMAGES, TestImages.idxImages(20, 6, 6), gz);
        write(d, ImageDataset.TRAIN_LABELS, TestImages.idxLabels(trainLabels), gz);
        if (withTest) {
            write(d, ImageDataset.TEST_IMAGES, TestImages.idxImages(5, 6, 6), gz);
            write(d, ImageDataset.TEST_LABELS, TestImages.idxLabels(0, 1, 2, 3, 5), gz);
        }
        return d;
    }

    private static void write(Path d, String name, byte[] bytes, boolean gz) throws IOException {
        Files.write(d.resolve(gz ? name + ".gz" : name), gz ? TestArchives.gzip(bytes) : bytes);
    }

    @Test
    void idxFolderWithTestFiles() throws IOException {
        Path d = idxDir("m", true, true);
        ImageDataset ds = ImageDataset.load("idx:" + d, opts().build());
        assertEquals(20, ds.train().n());
        assertEquals(5, ds.test().n());
        assertEquals(6, ds.classes(), "1 + the largest label of either split");
        assertArrayEquals(new long[] {1, 6, 6}, ds.sampleShape());
        assertEquals("idx:" + d, ds.name());
        assertEquals(IdxFiles.scale8(TestImages.pixel(3, 2, 1)), ds.test().pixel(3, 0, 2, 1));
    }

    @Test
    void idxFolderWithoutTestFilesHoldsOutDeterministically() throws IOException {
        Path d = idxDir("m", false, false);
        ImageLoadOptions o = opts().optTestFraction(0.25).optSeed(3).build();
        ImageDataset a = ImageDataset.load("idx:" + d, o);
        ImageDataset b = ImageDataset.load("idx:" + d, o);
        assertEquals(15, a.train().n());
        assertEquals(5, a.test().n());
        assertEquals(a.contentHash(), b.contentHash());
        assertArrayEquals(a.test().pixels().data(), b.test().pixels().data());
        // together the splits hold every image once
        Set<Float> firstPixels = new HashSet<>();
        for (ImageSet s : new ImageSet[] {a.train(), a.test()}) {
            for (int i = 0; i < s.n(); i++) {
                firstPixels.add(s.pixel(i, 0, 0, 0));
            }
        }
        assertEquals(20, firstPixels.size());
        ImageDataset other = ImageDataset.load("idx:" + d, opts().optTestFraction(0.25).optSeed(4).build());
        assertNotEquals(a.contentHash(), other.contentHash(), "another seed, another split");
    }

    @Test
    void capResolutionAndChannelsApplyToBothSplits() throws IOException {
        Path d = idxDir("m", true, false);
        ImageLoadOptions o = opts().optMaxCount(4).optResolution(3).optChannels(3).optSeed(1).build();
        ImageDataset ds = ImageDataset.load("idx:" + d, o);
        assertEquals(4, ds.train().n());
        assertEquals(4, ds.test().n());
        assertArrayEquals(new long[] {3, 3, 3}, ds.sampleShape());
        assertEquals(ds.contentHash(), ImageDataset.load("idx:" + d, o).contentHash());
        // the cap is a seeded subset in source order, then converted and resized: recompute it
        ImageDataset full = ImageDataset.load("idx:" + d, opts().build());
        int[] idx = SplitIndices.cap(SplitIndices.all(20), 4, 1, "train");
        for (int i = 1; i < idx.length; i++) {
            assertTrue(idx[i - 1] < idx[i], "source order");
        }
        ImageSet want = ImageResize.resize(ImageChannels.convert(full.train().subset(idx), 3), 3, 3);
        assertArrayEquals(want.pixels().data(), ds.train().pixels().data());
        assertArrayEquals(want.labels(), ds.train().labels());
        ImageDataset otherSeed = ImageDataset.load("idx:" + d,
                opts().optMaxCount(4).optResolution(3).optChannels(3).optSeed(2).build());
        assertNotEquals(ds.contentHash(), otherSeed.contentHash());
    }

    @Test
    void idxFolderProblemsAreExplained() throws IOException {
        Path d = idxDir("m", true, false);
        Files.delete(d.resolve(ImageDataset.TEST_LABELS));
        DataFormatException e = assertThrows(DataFormatException.class, () -> ImageDataset.load("idx:" + d,
                opts().build()));
        assertTrue(e.getMessage().contains("has t10k-images-idx3-ubyte but no t10k-labels-idx1-ubyte"), e.getMessage());
        Path empty = Files.createDirectories(dir.resolve("empty"));
        e = assertThrows(DataFormatException.class, () -> ImageDataset.load("idx:" + empty, opts().build()));
        assertTrue(e.getMessage().contains("no train-images-idx3-ubyte[.gz] in this folder"), e.getMessage());
    }

    @Test
    void cachedDataSetsSayHowToFetchThem() {
        DatasetNotFoundException e = assertThrows(DatasetNotFoundException.class,
                () -> ImageDataset.load("mnist", opts().optCacheDir(dir).build()));
        assertEquals(dir.resolve("mnist"), e.dir());
        assertTrue(e.getMessage().startsWith("MNIST is not in the data cache (" + dir.resolve("mnist")
                + " does not exist): run 'reflow data fetch mnist --cache " + dir + "'"), e.getMessage());
    }

    @Test
    void cachedDataSetLoadsFromTheCacheFolder() throws IOException {
        Path cache = dir.resolve("cache");
        Files.createDirectories(cache);
        Path fm = idxDir("cache/fashion-mnist", true, true);
        assertEquals(cache.resolve("fashion-mnist"), fm);
        ImageDataset ds = ImageDataset.load("fashion-mnist", opts().optCacheDir(cache).build());
        assertEquals("fashion-mnist", ds.name());
        assertEquals(10, ds.classes(), "MNIST-style data sets have 10 classes");
        assertEquals(20, ds.train().n());
    }

    @Test
    void syntheticSpecGivesIndependentSplits() throws IOException {
        ImageDataset ds = ImageDataset.load("synthetic-shapes:120", opts().optSeed(5).build());
        assertEquals(120, ds.train().n());
        assertEquals(20, ds.test().n());
        assertArrayEquals(new long[] {1, 16, 16}, ds.sampleShape());
        assertEquals(10, ds.classes());
        ImageDataset capped = ImageDataset.load("synthetic-shapes:120",
                opts().optSeed(5).optMaxCount(30).optResolution(8).optChannels(3).build());
        assertEquals(30, capped.train().n());
        assertArrayEquals(new long[] {3, 8, 8}, capped.sampleShape());
        assertEquals(ds.contentHash(), ImageDataset.load("synthetic-shapes:120", opts().optSeed(5).build()).contentHash());
    }

    @Test
    void folderWithTrainAndTestSubfolders() throws IOException {
        for (String split : new String[] {"train", "test"}) {
            TestImages.grayPng(dir.resolve("f/" + split + "/cat/a.png"), 6, 4, 1);
            TestImages.grayPng(dir.resolve("f/" + split + "/dog/b.png"), 6, 4, 2);
        }
        TestImages.grayPng(dir.resolve("f/train/cat/c.png"), 6, 4, 3);
        ImageDataset ds = ImageDataset.load("folder:" + dir.resolve("f"), opts().optResolution(4).build());
        assertEquals(3, ds.train().n());
        assertEquals(2, ds.test().n());
        assertArrayEquals(new int[] {0, 0, 1}, ds.train().labels());
        assertArrayEquals(new long[] {1, 4, 4}, ds.sampleShape());
    }

    @Test
    void folderWithoutSplitHoldsOutAndDecidesChannelsOnce() throws IOException {
        for (int i = 0; i < 9; i++) {
            TestImages.grayPng(dir.resolve("g/img" + i + ".png"), 3, 3, i);
        }
        TestImages.rgbPng(dir.resolve("g/img9.png"), 3, 3, 9);
        ImageDataset ds = ImageDataset.load("folder:" + dir.resolve("g"), opts().optTestFraction(0.2).build());
        assertEquals(8, ds.train().n());
        assertEquals(2, ds.test().n());
        assertEquals(3, ds.train().channels(), "one colour image makes both splits RGB");
        assertEquals(3, ds.test().channels());
        assertEquals(0, ds.classes());
    }

    @Test
    void folderWithOnlyATrainSubfolderIsAnError() throws IOException {
        TestImages.grayPng(dir.resolve("h/train/a.png"), 2, 2, 0);
        DataFormatException e = assertThrows(DataFormatException.class,
                () -> ImageDataset.load("folder:" + dir.resolve("h"), opts().build()));
        assertTrue(e.getMessage().contains("has a train/ folder but no test/ folder"), e.getMessage());
    }

    @Test
    void npySpecHoldsOutATestSplit() throws IOException {
        byte[] px = new byte[10 * 2 * 3];
        for (int i = 0; i < px.length; i++) {
            px[i] = (byte) (i * 7);
        }
        Path f = TestImages.npy(dir.resolve("x.npy"), "|u1", "(10, 2, 3)", px);
        ImageDataset ds = ImageDataset.load("npy:" + f, opts().optResolution(2).build());
        assertEquals(9, ds.train().n());
        assertEquals(1, ds.test().n());
        assertArrayEquals(new long[] {1, 2, 2}, ds.sampleShape(), "center-cropped 2x3 -> 2x2");
    }

    @Test
    void splitsMustAgree() {
        ImageSet a = new ImageSet(new PointSet(1, 4, new float[4]), 1, 2, 2, null, 0);
        ImageSet b = new ImageSet(new PointSet(1, 9, new float[9]), 1, 3, 3, null, 0);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> new ImageDataset("x", a, b));
        assertTrue(e.getMessage().contains("train images are 1x2x2 (CxHxW) but test images are 1x3x3"), e.getMessage());
        ImageSet c = new ImageSet(new PointSet(1, 4, new float[4]), 1, 2, 2, new int[] {0}, 2);
        e = assertThrows(IllegalArgumentException.class, () -> new ImageDataset("x", a, c));
        assertTrue(e.getMessage().contains("train has no labels but test has 2 classes"), e.getMessage());
    }

    @Test
    void optionsAreValidated() {
        assertThrows(IllegalArgumentException.class, () -> opts().optChannels(2).build());
        assertThrows(IllegalArgumentException.class, () -> opts().optResolution(-1).build());
        assertThrows(IllegalArgumentException.class, () -> opts().optMaxCount(0).build());
        assertEquals("test fraction must be in (0, 1), got 1.0",
                assertThrows(IllegalArgumentException.class, () -> opts().optTestFraction(1).build()).getMessage());
    }
}
