package dev.reflowkit.report;

import dev.reflowkit.data.PointSet;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * A report of two made-up image models, built without sampling: grey 16x16 rings that sharpen
 * with the NFE, and 3x8x8 colour gradients, plus a strip of noise turning into rings.
 */
final class SyntheticImages {

    static final long[] GREY = {1, 16, 16};
    static final long[] RGB = {3, 8, 8};

    private SyntheticImages() {}

    /** The report: grids of the ring model at NFE 1 and 4, its strip, a colour grid at NFE 2. */
    static ReportData build() {
        return ReportData.builder()
                .setTitle("image report")
                .optDate(Instant.parse("2026-01-02T03:04:05Z"))
                .addImages("rings", 1, GREY, rings(16, 0.6))
                .addImages("rings", 4, GREY, rings(16, 0.1))
                .addImageTrajectories("rings", 4, GREY, strip(4, 9))
                .addImages("colours", 2, RGB, gradients(10))
                .build();
    }

    /** {@code n} rings of radius 3 to 7 with Gaussian-ish blur {@code blur}, values in [-1, 1]. */
    static PointSet rings(int n, double blur) {
        float[] v = new float[n * 256];
        for (int i = 0; i < n; i++) {
            double r = 3 + 4.0 * i / Math.max(1, n - 1);
            for (int y = 0; y < 16; y++) {
                for (int x = 0; x < 16; x++) {
                    double d = Math.hypot(x - 7.5, y - 7.5) - r;
                    v[i * 256 + y * 16 + x] = (float) (2 * Math.exp(-d * d / (2 * (0.5 + blur) * (0.5 + blur))) - 1);
                }
            }
        }
        return new PointSet(n, 256, v);
    }

    /** {@code n} colour images: red grows left to right, green top to bottom, blue with the index. */
    static PointSet gradients(int n) {
        float[] v = new float[n * 192];
        for (int i = 0; i < n; i++) {
            for (int p = 0; p < 64; p++) {
                v[i * 192 + p] = -1 + 2 * (p % 8) / 7f;
                v[i * 192 + 64 + p] = -1 + 2 * (p / 8) / 7f;
                v[i * 192 + 128 + p] = -1 + 2 * i / (float) Math.max(1, n - 1);
            }
        }
        return new PointSet(n, 192, v);
    }

    /** {@code states} states of {@code n} rings, from a checkerboard "noise" (t = 1) to the rings (t = 0). */
    static List<PointSet> strip(int n, int states) {
        PointSet end = rings(n, 0.1);
        List<PointSet> out = new ArrayList<>();
        for (int k = 0; k < states; k++) {
            double t = 1 - k / (double) (states - 1);
            float[] v = new float[end.data().length];
            for (int j = 0; j < v.length; j++) {
                float noise = ((j * 7919) % 13) / 6f - 1f;
                v[j] = (float) ((1 - t) * end.data()[j] + t * 1.8 * noise);
            }
            out.add(new PointSet(n, 256, v));
        }
        return out;
    }
}
