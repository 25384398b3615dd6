package dev.reflowkit.solver;

import ai.djl.ndarray.NDArray;
import java.util.List;

/**
 * The outcome of integrating an ODE: the final state, the exact number of velocity evaluations per
 * sample, and (when requested) the states at every grid point, the start included.
 *
 * @param x the final state, attached to the manager of the input state
 * @param nfe velocity-network evaluations per sample (a guided call counts both networks, see
 *     {@link dev.reflowkit.field.CostedField})
 * @param trajectory states at each accepted grid time, start and end included; empty when not
 *     requested
 * @param times the times of {@code trajectory} (or of the accepted steps when it is empty)
 */
public record SampleResult(NDArray x, int nfe, List<NDArray> trajectory, double[] times) {}
