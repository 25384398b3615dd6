package dev.reflowkit.train;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import dev.reflowkit.engine.FusedKernels;
import java.util.ArrayList;
import java.util.List;

/**
 * Adam and AdamW (Kingma and Ba 2015; Loshchilov and Hutter 2019) whose moments can be saved and
 * restored, which DJL's optimizers cannot do (needed for exact resume).
 *
 * <p>With gradient {@code g} at step {@code k = 1, 2, ...}: {@code m = b1 m + (1 - b1) g},
 * {@code v = b2 v + (1 - b2) g^2}, and
 * {@code p -= lr * sqrt(1 - b2^k) / (1 - b1^k) * m / (sqrt(v) + eps * sqrt(1 - b2^k))}, which
 * equals PyTorch's bias-corrected update. Adam adds {@code wd * p} to the gradient (L2); AdamW
 * decays the weights directly, {@code p *= 1 - lr * wd}.
 *
 * <p>All parameters are updated by one call to PyTorch's fused multi-tensor Adam
 * ({@link FusedKernels#adam}); where that is not available, each parameter by the engine's Adam
 * update ({@code NDArrayEx.adamUpdate}): one native call per parameter instead of a dozen NDArray
 * operations. Both run without autograd and agree to float32 rounding.
 */
public final class AdamOptimizer {

    /**
     * Adam settings.
     *
     * @param beta1 first-moment decay
     * @param beta2 second-moment decay
     * @param eps denominator epsilon
     * @param weightDecay weight decay
     * @param decoupled true for AdamW
     */
    public record Settings(double beta1, double beta2, double eps, double weightDecay, boolean decoupled) {

        /** Checks ranges. */
        public Settings {
            if (!(beta1 >= 0 && beta1 < 1 && beta2 >= 0 && beta2 < 1 && eps > 0 && weightDecay >= 0)) {
                throw new IllegalArgumentException("bad Adam settings: " + beta1 + ", " + beta2 + ", "
                        + eps + ", " + weightDecay);
            }
        }
    }

    private final Settings settings;
    private final List<NDArray> m = new ArrayList<>();
    private final List<NDArray> v = new ArrayList<>();
    private long count;

    /**
     * Creates an optimizer with zero moments for the given parameters.
     *
     * @param settings the settings
     * @param parameters the parameter arrays, in a fixed order
     * @param manager the long-lived manager that owns the moments
     */
    public AdamOptimizer(Settings settings, List<NDArray> parameters, NDManager manager) {
        this.settings = settings;
        for (NDArray p : parameters) {
            m.add(manager.zeros(p.getShape(), p.getDataType()));
            v.add(manager.zeros(p.getShape(), p.getDataType()));
        }
    }

    /**
     * Applies one update in place.
     *
     * @param parameters the parameters, same order as at construction
     * @param gradients their gradients
     * @param lr the learning rate of this step
     * @param gradScale a factor applied to the gradients first (global-norm clipping)
     */
    public void update(List<NDArray> parameters, List<NDArray> gradients, double lr, double gradScale) {
        count++;
        if (FusedKernels.adam(parameters, gradients, m, v, count, lr, settings.beta1(), settings.beta2(),
                settings.weightDecay(), settings.eps(), gradScale, settings.decoupled())) {
            return;
        }
        double bc1 = 1 - Math.pow(settings.beta1(), count);
        double bc2 = Math.sqrt(1 - Math.pow(settings.beta2(), count));
        // PyTorch's update p -= lr / bc1 * m / (sqrt(v) / bc2 + eps) written as
        // p -= (lr bc2 / bc1) * m / (sqrt(v) + eps bc2): the form of the engine's fused update.
        float stepSize = (float) (lr * bc2 / bc1);
        float epsHat = (float) (settings.eps() * bc2);
        for (int i = 0; i < parameters.size(); i++) {
            NDArray p = parameters.get(i);
            p.getNDArrayInternal().adamUpdate(new NDList(p, gradients.get(i), m.get(i), v.get(i)), new NDList(p),
                    (float) lr, stepSize, (float) settings.weightDecay(), (float) gradScale, -1f,
                    (float) settings.beta1(), (float) settings.beta2(), epsHat, false, settings.decoupled());
        }
    }

    /**
     * The number of updates applied.
     *
     * @return the step count k
     */
    public long count() {
        return count;
    }

    /**
     * The first moments (live arrays; copy before the next update if kept).
     *
     * @return m, one array per parameter
     */
    public NDList firstMoments() {
        return new NDList(m);
    }

    /**
     * The second moments (live arrays).
     *
     * @return v, one array per parameter
     */
    public NDList secondMoments() {
        return new NDList(v);
    }

    /**
     * Restores saved state.
     *
     * @param firstMoments m, in parameter order
     * @param secondMoments v, in parameter order
     * @param steps the update count
     */
    public void load(NDList firstMoments, NDList secondMoments, long steps) {
        Checkpoints.copyInto(firstMoments, m, "optimizer first moments");
        Checkpoints.copyInto(secondMoments, v, "optimizer second moments");
        this.count = steps;
    }
}
