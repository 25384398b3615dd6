package dev.reflowkit.data;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;

/**
 * Where training points come from: a built-in toy distribution or a user point file, parsed from
 * a spec string.
 *
 * <p>Spec syntax (surrounding spaces ignored):
 * <ul>
 *   <li>a built-in name from {@link Toy2d#NAMES}, e.g. {@code 8gaussians} (exact, lower case);</li>
 *   <li>{@code file:PATH}, where PATH ends in {@code .csv} or {@code .npy} (see {@link PointFiles});</li>
 *   <li>a plain PATH ending in {@code .csv} or {@code .npy} (any case).</li>
 * </ul>
 * {@link #toString()} gives the canonical spec ({@code name} or {@code file:PATH}), which parses
 * back to an equal spec.
 *
 * <pre>{@code
 * DataSpec spec = DataSpec.parse("moons");
 * PointSet points = spec.load(10_000, 42);
 * DataSplit split = DataSplit.split(points, 1_000, 42);
 * }</pre>
 */
public final class DataSpec {

    private static final String FILE_PREFIX = "file:";

    private final String builtin;
    private final Path file;

    private DataSpec(String builtin, Path file) {
        this.builtin = builtin;
        this.file = file;
    }

    /**
     * Parses a spec string.
     *
     * @param spec a built-in name, {@code file:PATH}, or a path ending in {@code .csv}/{@code .npy}
     * @return the spec
     * @throws IllegalArgumentException if the string is none of these; the message lists the
     *     built-in names and the file forms
     */
    public static DataSpec parse(String spec) {
        Objects.requireNonNull(spec, "spec");
        String s = spec.strip();
        if (s.startsWith(FILE_PREFIX)) {
            String path = s.substring(FILE_PREFIX.length()).strip();
            if (path.isEmpty()) {
                throw new IllegalArgumentException("data spec '" + spec + "' has no path after 'file:'");
            }
            return ofFile(Path.of(path));
        }
        if (Toy2d.isName(s)) {
            return builtin(s);
        }
        String lower = s.toLowerCase(Locale.ROOT);
        if (lower.endsWith(".csv") || lower.endsWith(".npy")) {
            return ofFile(Path.of(s));
        }
        throw new IllegalArgumentException("unknown data spec '" + spec + "': expected a built-in name ("
                + String.join(", ", Toy2d.NAMES) + "), file:PATH, or a path ending in .csv or .npy");
    }

    /**
     * A built-in toy distribution.
     *
     * @param name one of {@link Toy2d#NAMES}
     * @return the spec
     * @throws IllegalArgumentException for an unknown name
     */
    public static DataSpec builtin(String name) {
        if (!Toy2d.isName(name)) {
            throw new IllegalArgumentException("unknown toy data set '" + name + "' (valid: "
                    + String.join(", ", Toy2d.NAMES) + ")");
        }
        return new DataSpec(name, null);
    }

    /**
     * A point file.
     *
     * @param path a {@code .csv} or {@code .npy} file (it is read only by {@link #load})
     * @return the spec
     * @throws IllegalArgumentException if the extension is not supported
     */
    public static DataSpec ofFile(Path path) {
        Objects.requireNonNull(path, "path");
        if (!PointFiles.isSupported(path)) {
            throw new IllegalArgumentException("unsupported point file '" + path
                    + "': the name must end in .csv or .npy");
        }
        return new DataSpec(null, path);
    }

    /**
     * Whether this is a built-in toy distribution.
     *
     * @return true for a built-in, false for a file
     */
    public boolean isBuiltin() {
        return builtin != null;
    }

    /**
     * The built-in name.
     *
     * @return the name, empty for a file spec
     */
    public Optional<String> name() {
        return Optional.ofNullable(builtin);
    }

    /**
     * The point file.
     *
     * @return the path, empty for a built-in
     */
    public Optional<Path> file() {
        return Optional.ofNullable(file);
    }

    /**
     * Loads the points.
     *
     * <p>Built-in: generates exactly {@code count} points with {@code seed}
     * ({@link Toy2d#generate}). File: reads the whole file; if it has more than {@code count}
     * points, keeps a uniformly random subset of {@code count} of them chosen with {@code seed},
     * in file order (so {@code count} is a cap; pass {@link Integer#MAX_VALUE} for the whole
     * file). The result is deterministic in {@code (spec, count, seed)} and the file content.
     *
     * @param count the number of points (built-in) or the maximum number (file), {@code >= 1}
     * @param seed the seed for generation or subsampling
     * @return the points
     * @throws IllegalArgumentException if {@code count < 1}
     * @throws IOException if the file cannot be read or is malformed
     *     ({@link dev.reflowkit.io.DataFormatException})
     */
    public PointSet load(int count, long seed) throws IOException {
        if (count < 1) {
            throw new IllegalArgumentException("point count must be >= 1, got " + count);
        }
        if (isBuiltin()) {
            return Toy2d.generate(builtin, count, seed);
        }
        PointSet all = PointFiles.read(file);
        if (all.n() <= count) {
            return all;
        }
        int[] perm = DataSplit.permutation(all.n(), Rngs.of(seed, "data/subsample"));
        int[] chosen = Arrays.copyOf(perm, count);
        Arrays.sort(chosen);
        return DataSplit.gather(all, chosen, 0, count);
    }

    /**
     * A human-readable description.
     *
     * @return e.g. {@code "built-in 2-D data set 'moons'"} or {@code "point file /data/x.csv"}
     */
    public String describe() {
        return isBuiltin()
                ? "built-in 2-D data set '" + builtin + "'"
                : "point file " + file.toAbsolutePath().normalize();
    }

    /** The canonical spec string: the built-in name or {@code file:PATH}. */
    @Override
    public String toString() {
        return isBuiltin() ? builtin : FILE_PREFIX + file;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof DataSpec other && Objects.equals(builtin, other.builtin)
                && Objects.equals(file, other.file);
    }

    @Override
    public int hashCode() {
        return Objects.hash(builtin, file);
    }
}
