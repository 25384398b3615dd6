package dev.reflowkit.time;

import java.util.random.RandomGenerator;

/**
 * A probability distribution of the training time {@code t} on {@code [0, 1]} (the {@code T} of
 * the generalized ReFlow loss, spec section 3). Any distribution with full support keeps the
 * theory intact; the choice only changes where training spends its effort.
 *
 * <p>Convention (spec section 1): {@code t = 0} is data, {@code t = 1} is noise, so a density
 * that grows with {@code t} puts more mass near the noise end.
 *
 * <p>Implementations are immutable and thread-safe; all randomness comes from the caller's
 * generator, so a seeded generator reproduces the samples exactly.
 */
public interface TimeDistribution {

    /**
     * Draws one time.
     *
     * @param rng the source of randomness
     * @return a time in {@code [0, 1]}
     */
    double sample(RandomGenerator rng);

    /**
     * The probability density {@code p(t)} on {@code [0, 1]}; zero outside it.
     *
     * @param t the time
     * @return the density at {@code t}
     */
    double density(double t);

    /**
     * The distribution's name as used in configs and run records, e.g. {@code "exponential(b=10)"}.
     *
     * @return the name with its parameters
     */
    String name();

    /**
     * Draws {@code n} independent times as float32 values (the dtype of DJL time arrays).
     *
     * <p>Rounding a double to float can land exactly on {@code 0} or {@code 1}; use {@link
     * #clipped(double)} if the endpoints must be excluded.
     *
     * @param rng the source of randomness
     * @param n how many times, {@code n >= 0}
     * @return the times
     */
    default float[] sample(RandomGenerator rng, int n) {
        if (n < 0) {
            throw new IllegalArgumentException("sample count must be >= 0, got " + n);
        }
        float[] out = new float[n];
        for (int i = 0; i < n; i++) {
            out[i] = (float) sample(rng);
        }
        return out;
    }

    /**
     * This distribution with its samples clamped into {@code [eps, 1 - eps]} (endpoint clipping,
     * e.g. to keep {@code t = 1} away from a network's singular input).
     *
     * <p>Clamping moves the mass outside {@code [eps, 1 - eps]} onto the two endpoints; see
     * {@link ClippedTime} for what {@link #density(double)} then reports.
     *
     * @param eps the clipping margin, {@code 0 <= eps < 0.5}; {@code 0} returns this distribution
     * @return the clipped distribution
     */
    default TimeDistribution clipped(double eps) {
        if (eps == 0.0) {
            return this;
        }
        return new ClippedTime(this, eps);
    }
}
