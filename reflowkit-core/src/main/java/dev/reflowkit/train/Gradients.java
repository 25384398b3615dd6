package dev.reflowkit.train;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import dev.reflowkit.engine.FusedKernels;
import java.util.ArrayList;
import java.util.List;

/**
 * The gradients of a model's parameters between a backward pass and the optimizer update: their
 * global norm, and zeroing them afterwards so that the next backward pass accumulates into zeros.
 *
 * <p>Each operation is one multi-tensor call ({@link FusedKernels}) where available, else one DJL
 * operation per parameter. Zeroing the step's own gradients replaces DJL's
 * {@code GradientCollector.zeroGradients}, which walks every array the engine holds.
 */
public final class Gradients {

    private Gradients() {}

    /**
     * The gradient arrays of parameters, as left by the last backward pass.
     *
     * @param parameters the parameters, which require gradients
     * @return their gradients, same order
     */
    public static List<NDArray> of(List<NDArray> parameters) {
        List<NDArray> grads = new ArrayList<>(parameters.size());
        for (NDArray p : parameters) {
            grads.add(p.getGradient());
        }
        return grads;
    }

    /**
     * The L2 norm of all gradient elements, {@code sqrt(sum_i ||g_i||^2)}.
     *
     * @param grads the gradients, not empty
     * @param manager a manager for the engine's result (freed before returning either way)
     * @return the norm (NaN or infinite if any element is)
     */
    public static double globalNorm(List<NDArray> grads, NDManager manager) {
        NDArray fused = FusedKernels.globalNorm(grads, manager);
        if (fused != null) {
            try (fused) {
                return fused.getFloat();
            }
        }
        // Per-parameter norms live in the gradients' (long-lived) manager: freed with the scope.
        try (NDScope scope = new NDScope()) {
            scope.suppressNotUsedWarning();
            NDList norms = new NDList(grads.size());
            for (NDArray g : grads) {
                norms.add(g.norm());
            }
            return NDArrays.stack(norms).norm().getFloat();
        }
    }

    /**
     * Sets gradients to zero in place.
     *
     * @param grads the gradients
     */
    public static void zero(List<NDArray> grads) {
        if (!FusedKernels.zero(grads)) {
            for (NDArray g : grads) {
                g.subi(g); // as DJL's zeroGradients (a NaN stays: trainers stop on a non-finite norm first)
            }
        }
    }
}
