package dev.reflowkit.solver;

import ai.djl.ndarray.NDArray;

/**
 * Heun's method (explicit trapezoidal rule), second order, 2 NFE per step:
 *
 * <pre>
 *   k1 = v(x_i, t_i)
 *   x~ = x_i + h k1
 *   x_{i+1} = x_i + (h/2) (k1 + v(x~, t_{i+1})),   h = t_{i+1} - t_i
 * </pre>
 *
 * <p>With {@link Builder#optEulerLastStep(boolean) optEulerLastStep(true)} the last step is the
 * plain Euler step {@code x~} (EDM's convention, Karras et al. 2022, Alg. 1): it never evaluates
 * the field at the grid's end, and {@code N} steps cost {@code 2N - 1} NFE, so 5 steps are 9 NFE.
 * The global error stays {@code O(h^2)}: the one Euler step adds a local {@code O(h^2)} error.
 */
public final class HeunSolver extends FixedStepSolver {

    /** The solver's name, {@value}. */
    public static final String NAME = "heun";

    private final boolean eulerLastStep;

    /** Creates plain Heun (2 NFE on every step, the last included). */
    public HeunSolver() {
        this(builder());
    }

    private HeunSolver(Builder builder) {
        eulerLastStep = builder.eulerLastStep;
    }

    /**
     * A builder, by default without the Euler last step.
     *
     * @return a new builder
     */
    public static Builder builder() {
        return new Builder();
    }

    /** {@inheritDoc} */
    @Override
    protected NDArray step(
            FieldCalls calls, NDArray x, double t, double tNext, boolean lastStep) {
        double h = tNext - t;
        NDArray k1 = calls.velocity(x, t);
        NDArray euler = x.add(k1.mul(h));
        if (lastStep && eulerLastStep) {
            return euler;
        }
        NDArray k2 = calls.velocity(euler, tNext);
        return x.add(k1.add(k2).mul(h / 2));
    }

    /**
     * NFE of a solve with {@code steps} steps.
     *
     * @param steps the number of grid intervals
     * @return {@code 2 steps}, or {@code 2 steps - 1} with the Euler last step
     */
    public int nfe(int steps) {
        return eulerLastStep ? 2 * steps - 1 : 2 * steps;
    }

    /**
     * Whether the last step is a plain Euler step.
     *
     * @return the EDM switch
     */
    public boolean isEulerLastStep() {
        return eulerLastStep;
    }

    /** {@inheritDoc} */
    @Override
    public String name() {
        return NAME;
    }

    @Override
    public String toString() {
        return eulerLastStep ? NAME + "(euler last step)" : NAME;
    }

    /** Builds a {@link HeunSolver}. */
    public static final class Builder {

        private boolean eulerLastStep;

        private Builder() {}

        /**
         * Sets whether the last step is a plain Euler step (EDM convention; default false).
         *
         * @param eulerLastStep true for {@code 2N - 1} NFE over {@code N} steps
         * @return this builder
         */
        public Builder optEulerLastStep(boolean eulerLastStep) {
            this.eulerLastStep = eulerLastStep;
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
