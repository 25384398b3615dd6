package dev.reflowkit.solver;

import ai.djl.ndarray.NDArray;
import dev.reflowkit.field.VelocityField;
import dev.reflowkit.path.LinearPath;

/** Velocity fields with known solutions, for solver tests. */
final class AnalyticFields {

    private AnalyticFields() {}

    /**
     * {@code v(x, t) = a}: integrating from 1 to 0 maps {@code x} to {@code x - a}.
     *
     * @param a the constant, broadcastable against the state
     */
    static VelocityField constant(NDArray a) {
        return (x, t) -> x.zerosLike().add(a);
    }

    /** {@code v(x, t) = lambda x}: from 1 to 0, {@code x(0) = x(1) exp(-lambda)}. */
    static VelocityField linear(double lambda) {
        return (x, t) -> x.mul(lambda);
    }

    /** A smooth nonlinear, time-dependent field: {@code v = (1 + t) tanh(x) - x / 2 + sin(3t)}. */
    static VelocityField nonlinear() {
        return (x, t) -> {
            NDArray tb = LinearPath.broadcastTime(t, x);
            return x.tanh().mul(tb.add(1f)).sub(x.mul(0.5f)).add(tb.mul(3f).sin());
        };
    }
}
