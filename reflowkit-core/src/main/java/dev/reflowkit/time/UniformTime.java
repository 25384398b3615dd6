package dev.reflowkit.time;

import java.util.random.RandomGenerator;

/** The uniform time distribution on {@code [0, 1]}: {@code p(t) = 1}, sampled as {@code t = u}. */
public final class UniformTime implements TimeDistribution {

    private static final UniformTime INSTANCE = new UniformTime();

    private UniformTime() {}

    /**
     * The uniform distribution.
     *
     * @return the shared instance
     */
    public static UniformTime of() {
        return INSTANCE;
    }

    @Override
    public double sample(RandomGenerator rng) {
        return rng.nextDouble();
    }

    @Override
    public double density(double t) {
        return t >= 0.0 && t <= 1.0 ? 1.0 : 0.0;
    }

    @Override
    public String name() {
        return "uniform";
    }

    @Override
    public String toString() {
        return name();
    }
}
