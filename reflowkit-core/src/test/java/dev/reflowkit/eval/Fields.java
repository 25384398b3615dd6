package dev.reflowkit.eval;

import dev.reflowkit.field.VelocityField;

/** Analytic velocity fields for the trajectory-metric tests (2-D states). */
final class Fields {

    private Fields() {}

    /** {@code v(x, t) = (a, b)}: straight paths, {@code x0 = x1 - (a, b)}. */
    static VelocityField constant(float a, float b) {
        return (x, t) -> x.zerosLike().add(x.getManager().create(new float[] {a, b}));
    }

    /**
     * Rotation {@code v(x, t) = omega J x}, {@code J x = (-x_2, x_1)}: from t = 1 to 0 it rotates
     * each point by {@code -omega} on its circle, so {@code |x0| = |x1| = r}.
     */
    static VelocityField rotation(float omega) {
        return (x, t) -> x.matMul(x.getManager().create(new float[][] {{0, omega}, {-omega, 0}}));
    }

    /** {@code v(x, t) = lambda x}: from t = 1 to 0, {@code x0 = exp(-lambda) x1}. */
    static VelocityField linear(float lambda) {
        return (x, t) -> x.mul(lambda);
    }
}
