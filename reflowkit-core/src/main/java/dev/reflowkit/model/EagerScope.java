package dev.reflowkit.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDScope;
import dev.reflowkit.engine.Engines;
import java.util.function.Supplier;

/**
 * Frees a block's intermediate arrays as soon as the block returns, instead of when the caller's
 * manager closes.
 *
 * <p>DJL keeps every intermediate alive until its manager closes; a U-Net forward then holds all
 * of its activations at once and the allocator hands out fresh (page-faulting) memory for every
 * operation: at batch 500 a 16x16 U-Net peaked at 2.3 GB per solver step and ran 15-30% slower
 * than with prompt frees. Running the block's arithmetic in an {@link NDScope} frees the
 * intermediates when the block ends, as Python's reference counting does. This is safe on the
 * gradient path: closing an array only drops this handle, while autograd keeps its own references
 * to the tensors that the backward pass needs.
 */
final class EagerScope {

    private EagerScope() {}

    /**
     * Runs {@code body} in a new scope and returns its result, which survives the scope and joins
     * the enclosing one; every other array created inside is closed.
     *
     * @param body the block's arithmetic
     * @return its result, attached to whatever manager it was created in
     */
    static NDArray run(Supplier<NDArray> body) {
        NDArray out;
        try (NDScope scope = new NDScope()) {
            out = body.get();
            NDScope.unregister(out);
        }
        // The enclosing scope, if any, owns the result as if it had been created there, so that
        // nested blocks (a GroupNorm inside a residual block) free their results with the caller.
        NDScope.register(out);
        return out;
    }

    /**
     * Whether a block may overwrite its own intermediates: only when no autograd graph is being
     * recorded (sampling, see {@code Engines.withoutGradients}), since autograd may have saved
     * them for the backward pass. Measured: 3-5% faster U-Net and 4-12% faster MLP forwards at
     * the benchmark's batch sizes, identical outputs.
     *
     * @return true when in-place updates of intermediates are safe
     */
    static boolean inPlace() {
        return !Engines.isRecordingGradients();
    }
}
