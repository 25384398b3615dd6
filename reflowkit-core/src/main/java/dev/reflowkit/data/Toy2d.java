package dev.reflowkit.data;

import java.util.List;
import java.util.random.RandomGenerator;

/**
 * Built-in 2-D toy distributions for flow-matching experiments, each a deterministic function of
 * {@code (name, n, seed)}.
 *
 * <p>The generators (all coordinates centred near 0):
 * <ul>
 *   <li>{@code 8gaussians}: FFJORD's mixture of 8 Gaussians. Centres {@code c = 4 u} for the 8
 *       compass directions {@code u} of the unit circle (N, S, E, W and the diagonals), point
 *       {@code x = (c + 0.5 z) / 1.414} with {@code z ~ N(0, I)} and the centre chosen uniformly.
 *       Centres lie at radius {@code 4 / 1.414 ≈ 2.83}, each with std {@code 0.5 / 1.414 ≈ 0.354};
 *       per-coordinate std ≈ 2.03.</li>
 *   <li>{@code moons}: two interleaving half circles (scikit-learn's {@code make_moons} shape):
 *       upper moon {@code (cos θ, sin θ)}, lower moon {@code (1 - cos θ, 0.5 - sin θ)},
 *       {@code θ ~ U[0, π]}, moon chosen uniformly, plus {@code 0.1 z}; then centred by subtracting
 *       {@code (0.5, 0.25)} and scaled by {@link #MOONS_SCALE} = 1.4 (the same factor on both axes,
 *       so the shape is kept): per-axis std ≈ (1.22, 0.71), overall RMS ≈ 1.</li>
 *   <li>{@code checkerboard}: FFJORD's checkerboard (4 x 4 alternating squares of side 2 on
 *       {@code [-4, 4]^2}) scaled by 1/2: points uniform on the 8 unit squares
 *       {@code [i, i+1) x [j, j+1)} of {@code [-2, 2)^2} with {@code i + j} even. Recipe:
 *       {@code x = 4 u1 - 2}, {@code y = u2 - 2 b + (floor(x) mod 2)}, {@code u ~ U[0, 1)},
 *       {@code b ∈ {0, 1}} uniform. Per-coordinate std ≈ 1.15.</li>
 *   <li>{@code spirals}: two interleaved spirals (FFJORD's {@code 2spirals} shape). Angle
 *       {@code φ = 3π sqrt(u)} (1.5 turns), arm point {@code s φ (-cos φ, sin φ) / (1.5π)} with
 *       sign {@code s = ±1} chosen uniformly (the second arm is the first rotated by π), plus
 *       {@code 0.05 z}. Radius up to 2, per-coordinate std ≈ 1.</li>
 *   <li>{@code rings}: 4 concentric circles of radii 0.5, 1, 1.5, 2, ring and angle chosen
 *       uniformly, radius perturbed by {@code 0.05 z} (radial noise only). Per-coordinate
 *       std ≈ 0.97.</li>
 * </ul>
 * Here {@code z} is a standard normal draw and {@code u} a uniform one.
 *
 * <p>Class labels ({@link #generateLabeled}, for class-conditional models; the points are those of
 * {@link #generate}): {@code 8gaussians} the centre index 0..7 (E, W, N, S, NE, SE, NW, SW);
 * {@code moons} 0 for the upper moon, 1 for the lower; {@code checkerboard} the square index
 * {@code 2 col + row} (column {@code col = floor(x) + 2} in 0..3, {@code row} 0 for the lower and 1
 * for the upper of the column's two squares); {@code spirals} 0 for the arm with {@code s = +1}, 1
 * for {@code s = -1}; {@code rings} the ring index 0..3 from the inside out.
 *
 * <p>Randomness: {@link java.util.SplittableRandom} seeded from {@code (seed, name)}, so two data
 * sets with the same seed are independent, and the same call always returns the same points
 * (pinned by a golden-value test against JDK 17's {@code SplittableRandom} algorithms). Point
 * {@code i} depends only on the draws before it, so
 * {@code generate(name, m, seed)} is a prefix of {@code generate(name, n, seed)} for {@code m < n}.
 */
public final class Toy2d {

    /** The names of the built-in data sets. */
    public static final List<String> NAMES = List.of("8gaussians", "moons", "checkerboard", "spirals", "rings");

    /** The isotropic scale applied to the centred moons. */
    public static final double MOONS_SCALE = 1.4;

    private static final double SQRT_HALF = Math.sqrt(0.5);
    private static final double[][] GAUSSIAN_CENTRES = {
        {1, 0}, {-1, 0}, {0, 1}, {0, -1},
        {SQRT_HALF, SQRT_HALF}, {SQRT_HALF, -SQRT_HALF}, {-SQRT_HALF, SQRT_HALF}, {-SQRT_HALF, -SQRT_HALF},
    };
    private static final int RING_COUNT = 4;
    private static final int CHECKERBOARD_SQUARES = 8;

    private Toy2d() {}

    /**
     * Whether a name is a built-in data set.
     *
     * @param name the name
     * @return true for one of {@link #NAMES}
     */
    public static boolean isName(String name) {
        return NAMES.contains(name);
    }

    /**
     * Generates {@code n} points of a built-in data set.
     *
     * @param name one of {@link #NAMES}
     * @param n the number of points, {@code >= 0}
     * @param seed the seed
     * @return {@code n} points in 2 dimensions
     * @throws IllegalArgumentException for an unknown name (the message lists the valid ones) or
     *     a negative {@code n}
     */
    public static PointSet generate(String name, int n, long seed) {
        return generateLabeled(name, n, seed).points();
    }

    /**
     * Generates {@code n} points of a built-in data set with their class labels; the points are
     * exactly those of {@link #generate} for the same arguments.
     *
     * @param name one of {@link #NAMES}
     * @param n the number of points, {@code >= 0}
     * @param seed the seed
     * @return the points and their labels ({@link #classes(String)} classes)
     * @throws IllegalArgumentException for an unknown name or a negative {@code n}
     */
    public static LabeledPoints generateLabeled(String name, int n, long seed) {
        int classes = classes(name);
        if (n < 0) {
            throw new IllegalArgumentException("point count must be >= 0, got " + n);
        }
        RandomGenerator rng = Rngs.of(seed, "toy2d/" + name);
        float[] out = new float[2 * n];
        int[] labels = new int[n];
        for (int i = 0; i < n; i++) {
            labels[i] = switch (name) {
                case "8gaussians" -> eightGaussians(rng, out, i);
                case "moons" -> moons(rng, out, i);
                case "checkerboard" -> checkerboard(rng, out, i);
                case "spirals" -> spirals(rng, out, i);
                default -> rings(rng, out, i);
            };
        }
        return new LabeledPoints(new PointSet(n, 2, out), labels, classes);
    }

    /**
     * The number of classes of a built-in data set's labels.
     *
     * @param name one of {@link #NAMES}
     * @return 8 for 8gaussians and checkerboard, 2 for moons and spirals, 4 for rings
     * @throws IllegalArgumentException for an unknown name (the message lists the valid ones)
     */
    public static int classes(String name) {
        if (!isName(name)) {
            throw new IllegalArgumentException("unknown toy data set '" + name + "' (valid: "
                    + String.join(", ", NAMES) + ")");
        }
        return switch (name) {
            case "8gaussians" -> GAUSSIAN_CENTRES.length;
            case "checkerboard" -> CHECKERBOARD_SQUARES;
            case "rings" -> RING_COUNT;
            default -> 2;
        };
    }

    private static int eightGaussians(RandomGenerator rng, float[] out, int i) {
        int k = rng.nextInt(GAUSSIAN_CENTRES.length);
        double[] c = GAUSSIAN_CENTRES[k];
        double x = 4 * c[0] + 0.5 * rng.nextGaussian();
        double y = 4 * c[1] + 0.5 * rng.nextGaussian();
        put(out, i, x / 1.414, y / 1.414);
        return k;
    }

    private static int moons(RandomGenerator rng, float[] out, int i) {
        double theta = Math.PI * rng.nextDouble();
        boolean upper = rng.nextBoolean();
        double x = upper ? Math.cos(theta) : 1 - Math.cos(theta);
        double y = upper ? Math.sin(theta) : 0.5 - Math.sin(theta);
        x += 0.1 * rng.nextGaussian();
        y += 0.1 * rng.nextGaussian();
        put(out, i, (x - 0.5) * MOONS_SCALE, (y - 0.25) * MOONS_SCALE);
        return upper ? 0 : 1;
    }

    private static int checkerboard(RandomGenerator rng, float[] out, int i) {
        double x = 4 * rng.nextDouble() - 2;
        double u = rng.nextDouble();
        int b = rng.nextInt(2);
        int column = (int) Math.floor(x);
        double y = u - 2 * b + Math.floorMod(column, 2);
        put(out, i, x, y);
        return 2 * Math.min(column + 2, 3) + (1 - b);
    }

    private static int spirals(RandomGenerator rng, float[] out, int i) {
        double phi = 3 * Math.PI * Math.sqrt(rng.nextDouble());
        double s = rng.nextBoolean() ? 1 : -1;
        double scale = s * phi / (1.5 * Math.PI);
        double x = -Math.cos(phi) * scale + 0.05 * rng.nextGaussian();
        double y = Math.sin(phi) * scale + 0.05 * rng.nextGaussian();
        put(out, i, x, y);
        return s > 0 ? 0 : 1;
    }

    private static int rings(RandomGenerator rng, float[] out, int i) {
        int ring = rng.nextInt(RING_COUNT);
        double radius = 0.5 * (1 + ring) + 0.05 * rng.nextGaussian();
        double angle = 2 * Math.PI * rng.nextDouble();
        put(out, i, radius * Math.cos(angle), radius * Math.sin(angle));
        return ring;
    }

    private static void put(float[] out, int i, double x, double y) {
        out[2 * i] = (float) x;
        out[2 * i + 1] = (float) y;
    }
}
