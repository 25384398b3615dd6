package dev.reflowkit.solver;

import ai.djl.ndarray.NDArray;
import java.util.Locale;

/**
 * Heun's method (explicit trapezoidal rule), second order, 2 NFE per step:
 *
 * <pre>
 *   k1 = v(x_i, t_i)
 *   x~ = x_i + h k1
 *   x_{i+1} = x_i + (h/2) (k1 + v(x~, t_{i+1})),   h = t_{i+1} - t_i
 * </pre>
 *
 * <p>The last step can differ ({@link Builder#optLastStep}), so that the field is never evaluated
 * at the grid's end (the data end t = 0 when generating, where a ReFlow model has barely learned
 * anything):
 *
 * <ul>
 *   <li>{@link LastStep#MIDPOINT}: the midpoint step {@code x_i + h v(x_i + (h/2) k1, t_i + h/2)},
 *       2 NFE and second order; {@code N} steps cost {@code 2N} NFE;
 *   <li>{@link LastStep#RALSTON3}: Ralston's third-order step (Ralston 1962, the three-stage method
 *       of least error bound),
 *       <pre>
 *   k2 = v(x_i + (h/2) k1, t_i + h/2),   k3 = v(x_i + (3h/4) k2, t_i + 3h/4)
 *   x_{i+1} = x_i + h (2 k1 + 3 k2 + 4 k3) / 9
 *       </pre>
 *       3 NFE; {@code N} steps cost {@code 2N + 1} NFE;
 *   <li>{@link LastStep#EULER}: the plain Euler step {@code x~} (EDM's convention, Karras et al.
 *       2022, Alg. 1); {@code N} steps cost {@code 2N - 1} NFE, so 5 steps are 9 NFE;
 *   <li>{@link LastStep#HEUN}: a full Heun step like the others, evaluating the field at the end.
 * </ul>
 *
 * <p>The global error stays {@code O(h^2)} in every case: the Euler step's local error is
 * {@code O(h^2)}, the midpoint step's {@code O(h^3)}, Ralston's {@code O(h^4)}. The Euler step's
 * constant is large: on smooth fields EDM's odd budgets are worse than the even budget one below
 * them, which the midpoint and Ralston last steps avoid ({@link Samplers}).
 */
public final class HeunSolver extends FixedStepSolver {

    /** The solver's name, {@value}. */
    public static final String NAME = "heun";

    /** How the last step of a Heun solve is taken. */
    public enum LastStep {
        /** A full Heun step (2 NFE; its corrector evaluates the field at the grid's end). */
        HEUN,
        /** A plain Euler step (1 NFE; EDM's convention). */
        EULER,
        /** A midpoint step (2 NFE; evaluates the field at the step's start and middle). */
        MIDPOINT,
        /** Ralston's third-order step (3 NFE; stages at 0, 1/2 and 3/4 of the step). */
        RALSTON3
    }

    private final LastStep lastStep;

    /** Creates plain Heun (2 NFE on every step, the last included). */
    public HeunSolver() {
        this(builder());
    }

    private HeunSolver(Builder builder) {
        lastStep = builder.lastStep;
    }

    /**
     * A builder, by default with a full Heun last step.
     *
     * @return a new builder
     */
    public static Builder builder() {
        return new Builder();
    }

    /** {@inheritDoc} */
    @Override
    protected NDArray step(
            FieldCalls calls, NDArray x, double t, double tNext, boolean last) {
        double h = tNext - t;
        NDArray k1 = calls.velocity(x, t);
        LastStep kind = last ? lastStep : LastStep.HEUN;
        switch (kind) {
            case EULER:
                return x.add(k1.mul(h));
            case MIDPOINT:
                return x.add(calls.velocity(x.add(k1.mul(h / 2)), t + h / 2).mul(h));
            case RALSTON3: {
                NDArray k2 = calls.velocity(x.add(k1.mul(h / 2)), t + h / 2);
                NDArray k3 = calls.velocity(x.add(k2.mul(3 * h / 4)), t + 3 * h / 4);
                return x.add(k1.mul(2).add(k2.mul(3)).add(k3.mul(4)).mul(h / 9));
            }
            default:
                NDArray k2 = calls.velocity(x.add(k1.mul(h)), tNext);
                return x.add(k1.add(k2).mul(h / 2));
        }
    }

    /**
     * NFE of a solve with {@code steps} steps.
     *
     * @param steps the number of grid intervals
     * @return {@code 2 steps}, {@code 2 steps - 1} with the Euler last step, {@code 2 steps + 1}
     *     with Ralston's
     */
    public int nfe(int steps) {
        return switch (lastStep) {
            case EULER -> 2 * steps - 1;
            case RALSTON3 -> 2 * steps + 1;
            default -> 2 * steps;
        };
    }

    /**
     * How the last step is taken.
     *
     * @return the last step's kind
     */
    public LastStep lastStep() {
        return lastStep;
    }

    /** {@inheritDoc} */
    @Override
    public String name() {
        return NAME;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof HeunSolver h && h.lastStep == lastStep;
    }

    @Override
    public int hashCode() {
        return lastStep.hashCode();
    }

    /**
     * The solver with its last step, e.g. {@code heun(euler last step)}; plain {@code heun} for
     * full Heun steps throughout.
     */
    @Override
    public String toString() {
        return lastStep == LastStep.HEUN ? NAME
                : NAME + "(" + lastStep.name().toLowerCase(Locale.ROOT) + " last step)";
    }

    /** Builds a {@link HeunSolver}. */
    public static final class Builder {

        private LastStep lastStep = LastStep.HEUN;

        private Builder() {}

        /**
         * Sets how the last step is taken (default {@link LastStep#HEUN}).
         *
         * @param lastStep the last step's kind
         * @return this builder
         */
        public Builder optLastStep(LastStep lastStep) {
            if (lastStep == null) {
                throw new IllegalArgumentException("Heun's last step must not be null");
            }
            this.lastStep = lastStep;
            return this;
        }

        /**
         * Builds the solver.
         *
         * @return the solver
         */
        public HeunSolver build() {
            return new HeunSolver(this);
        }
    }
}
