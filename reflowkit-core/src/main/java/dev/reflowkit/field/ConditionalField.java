package dev.reflowkit.field;

import ai.djl.ndarray.NDArray;

/**
 * A class-conditional velocity field {@code v(x, t, c)} over {@code C} classes, trained with label
 * dropout so that the null class {@code c = C} gives the unconditional field: {@link
 * #velocity(NDArray, NDArray)} is {@code v(x, t, null)}.
 *
 * <p>Same conventions as {@link VelocityField}: results attach to the manager of {@code x}, inputs
 * are neither closed nor detached.
 */
public interface ConditionalField extends VelocityField {

    /**
     * Evaluates the velocity for given class labels.
     *
     * @param x the state, shape {@code (N, ...)}
     * @param t the time of each sample, shape {@code (N)}, float32
     * @param labels the class of each sample, shape {@code (N)}, integer values in {@code [0, C]}
     *     ({@code C} = the null class)
     * @return the velocity, same shape as {@code x}
     */
    NDArray velocity(NDArray x, NDArray t, NDArray labels);

    /**
     * The number of classes; the null class has index {@code classes()}.
     *
     * @return C, {@code > 0}
     */
    int classes();

    /**
     * The unconditional velocity {@code v(x, t, null)} (the null class for every sample).
     *
     * @param x the state
     * @param t the times
     * @return the velocity, same shape as {@code x}
     */
    @Override
    NDArray velocity(NDArray x, NDArray t);
}
