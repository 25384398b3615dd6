package dev.reflowkit.data;

import java.util.List;
import java.util.Objects;
import java.util.SplittableRandom;

/**
 * A deterministic generator of small labelled grayscale images of 10 simple shapes, so that tests
 * and smoke runs can exercise a full image pipeline without fetching a data set.
 *
 * <p>Classes ({@link #CLASS_NAMES}): 0 ring, 1 vertical bar, 2 horizontal bar, 3 diagonal
 * {@code \}, 4 diagonal {@code /}, 5 plus, 6 cross, 7 filled square, 8 hollow square, 9 filled
 * triangle. Image {@code i} has class {@code i mod 10} (balanced). Each shape is drawn in a
 * canonical frame {@code [-1, 1]^2} with a random stroke half-width {@code t ~ U[0.12, 0.2]},
 * mapped to the image by a random scale {@code U[0.55, 0.8]}, rotation {@code U[-0.25, 0.25]} rad
 * and centre shift {@code U[-0.15, 0.15]^2} (image coordinates in {@code [-1, 1]^2}). A pixel's
 * coverage {@code a} in {@code [0, 1]} is the fraction of a 4x4 grid of points inside the pixel
 * that fall inside the shape; its value is {@code -1 + 2 * b * a + 0.05 * z}, clamped to
 * {@code [-1, 1]}, with brightness {@code b ~ U[0.75, 1]} per image and {@code z} standard normal
 * per pixel.
 *
 * <p>All randomness comes from one generator seeded by {@code (seed, stream)}, consumed image by
 * image, so the first {@code k} images of {@code generate(n, ...)} equal {@code generate(k, ...)}
 * with the same other arguments, and different streams (e.g. {@code "train"} and {@code "test"})
 * give independent images.
 *
 * <pre>{@code
 * ImageSet train = SyntheticImages.generate(2000, 16, 42, "train");   // 1x16x16, 10 classes
 * }</pre>
 */
public final class SyntheticImages {

    /** The class names, by label. */
    public static final List<String> CLASS_NAMES = List.of("ring", "vertical-bar", "horizontal-bar",
            "diagonal-down", "diagonal-up", "plus", "cross", "filled-square", "hollow-square", "triangle");

    /** The number of classes. */
    public static final int CLASSES = 10;

    /** The default side length. */
    public static final int DEFAULT_RESOLUTION = 16;

    private static final int SUPERSAMPLE = 4;
    private static final double NOISE = 0.05;

    private SyntheticImages() {}

    /**
     * Generates labelled images.
     *
     * @param n the number of images, {@code >= 1}
     * @param resolution the side length, {@code >= 4}
     * @param seed the seed
     * @param stream the name of an independent stream, e.g. {@code "train"} or {@code "test"}
     * @return {@code n} images of shape {@code (1, resolution, resolution)} with labels
     *     {@code i mod 10} and 10 classes
     * @throws IllegalArgumentException if {@code n < 1} or {@code resolution < 4}
     */
    public static ImageSet generate(int n, int resolution, long seed, String stream) {
        Objects.requireNonNull(stream, "stream");
        if (n < 1) {
            throw new IllegalArgumentException("image count must be >= 1, got " + n);
        }
        if (resolution < 4) {
            throw new IllegalArgumentException("synthetic image resolution must be >= 4, got " + resolution);
        }
        SplittableRandom rng = Rngs.of(seed, "synthetic-images/" + stream);
        int d = resolution * resolution;
        float[] px = new float[Math.multiplyExact(n, d)];
        int[] labels = new int[n];
        for (int i = 0; i < n; i++) {
            labels[i] = i % CLASSES;
            draw(labels[i], resolution, rng, px, i * d);
        }
        return new ImageSet(new PointSet(n, d, px), 1, resolution, resolution, labels, CLASSES);
    }

    private static void draw(int label, int res, SplittableRandom rng, float[] out, int off) {
        double t = uniform(rng, 0.12, 0.2);
        double scale = uniform(rng, 0.55, 0.8);
        double angle = uniform(rng, -0.25, 0.25);
        double cx = uniform(rng, -0.15, 0.15);
        double cy = uniform(rng, -0.15, 0.15);
        double bright = uniform(rng, 0.75, 1.0);
        double cos = Math.cos(angle);
        double sin = Math.sin(angle);
        for (int py = 0; py < res; py++) {
            for (int px = 0; px < res; px++) {
                int inside = 0;
                for (int sy = 0; sy < SUPERSAMPLE; sy++) {
                    for (int sx = 0; sx < SUPERSAMPLE; sx++) {
                        double u = (px + (sx + 0.5) / SUPERSAMPLE) / res * 2 - 1 - cx;
                        double v = (py + (sy + 0.5) / SUPERSAMPLE) / res * 2 - 1 - cy;
                        double x = (cos * u + sin * v) / scale; // rotate by -angle, then unscale
                        double y = (-sin * u + cos * v) / scale;
                        if (inside(label, x, y, t)) {
                            inside++;
                        }
                    }
                }
                double a = inside / (double) (SUPERSAMPLE * SUPERSAMPLE);
                double value = -1 + 2 * bright * a + NOISE * rng.nextGaussian();
                out[off + py * res + px] = (float) Math.max(-1, Math.min(1, value));
            }
        }
    }

    /** Whether canonical point {@code (x, y)} (y pointing down) is inside shape {@code label}. */
    static boolean inside(int label, double x, double y, double t) {
        double ax = Math.abs(x);
        double ay = Math.abs(y);
        return switch (label) {
            case 0 -> Math.abs(Math.hypot(x, y) - 0.7) < t;
            case 1 -> ax < t && ay < 0.85;
            case 2 -> ay < t && ax < 0.85;
            case 3 -> segment(x, y, -0.75, -0.75, 0.75, 0.75) < t;
            case 4 -> segment(x, y, -0.75, 0.75, 0.75, -0.75) < t;
            case 5 -> inside(1, x, y, t) || inside(2, x, y, t);
            case 6 -> inside(3, x, y, t) || inside(4, x, y, t);
            case 7 -> Math.max(ax, ay) < 0.6;
            case 8 -> Math.abs(Math.max(ax, ay) - 0.65) < t;
            case 9 -> triangle(x, y);
            default -> throw new IllegalArgumentException("no synthetic shape for label " + label);
        };
    }

    /** Distance from {@code (x, y)} to the segment {@code (x0, y0)-(x1, y1)}. */
    private static double segment(double x, double y, double x0, double y0, double x1, double y1) {
        double dx = x1 - x0;
        double dy = y1 - y0;
        double s = ((x - x0) * dx + (y - y0) * dy) / (dx * dx + dy * dy);
        s = Math.max(0, Math.min(1, s));
        return Math.hypot(x - (x0 + s * dx), y - (y0 + s * dy));
    }

    /** Inside the triangle with apex {@code (0, -0.75)} and base corners {@code (+-0.75, 0.65)}. */
    private static boolean triangle(double x, double y) {
        if (y > 0.65 || y < -0.75) {
            return false;
        }
        double halfWidth = 0.75 * (y + 0.75) / 1.4;
        return Math.abs(x) < halfWidth;
    }

    private static double uniform(SplittableRandom rng, double lo, double hi) {
        return lo + (hi - lo) * rng.nextDouble();
    }
}
