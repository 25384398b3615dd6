package dev.reflowkit.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.AbstractBlock;
import ai.djl.pytorch.engine.PtSymbolBlock;
import ai.djl.pytorch.jni.JniUtils;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;
import dev.reflowkit.path.LinearPath;

/**
 * An imported TorchScript module as a ReflowKit velocity network: inputs {@code (x, t)} or {@code
 * (x, t, labels)} in our convention (t = 0 data, t = 1 noise), output our velocity {@code v(x, t)},
 * whatever the module's own convention, input order and time scale ({@link ImportedModule}). Its
 * parameters are the module's, trainable, so ReFlow fine-tunes the module itself; the convention's
 * arithmetic uses tensor operands only, so it is safe on the gradient path.
 *
 * <p>The module runs without TorchScript's graph optimizations, so its results do not depend on
 * how often it ran before (resumed training equals uninterrupted training to the bit).
 *
 * <p>An EDM denoiser is defined for {@code sigma} in EDM's range {@code [0.002, 80]}: times outside
 * {@code [0.002/1.002, 80/81]} are clamped to it (at t = 1 sigma would be infinite, at t = 0 the
 * division by t undefined), so the velocity there is the nearest valid one.
 *
 * <p>Labels follow ReflowKit's class-conditional networks: integers in {@code [0, classes]}, the
 * last one being the null class of classifier-free guidance; for {@code onehot} modules the null
 * class is the zero vector.
 */
public final class TorchScriptVelocityNet extends AbstractBlock {

    private static final byte VERSION = 1;

    /** The time of EDM's smallest noise level, sigma = 0.002: {@code 0.002 / 1.002}. */
    static final double EDM_T_MIN = 0.002 / 1.002;

    /** The time of EDM's largest noise level, sigma = 80: {@code 80 / 81}. */
    static final double EDM_T_MAX = 80.0 / 81.0;

    private final ImportedModule imported;
    private final PtSymbolBlock module;

    /**
     * Wraps a loaded module.
     *
     * @param imported the module and how to call it
     * @param manager the manager that will own the module's parameters
     */
    public TorchScriptVelocityNet(ImportedModule imported, NDManager manager) {
        super(VERSION);
        this.imported = imported;
        this.module = addChildBlock("module", imported.load(manager));
    }

    /**
     * The imported module's description.
     *
     * @return the module
     */
    public ImportedModule imported() {
        return imported;
    }

    /**
     * The loaded module (for export).
     *
     * @return the module block
     */
    public PtSymbolBlock module() {
        return module;
    }

    /**
     * The number of classes of a conditional module; the null class has index {@code classes()}.
     *
     * @return 0 for an unconditional module
     */
    public int classes() {
        return imported.classes();
    }

    /** {@inheritDoc} */
    @Override
    protected NDList forwardInternal(
            ParameterStore ps, NDList inputs, boolean training, PairList<String, Object> params) {
        NDArray x = inputs.get(0);
        NDArray t = inputs.get(1);
        NDManager m = x.getManager();
        NDArray scale = m.full(new Shape(), (float) imported.timeScale()); // engine memory, not a Java buffer
        NDArray one = t.onesLike();
        NDArray labels = inputs.size() > 2 ? labels(inputs.get(2)) : null;
        if (labels == null && imported.classes() > 0) {
            labels = labels(m.full(new Shape(x.getShape().get(0)), imported.classes(), DataType.INT64));
        }
        switch (imported.convention()) {
            case FM:
                return new NDList(call(ps, x, one.sub(t).mul(scale), labels, training).neg());
            case EDM: {
                NDArray tc = t.clip(EDM_T_MIN, EDM_T_MAX); // EDM's sigma range [0.002, 80]
                NDArray keep = one.sub(tc); // 1 - t
                NDArray sigma = tc.div(keep);
                NDArray xs = x.div(LinearPath.broadcastTime(keep, x));
                NDArray denoised = call(ps, xs, sigma.mul(scale), labels, training);
                return new NDList(x.sub(denoised).div(LinearPath.broadcastTime(tc, x)));
            }
            default:
                return new NDList(call(ps, x, t.mul(scale), labels, training));
        }
    }

    private NDArray call(ParameterStore ps, NDArray x, NDArray time, NDArray labels, boolean training) {
        NDList in = imported.inputs().startsWith("t,") ? new NDList(time, x) : new NDList(x, time);
        if (labels != null) {
            in.add(labels);
        }
        // TorchScript's profiling executor re-optimizes a graph after its first runs, which changes
        // the rounding: a resumed run would then differ from an uninterrupted one. Run it as written.
        JniUtils.setGraphExecutorOptimize(false);
        try {
            return module.forward(ps, in, training).singletonOrThrow(); // the module's own parameters
        } finally {
            JniUtils.setGraphExecutorOptimize(!"false".equals(System.getProperty("ai.djl.pytorch.graph_optimizer")));
        }
    }

    /** Labels as the module takes them: int64, or one-hot float32 with the null class all zeros. */
    private NDArray labels(NDArray given) {
        NDArray ints = given.toType(DataType.INT64, false);
        if (imported.labels().equals("int")) {
            return ints;
        }
        return ints.oneHot(imported.classes() + 1).toType(DataType.FLOAT32, false)
                .get(":, :" + imported.classes());
    }

    /** {@inheritDoc} */
    @Override
    public Shape[] getOutputShapes(Shape[] inputShapes) {
        return new Shape[] {inputShapes[0]};
    }

    /** {@inheritDoc} */
    @Override
    public void initialize(NDManager manager, DataType dataType, Shape... inputShapes) {
        // the module arrives with its parameters
    }

    /** {@inheritDoc} */
    @Override
    public boolean isInitialized() {
        return true;
    }
}
