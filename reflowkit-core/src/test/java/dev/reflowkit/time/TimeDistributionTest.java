package dev.reflowkit.time;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.SplittableRandom;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

class TimeDistributionTest {

    private static final int SAMPLES = 200_000;
    private static final int BINS = 50;
    /** chi-square(49) quantile at 1 - 1e-6. */
    private static final double CHI2_LIMIT = 111.1;

    static Stream<TimeDistribution> distributions() {
        return Stream.of(
                UniformTime.of(),
                ExponentialTime.simpleReflow(),
                ExponentialTime.builder().optBase(0.25).build(),
                UShapedTime.builder().build(),
                UShapedTime.builder().optA(9).build(),
                LogitNormalTime.builder().build(),
                LogitNormalTime.builder().optMean(0.8).optStd(1.6).build());
    }

    /** The probability of [a, b] under the density, by composite Simpson's rule. */
    static double integrate(TimeDistribution d, double a, double b) {
        int m = 64;
        double h = (b - a) / m;
        double s = d.density(a) + d.density(b);
        for (int i = 1; i < m; i++) {
            s += (i % 2 == 1 ? 4 : 2) * d.density(a + i * h);
        }
        return s * h / 3.0;
    }

    static double chiSquare(float[] samples, TimeDistribution density) {
        long[] counts = new long[BINS];
        for (float t : samples) {
            counts[Math.min((int) (t * BINS), BINS - 1)]++;
        }
        double chi2 = 0;
        for (int k = 0; k < BINS; k++) {
            double expected = samples.length * integrate(density, (double) k / BINS, (k + 1.0) / BINS);
            double diff = counts[k] - expected;
            chi2 += diff * diff / expected;
        }
        return chi2;
    }

    @ParameterizedTest
    @MethodSource("distributions")
    void densityIntegratesToOne(TimeDistribution d) {
        double total = 0;
        for (int k = 0; k < 1000; k++) {
            total += integrate(d, k / 1000.0, (k + 1) / 1000.0);
        }
        assertEquals(1.0, total, 1e-6, d.name());
    }

    @ParameterizedTest
    @MethodSource("distributions")
    void histogramMatchesDensity(TimeDistribution d) {
        float[] samples = d.sample(new SplittableRandom(20241007L), SAMPLES);
        for (float t : samples) {
            assertTrue(t >= 0f && t <= 1f, () -> d.name() + " sampled " + t);
        }
        double chi2 = chiSquare(samples, d);
        assertTrue(chi2 < CHI2_LIMIT, () -> d.name() + ": chi-square " + chi2);
    }

    @Test
    void chiSquareDetectsAWrongDensity() {
        float[] samples = ExponentialTime.simpleReflow().sample(new SplittableRandom(1), SAMPLES);
        assertTrue(chiSquare(samples, UniformTime.of()) > 100 * CHI2_LIMIT);
        float[] ushape = UShapedTime.builder().build().sample(new SplittableRandom(1), SAMPLES);
        assertTrue(chiSquare(ushape, UShapedTime.builder().optA(3.5).build()) > CHI2_LIMIT);
    }

    @Test
    void exponentialTenMean() {
        ExponentialTime d = ExponentialTime.simpleReflow();
        assertEquals(0.6768166, d.mean(), 1e-6);
        float[] s = d.sample(new SplittableRandom(7), SAMPLES);
        double sum = 0;
        double sumSq = 0;
        for (float t : s) {
            sum += t;
            sumSq += (double) t * t;
        }
        double mean = sum / s.length;
        double sd = Math.sqrt(sumSq / s.length - mean * mean);
        double se = sd / Math.sqrt(s.length);
        assertTrue(se < 1e-3, "standard error " + se);
        assertEquals(0.6768, mean, 4 * se, "sample mean of 10^t");
    }

    @Test
    void exponentialDensityIsSimpleReflowFormula() {
        TimeDistribution d = ExponentialTime.simpleReflow();
        for (double t : new double[] {0, 0.25, 0.5, 0.9, 1}) {
            assertEquals(Math.log(10) * Math.pow(10, t) / 9, d.density(t), 1e-12);
        }
        assertEquals(0.0, d.density(1.5));
    }

    @Test
    void baseOneAndZeroConcentrationAreUniform() {
        TimeDistribution e = ExponentialTime.builder().optBase(1).build();
        TimeDistribution u = UShapedTime.builder().optA(0).build();
        assertEquals(1.0, e.density(0.3));
        assertEquals(1.0, u.density(0.3));
        assertArrayEquals(
                UniformTime.of().sample(new SplittableRandom(3), 10),
                e.sample(new SplittableRandom(3), 10));
    }

    @Test
    void seededSamplingIsReproducible() {
        for (TimeDistribution d : distributions().toList()) {
            assertArrayEquals(
                    d.sample(new SplittableRandom(11), 100), d.sample(new SplittableRandom(11), 100));
        }
    }

    @Test
    void clippingKeepsSamplesInside() {
        double eps = 1e-5;
        // A wide logit-normal puts much mass near both ends, so clipping is exercised.
        TimeDistribution wide = LogitNormalTime.builder().optStd(6).build();
        TimeDistribution clipped = wide.clipped(eps);
        float[] s = clipped.sample(new SplittableRandom(5), SAMPLES);
        int atLow = 0;
        int atHigh = 0;
        for (float t : s) {
            assertTrue(t >= eps && t <= 1 - eps, "clipped float sample " + t);
            if (t == Math.nextUp((float) eps) || t == (float) eps) {
                atLow++;
            }
            if (t >= (float) (1 - eps) - 1e-7f) {
                atHigh++;
            }
        }
        assertTrue(atLow > 100 && atHigh > 100, "clipping active: " + atLow + ", " + atHigh);
        SplittableRandom rng = new SplittableRandom(6);
        for (int i = 0; i < 10_000; i++) {
            double t = clipped.sample(rng);
            assertTrue(t >= eps && t <= 1 - eps, "clipped double sample " + t);
        }
        float[] unclipped = wide.sample(new SplittableRandom(5), SAMPLES);
        long outside = 0;
        for (float t : unclipped) {
            if (t < eps || t > 1 - eps) {
                outside++;
            }
        }
        assertTrue(outside > 100, "the unclipped wide distribution reaches the ends");
        assertEquals(0.0, clipped.density(eps / 2));
        assertEquals(wide.density(0.3), clipped.density(0.3));
        assertSame(wide, wide.clipped(0));
        assertThrows(IllegalArgumentException.class, () -> wide.clipped(0.5));
        assertThrows(IllegalArgumentException.class, () -> wide.clipped(-1e-3));
    }

    @Test
    void factoryBuildsByName() {
        assertEquals("uniform", TimeDistributions.byName("uniform").name());
        assertEquals("exponential(b=10.0)", TimeDistributions.byName("Exponential").name());
        assertEquals(
                "exponential(b=2.0)",
                TimeDistributions.byName("exponential", java.util.Map.of("base", 2)).name());
        assertEquals("u-shaped(a=4.0)", TimeDistributions.byName("u-shaped").name());
        LogitNormalTime ln = (LogitNormalTime) TimeDistributions.byName(
                "logit-normal", java.util.Map.of("mean", "0.5", "std", 2.0));
        assertEquals(0.5, ln.mean());
        assertEquals(2.0, ln.std());
        TimeDistribution c = TimeDistributions.byName("uniform", java.util.Map.of("clip", 1e-4));
        assertEquals(1e-4, ((ClippedTime) c).eps());
        assertEquals(4, TimeDistributions.NAMES.size());
        for (String name : TimeDistributions.NAMES) {
            assertTrue(TimeDistributions.byName(name, null).density(0.5) > 0);
        }
    }

    @Test
    void factoryErrorsNameTheProblem() {
        IllegalArgumentException e = assertThrows(
                IllegalArgumentException.class, () -> TimeDistributions.byName("gamma"));
        assertTrue(e.getMessage().contains("gamma") && e.getMessage().contains("u-shaped"));
        e = assertThrows(
                IllegalArgumentException.class,
                () -> TimeDistributions.byName("exponential", java.util.Map.of("bse", 10)));
        assertTrue(e.getMessage().contains("bse") && e.getMessage().contains("base"));
        e = assertThrows(
                IllegalArgumentException.class,
                () -> TimeDistributions.byName("u-shaped", java.util.Map.of("a", "four")));
        assertTrue(e.getMessage().contains("four"));
        e = assertThrows(
                IllegalArgumentException.class,
                () -> TimeDistributions.byName("logit-normal", java.util.Map.of("std", 0)));
        assertTrue(e.getMessage().contains("std"));
        assertThrows(
                IllegalArgumentException.class,
                () -> TimeDistributions.byName("exponential", java.util.Map.of("base", -2)));
        assertThrows(IllegalArgumentException.class, () -> TimeDistributions.byName(null));
        assertThrows(
                IllegalArgumentException.class, () -> UniformTime.of().sample(new SplittableRandom(), -1));
    }
}
