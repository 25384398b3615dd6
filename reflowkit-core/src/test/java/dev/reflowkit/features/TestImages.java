package dev.reflowkit.features;

import dev.reflowkit.data.PointSet;
import java.util.Random;

/** Synthetic two-class images for the feature-network tests. */
final class TestImages {

    static final long[] SHAPE = {1, 8, 8};

    private TestImages() {}

    /**
     * {@code n} noisy 1 x 8 x 8 images: class 0 has a bright top half, class 1 a bright bottom
     * half; pixels {@code +-0.7} plus Gaussian noise of std {@code noise}, clipped to [-1, 1].
     */
    static LabeledImages halves(int n, double noise, long seed) {
        Random rng = new Random(seed);
        float[] x = new float[n * 64];
        int[] labels = new int[n];
        for (int i = 0; i < n; i++) {
            labels[i] = rng.nextInt(2);
            for (int r = 0; r < 8; r++) {
                boolean bright = labels[i] == 0 ? r < 4 : r >= 4;
                for (int c = 0; c < 8; c++) {
                    double v = (bright ? 0.7 : -0.7) + noise * rng.nextGaussian();
                    x[i * 64 + r * 8 + c] = (float) Math.max(-1, Math.min(1, v));
                }
            }
        }
        return new LabeledImages(new PointSet(n, 64, x), labels, 2, SHAPE);
    }

    /** A small fast recipe. */
    static FeatureRecipe tinyRecipe(int steps) {
        return new FeatureRecipe(steps, 32, 3e-3, 5, 4, 16);
    }
}
