package dev.reflowkit.data;

import java.nio.file.Path;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * Where an image data set comes from, parsed from a spec string; the image counterpart of
 * {@link DataSpec}.
 *
 * <p>Spec syntax (surrounding spaces ignored, names and prefixes in lower case):
 * <ul>
 *   <li>{@code mnist}, {@code fashion-mnist}: fetched data sets in the data cache (see
 *       {@link DataFetch}, {@code reflow data fetch NAME});</li>
 *   <li>{@code synthetic-shapes} or {@code synthetic-shapes:N}: generated shapes
 *       ({@link SyntheticImages}), N training images (default {@value #SYNTHETIC_TRAIN}) and
 *       {@code ceil(N / 6)} test images;</li>
 *   <li>{@code idx:DIR}: IDX files {@code train-images-idx3-ubyte}, {@code train-labels-idx1-ubyte}
 *       and optionally {@code t10k-images-idx3-ubyte}, {@code t10k-labels-idx1-ubyte}, each raw or
 *       with {@code .gz};</li>
 *   <li>{@code folder:DIR}: PNG/JPEG images ({@link ImageFolder}), in {@code DIR/train/} and
 *       {@code DIR/test/} if both exist, else in DIR;</li>
 *   <li>{@code npy:FILE}: a {@code .npy} image array ({@link ImageNpy}).</li>
 * </ul>
 * {@link #toString()} gives the canonical spec, which parses back to an equal spec.
 */
public final class ImageSpec {

    /** The kind of source. */
    public enum Kind {
        /** MNIST digits from the data cache. */
        MNIST,
        /** Fashion-MNIST from the data cache. */
        FASHION_MNIST,
        /** {@link SyntheticImages}. */
        SYNTHETIC,
        /** A folder of IDX files. */
        IDX,
        /** A folder of PNG/JPEG images. */
        FOLDER,
        /** A {@code .npy} image array. */
        NPY
    }

    /** The name of the MNIST spec (and its cache folder). */
    public static final String MNIST = "mnist";
    /** The name of the Fashion-MNIST spec (and its cache folder). */
    public static final String FASHION_MNIST = "fashion-mnist";
    /** The name of the synthetic spec. */
    public static final String SYNTHETIC = "synthetic-shapes";
    /** The default number of synthetic training images. */
    public static final int SYNTHETIC_TRAIN = 6000;
    /** The built-in names. */
    public static final List<String> NAMES = List.of(MNIST, FASHION_MNIST, SYNTHETIC);

    private static final List<String> PREFIXES = List.of("idx:", "folder:", "npy:");

    private final Kind kind;
    private final Path path;
    private final int syntheticCount;

    private ImageSpec(Kind kind, Path path, int syntheticCount) {
        this.kind = kind;
        this.path = path;
        this.syntheticCount = syntheticCount;
    }

    /**
     * Whether a string is an image spec (rather than a 2-D point spec of {@link DataSpec}): a
     * built-in image name, {@code synthetic-shapes:...}, or one of the prefixes {@code idx:},
     * {@code folder:}, {@code npy:}. It says nothing about whether the spec is valid.
     *
     * @param spec the string
     * @return true if {@link #parse} handles it
     */
    public static boolean isImageSpec(String spec) {
        if (spec == null) {
            return false;
        }
        String s = spec.strip();
        return NAMES.contains(s) || s.startsWith(SYNTHETIC + ":") || PREFIXES.stream().anyMatch(s::startsWith);
    }

    /**
     * Parses a spec string.
     *
     * @param spec the string
     * @return the spec
     * @throws IllegalArgumentException if it is not an image spec or lacks its path or count; the
     *     message lists the accepted forms
     */
    public static ImageSpec parse(String spec) {
        Objects.requireNonNull(spec, "spec");
        String s = spec.strip();
        switch (s) {
            case MNIST:
                return new ImageSpec(Kind.MNIST, null, 0);
            case FASHION_MNIST:
                return new ImageSpec(Kind.FASHION_MNIST, null, 0);
            case SYNTHETIC:
                return new ImageSpec(Kind.SYNTHETIC, null, SYNTHETIC_TRAIN);
            default:
                break;
        }
        if (s.startsWith(SYNTHETIC + ":")) {
            String count = s.substring(SYNTHETIC.length() + 1).strip();
            int n;
            try {
                n = Integer.parseInt(count);
            } catch (NumberFormatException e) {
                n = 0;
            }
            if (n < 1) {
                throw new IllegalArgumentException("image data spec '" + spec + "': '" + count
                        + "' is not a positive image count (e.g. " + SYNTHETIC + ":2000)");
            }
            return new ImageSpec(Kind.SYNTHETIC, null, n);
        }
        for (String prefix : PREFIXES) {
            if (s.startsWith(prefix)) {
                String p = s.substring(prefix.length()).strip();
                if (p.isEmpty()) {
                    throw new IllegalArgumentException("image data spec '" + spec + "' has no path after '"
                            + prefix + "'");
                }
                Kind kind = switch (prefix) {
                    case "idx:" -> Kind.IDX;
                    case "folder:" -> Kind.FOLDER;
                    default -> Kind.NPY;
                };
                return new ImageSpec(kind, Path.of(p), 0);
            }
        }
        throw new IllegalArgumentException("unknown image data spec '" + spec + "': expected " + MNIST + ", "
                + FASHION_MNIST + ", " + SYNTHETIC + "[:N], idx:DIR, folder:DIR or npy:FILE");
    }

    /**
     * The kind of source.
     *
     * @return the kind
     */
    public Kind kind() {
        return kind;
    }

    /**
     * The folder or file of an {@code idx:}, {@code folder:} or {@code npy:} spec.
     *
     * @return the path, empty for built-in names
     */
    public Optional<Path> path() {
        return Optional.ofNullable(path);
    }

    /**
     * The number of synthetic training images.
     *
     * @return N for a synthetic spec, 0 otherwise
     */
    public int syntheticCount() {
        return syntheticCount;
    }

    /**
     * The number of synthetic test images.
     *
     * @return {@code ceil(N / 6)} for a synthetic spec, 0 otherwise
     */
    public int syntheticTestCount() {
        return (syntheticCount + 5) / 6;
    }

    /**
     * A human-readable description.
     *
     * @return e.g. {@code "MNIST (from the data cache)"} or {@code "IDX folder /data/x"}
     */
    public String describe() {
        return switch (kind) {
            case MNIST -> "MNIST (from the data cache)";
            case FASHION_MNIST -> "Fashion-MNIST (from the data cache)";
            case SYNTHETIC -> "synthetic shapes (" + syntheticCount + " train, " + syntheticTestCount() + " test)";
            case IDX -> "IDX folder " + path.toAbsolutePath().normalize();
            case FOLDER -> "image folder " + path.toAbsolutePath().normalize();
            case NPY -> "image array " + path.toAbsolutePath().normalize();
        };
    }

    /** The canonical spec string. */
    @Override
    public String toString() {
        return switch (kind) {
            case MNIST -> MNIST;
            case FASHION_MNIST -> FASHION_MNIST;
            case SYNTHETIC -> syntheticCount == SYNTHETIC_TRAIN ? SYNTHETIC : SYNTHETIC + ":" + syntheticCount;
            case IDX -> "idx:" + path;
            case FOLDER -> "folder:" + path;
            case NPY -> "npy:" + path;
        };
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof ImageSpec other && kind == other.kind && Objects.equals(path, other.path)
                && syntheticCount == other.syntheticCount;
    }

    @Override
    public int hashCode() {
        return Objects.hash(kind, path, syntheticCount);
    }
}
