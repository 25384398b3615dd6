package dev.reflowkit.train;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import dev.reflowkit.engine.FusedKernels;
import java.util.ArrayList;
import java.util.List;

/**
 * An exponential moving average of the model weights, parametrised by a half-life in samples as
 * in EDM: after a batch of {@code B} samples, {@code ema = beta * ema + (1 - beta) * p} with
 * {@code beta = 0.5^(B / h)}, where the half-life {@code h} is capped at
 * {@code rampup * samplesSeen} during ramp-up (ramp-up 0 disables the cap).
 */
public final class EmaWeights {

    private final List<NDArray> ema = new ArrayList<>();

    /**
     * Starts the average at the current weights.
     *
     * @param parameters the parameter arrays, in a fixed order
     * @param manager the long-lived manager that owns the averages
     */
    public EmaWeights(List<NDArray> parameters, NDManager manager) {
        for (NDArray p : parameters) {
            NDArray copy = p.duplicate();
            copy.attach(manager);
            ema.add(copy);
        }
    }

    /**
     * The decay factor for a batch.
     *
     * @param batchSize samples in the batch
     * @param samplesSeen samples seen so far, this batch included
     * @param halflifeSamples the half-life
     * @param rampup the ramp-up ratio, 0 for none
     * @return beta in [0, 1)
     */
    public static double beta(int batchSize, long samplesSeen, double halflifeSamples, double rampup) {
        double h = halflifeSamples;
        if (rampup > 0) {
            h = Math.min(h, samplesSeen * rampup);
        }
        return h <= 0 ? 0 : Math.pow(0.5, batchSize / h);
    }

    /**
     * Moves the average toward the parameters.
     *
     * @param parameters same order as at construction
     * @param beta the decay factor
     */
    public void update(List<NDArray> parameters, double beta) {
        if (FusedKernels.ema(ema, parameters, beta)) {
            return; // one call for all parameters
        }
        try (NDScope scope = new NDScope()) {
            scope.suppressNotUsedWarning();
            NDManager cm = parameters.get(0).getManager();
            NDArray b = cm.create((float) beta);
            NDArray omb = cm.create((float) (1 - beta));
            for (int i = 0; i < parameters.size(); i++) {
                NDArray scaled = parameters.get(i).mul(omb);
                ema.get(i).muli(b).addi(scaled);
                scaled.close(); // free at once: the allocator reuses the memory for the next one
            }
        }
    }

    /**
     * The averaged weights (live arrays).
     *
     * @return one array per parameter
     */
    public NDList weights() {
        return new NDList(ema);
    }

    /**
     * Restores saved averages.
     *
     * @param saved the averages, in parameter order
     */
    public void load(NDList saved) {
        Checkpoints.copyInto(saved, ema, "EMA weights");
    }
}
