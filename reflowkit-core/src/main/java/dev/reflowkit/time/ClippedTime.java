package dev.reflowkit.time;

import java.util.Locale;
import java.util.random.RandomGenerator;

/**
 * A time distribution whose samples are clamped into {@code [eps, 1 - eps]}: {@code t' = min(max(t,
 * eps), 1 - eps)} with {@code t} drawn from the base distribution.
 *
 * <p>The clamped distribution has point masses at {@code eps} and {@code 1 - eps} (the base mass of
 * {@code [0, eps]} and {@code [1 - eps, 1]}); {@link #density(double)} reports only the continuous
 * part: the base density strictly inside {@code (eps, 1 - eps)} and zero elsewhere.
 *
 * <p>Float samples are clamped again in float precision, so that rounding to float32 never moves a
 * sample outside {@code [eps, 1 - eps]}.
 */
public final class ClippedTime implements TimeDistribution {

    private final TimeDistribution base;
    private final double eps;
    private final float lowF;
    private final float highF;

    /**
     * Wraps a distribution.
     *
     * @param base the distribution to clip
     * @param eps the clipping margin, {@code 0 <= eps < 0.5}
     */
    public ClippedTime(TimeDistribution base, double eps) {
        if (base == null) {
            throw new IllegalArgumentException("base distribution must not be null");
        }
        if (!(eps >= 0.0 && eps < 0.5)) {
            throw new IllegalArgumentException("clipping eps must be in [0, 0.5), got " + eps);
        }
        this.base = base;
        this.eps = eps;
        float lo = (float) eps;
        if (lo < eps) {
            lo = Math.nextUp(lo);
        }
        float hi = (float) (1.0 - eps);
        if (hi > 1.0 - eps) {
            hi = Math.nextDown(hi);
        }
        this.lowF = lo;
        this.highF = hi;
    }

    /**
     * The clipping margin.
     *
     * @return {@code eps}
     */
    public double eps() {
        return eps;
    }

    /**
     * The distribution that is clipped.
     *
     * @return the base distribution
     */
    public TimeDistribution base() {
        return base;
    }

    @Override
    public double sample(RandomGenerator rng) {
        return Math.min(Math.max(base.sample(rng), eps), 1.0 - eps);
    }

    @Override
    public float[] sample(RandomGenerator rng, int n) {
        float[] out = base.sample(rng, n);
        for (int i = 0; i < n; i++) {
            out[i] = Math.min(Math.max(out[i], lowF), highF);
        }
        return out;
    }

    @Override
    public double density(double t) {
        return t > eps && t < 1.0 - eps ? base.density(t) : 0.0;
    }

    @Override
    public TimeDistribution clipped(double newEps) {
        if (newEps == 0.0) {
            return this;
        }
        return new ClippedTime(base, Math.max(eps, newEps));
    }

    @Override
    public String name() {
        return base.name() + String.format(Locale.ROOT, ".clipped(%s)", eps);
    }

    @Override
    public String toString() {
        return name();
    }
}
