package dev.reflowkit.engine;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.pytorch.engine.PtNDArray;
import ai.djl.pytorch.engine.PtNDManager;
import ai.djl.pytorch.engine.PtSymbolBlock;
import ai.djl.pytorch.jni.IValue;
import ai.djl.pytorch.jni.IValueUtils;
import ai.djl.pytorch.jni.JniUtils;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;

/**
 * Fused PyTorch kernels that DJL's JNI does not expose, reached through TorchScript modules that
 * ReflowKit writes and loads itself ({@link TorchScriptArchive}): libtorch compiles each from its
 * source once, and a call runs the native kernels and their fused backward.
 *
 * <p>{@link #groupNormSilu} is {@code silu(group_norm(x, G, w, b, eps))}: one GroupNorm and one
 * SiLU kernel forward (and their two backward kernels), where DJL's operations need a layer norm,
 * a per-channel multiply and add, a sigmoid and a multiply (measured in docs/PERFORMANCE.md). It
 * agrees with that composite to float32 rounding.
 *
 * <p>The multi-tensor kernels update a whole list of tensors (every parameter of a model) in one
 * call, with PyTorch's {@code _foreach_*} operations and its fused CPU Adam: {@link #zero},
 * {@link #globalNorm}, {@link #adam} and {@link #ema}. A training step then makes a handful of
 * native calls for its optimizer instead of several per parameter.
 *
 * <p>For sampling: {@link #upsampleNearest2x} (nearest upsampling without PyTorch 2.7.1's extra
 * copies), {@link #mlpSilu} (a whole MLP forward in one call), {@link #inferenceLayout}
 * (channels-last memory order for wide activations) and {@link #inferenceConcat} (a concatenation
 * made in that order).
 *
 * <p>Where the engine is not PyTorch, or a module cannot be loaded, the methods return null or
 * false and callers use DJL's operations (same results to float32 rounding); set
 * {@code -Dreflowkit.fused=false} to force those.
 */
public final class FusedKernels {

    /**
     * The narrowest activation {@link #inferenceLayout} keeps channels-last (measured). In the
     * modules' source, {@code memory_format=2} is {@code torch.channels_last} (serialized
     * TorchScript spells the enum as its number).
     */
    static final int CHANNELS_LAST_MIN_CHANNELS = 32;

    /** The source of {@link #inferenceLayout}'s module (made once, not per call). */
    private static final String INFERENCE_LAYOUT = String.format(Locale.ROOT,
            "  def forward(self: __torch__.InferenceLayout, x: Tensor) -> Tensor:\n"
                    + "    if x.dim() != 4:\n"
                    + "      return x\n"
                    + "    if x.size(1) >= %d:\n"
                    + "      return x.contiguous(memory_format=2)\n"
                    + "    return x.contiguous()\n", CHANNELS_LAST_MIN_CHANNELS);

    /** The source of {@link #inferenceConcat}'s module. */
    private static final String INFERENCE_CONCAT = String.format(Locale.ROOT,
            "  def forward(self: __torch__.InferenceConcat, a: Tensor, b: Tensor) -> Tensor:\n"
                    + "    if a.size(1) + b.size(1) >= %d:\n"
                    + "      return torch.cat([a.contiguous(memory_format=2), b.contiguous(memory_format=2)], 1)\n"
                    + "    return torch.cat([a.contiguous(), b.contiguous()], 1)\n", CHANNELS_LAST_MIN_CHANNELS);

    private static final boolean ENABLED = !"false".equalsIgnoreCase(System.getProperty("reflowkit.fused"));
    private static final Map<String, PtSymbolBlock> MODULES = new ConcurrentHashMap<>();
    private static final ThreadLocal<Boolean> COMPOSITE = ThreadLocal.withInitial(() -> false);
    private static volatile PtNDManager owner;
    private static volatile boolean broken;

    private FusedKernels() {}

    /**
     * Whether fused kernels are in use (PyTorch engine, not disabled, loaded without error so far).
     *
     * @return true if calls take the fused path
     */
    public static boolean enabled() {
        return ENABLED && !broken && !COMPOSITE.get() && "PyTorch".equals(Engines.engine().getEngineName());
    }

    /**
     * Runs an action on this thread with DJL's operations instead of the fused kernels, as
     * {@code -Dreflowkit.fused=false} does for the whole JVM: to compare the two paths.
     *
     * @param action the action
     * @param <T> its result type
     * @return its result
     */
    public static <T> T withComposite(Supplier<T> action) {
        boolean before = COMPOSITE.get();
        COMPOSITE.set(true);
        try {
            return action.get();
        } finally {
            COMPOSITE.set(before);
        }
    }

    /**
     * {@code silu(group_norm(x, groups, weight, bias, eps))} with fused kernels. A channels-last
     * input of fewer than 32 channels is normalized in {@code NCHW} order (and so returned), where
     * PyTorch's kernel is several times faster (see {@link #inferenceLayout}).
     *
     * @param x the input, shape {@code (N, C, ...)}
     * @param groups the group count G, dividing C
     * @param weight the per-channel scale, shape {@code (C)}
     * @param bias the per-channel shift, shape {@code (C)}
     * @param eps the variance epsilon
     * @return the result, attached to the manager of {@code x}, or null if fused kernels are not
     *     available (use the composite)
     */
    public static NDArray groupNormSilu(NDArray x, int groups, NDArray weight, NDArray bias, float eps) {
        if (!enabled()) {
            return null;
        }
        String key = String.format(Locale.ROOT, "gn_silu/%d/%s", groups, Float.toString(eps));
        PtSymbolBlock module = MODULES.computeIfAbsent(key, k -> load("GroupNormSilu", String.format(Locale.ROOT,
                "  def forward(self: __torch__.GroupNormSilu,\n"
                        + "    x: Tensor,\n"
                        + "    weight: Tensor,\n"
                        + "    bias: Tensor) -> Tensor:\n"
                        + "    if x.size(1) < %d and not x.is_contiguous() and x.is_contiguous(memory_format=2):\n"
                        + "      x = x.contiguous()\n"
                        + "    y = torch.group_norm(x, %d, weight, bias, %s)\n"
                        + "    if torch.is_grad_enabled():\n"
                        + "      return torch.silu(y)\n"
                        + "    return torch.silu_(y)\n",
                CHANNELS_LAST_MIN_CHANNELS, groups, Double.toString(eps))));
        if (module == null) {
            return null;
        }
        return run(module, new NDList(x, weight, bias));
    }

    /**
     * Nearest-neighbour upsampling by 2 in both spatial axes, {@code y[n, c, i, j] = x[n, c, i / 2,
     * j / 2]}. Without a graph to record (sampling) it runs as two broadcast copies, each value
     * repeated along the width, then each row along the height: the same values as PyTorch's
     * {@code upsample_nearest2d}, which PyTorch 2.7.1 runs through copies of its input and output
     * (about twice the time, measured in docs/PERFORMANCE.md). With a graph it is
     * {@code upsample_nearest2d}, whose backward kernel is faster than the copies' reductions; so
     * it is for a channels-last input, whose order the copies would not keep.
     *
     * @param x shape {@code (N, C, H, W)}
     * @return shape {@code (N, C, 2H, 2W)}, attached to the manager of {@code x}, or null if fused
     *     kernels are not available
     */
    public static NDArray upsampleNearest2x(NDArray x) {
        return forward("Upsample2x",
                "  def forward(self: __torch__.Upsample2x, x: Tensor) -> Tensor:\n"
                        + "    if (torch.is_grad_enabled() and x.requires_grad) or (not x.is_contiguous()\n"
                        + "        and x.is_contiguous(memory_format=2)):\n"
                        + "      return torch.upsample_nearest2d(x, [2 * x.size(2), 2 * x.size(3)])\n"
                        + "    n, c, h, w = x.size(0), x.size(1), x.size(2), x.size(3)\n"
                        + "    y = x.unsqueeze(4).expand([n, c, h, w, 2]).reshape([n, c, h, 2 * w])\n"
                        + "    return y.unsqueeze(3).expand([n, c, h, 2, 2 * w]).reshape([n, c, 2 * h, 2 * w])\n", x);
    }

    /**
     * An activation {@code (N, C, H, W)} in the memory order in which sampling runs it fastest:
     * channels-last ({@code NHWC}) when {@code C >= 32}, the usual {@code NCHW} otherwise. The
     * values and shape are unchanged; only the strides differ, and where they already fit, the
     * result shares the argument's memory. PyTorch's operations keep the order of their inputs, so
     * arranging each activation where it is made is enough.
     *
     * <p>Why (PyTorch 2.7.1 on 2 AMD EPYC cores, docs/PERFORMANCE.md): oneDNN's 3x3 convolutions
     * with 32-64 input channels at batch 500 are 1.2-1.7x faster channels-last, but PyTorch's
     * channels-last GroupNorm is 1.3-2x slower at 8 channels per group and 4-6x slower below (4
     * groups of 16 channels); with 16 channels the convolutions gain too little to pay for it.
     * {@link #groupNormSilu} therefore normalizes a narrow channels-last input (made by a
     * convolution from a wide one) in {@code NCHW} order. Measured end to end: U-Net sampling
     * 1.08x as fast as all-{@code NCHW}, all-channels-last 1.00x. Training keeps {@code NCHW}:
     * channels-last training steps were 16% slower (measured).
     *
     * @param x a 4-D activation (other ranks are returned as a new handle, unchanged)
     * @return a new handle to the arranged activation (the argument stays open), or null if fused
     *     kernels are not available
     */
    public static NDArray inferenceLayout(NDArray x) {
        return forward("InferenceLayout", INFERENCE_LAYOUT, x);
    }

    /**
     * The concatenation of two activations along the channel axis, {@code cat([a, b], 1)}, made
     * directly in the memory order {@link #inferenceLayout} picks for its width: for 32 or more
     * channels both parts are arranged channels-last first (a no-op for a part that already is),
     * so that the concatenation writes channels-last itself. The values equal
     * {@code inferenceLayout(cat([a, b], 1))}; the way there is cheaper: PyTorch concatenates
     * parts of different orders (a U-Net's wide channels-last features and a narrow {@code NCHW}
     * skip) in {@code NCHW}, and converting 48 channels afterwards cost more than the
     * concatenation (U-Net sampling 1.06-1.08x as fast, docs/PERFORMANCE.md).
     *
     * @param a the first part, shape {@code (N, Ca, H, W)}
     * @param b the second part, shape {@code (N, Cb, H, W)}
     * @return shape {@code (N, Ca + Cb, H, W)}, attached to the manager of {@code a}, or null if
     *     fused kernels are not available
     */
    public static NDArray inferenceConcat(NDArray a, NDArray b) {
        return forward("InferenceConcat", INFERENCE_CONCAT, a, b);
    }

    /**
     * Whether an activation is stored channels-last (and not also plainly contiguous): for tests.
     *
     * @param x the array
     * @return true for a 4-D channels-last array
     */
    static boolean isChannelsLast(NDArray x) {
        try (IValue out = call("is_channels_last", IValue.from((PtNDArray) x))) {
            if (out == null) {
                throw new IllegalStateException("fused kernels are not available");
            }
            return out.toBoolean();
        }
    }

    /**
     * The forward pass of an MLP velocity network without a graph, in one call:
     * {@code h = [x, sin(t f), cos(t f)]}, then {@code h = silu(W_i h + b_i)} for every hidden
     * layer and {@code W_L h + b_L} for the last, with PyTorch's native SiLU applied in place.
     *
     * @param x the points, shape {@code (N, D)}
     * @param t the times, shape {@code (N)}
     * @param frequencies the time embedding's scaled frequencies, shape {@code (1, F)}
     * @param weights the layers' weights, shapes {@code (out, in)}
     * @param biases the layers' biases
     * @return the velocities, attached to the manager of {@code x}, or null if fused kernels are
     *     not available
     */
    public static NDArray mlpSilu(NDArray x, NDArray t, NDArray frequencies, List<NDArray> weights,
            List<NDArray> biases) {
        if (!enabled()) {
            return null;
        }
        try (IValue out = call("mlp_silu", IValue.from((PtNDArray) x), IValue.from((PtNDArray) t),
                IValue.from((PtNDArray) frequencies), list(weights), list(biases))) {
            if (out == null) {
                return null;
            }
            // Methods run in DJL's inference mode: copy the (N, D) result into an ordinary tensor,
            // which callers may update in place.
            try (NDArray inference = out.toTensor((PtNDManager) x.getManager())) {
                return inference.duplicate();
            }
        }
    }

    /**
     * Sets every tensor of a list to zero in place ({@code torch._foreach_zero_}).
     *
     * @param xs the tensors
     * @return false if fused kernels are not available (nothing was done)
     */
    public static boolean zero(List<NDArray> xs) {
        return enabled() && update("zero_", list(xs));
    }

    /**
     * The L2 norm of all elements of a list of tensors, {@code sqrt(sum_i ||x_i||^2)}, computed
     * over their concatenation (one reduction, not one per tensor).
     *
     * @param xs the tensors, not empty
     * @param manager the manager of the result
     * @return a scalar array, or null if fused kernels are not available
     */
    public static NDArray globalNorm(List<NDArray> xs, NDManager manager) {
        if (!enabled()) {
            return null;
        }
        try (IValue out = call("global_norm", list(xs))) {
            return out == null ? null : out.toTensor((PtNDManager) manager);
        }
    }

    /**
     * One Adam or AdamW update of every parameter in place, by PyTorch's fused CPU kernel
     * ({@code torch._fused_adam_} / {@code torch._fused_adamw_}): with {@code g} the gradient times
     * {@code gradScale}, {@code m = b1 m + (1 - b1) g}, {@code v = b2 v + (1 - b2) g^2},
     * {@code p -= lr / (1 - b1^k) * m / (sqrt(v) / sqrt(1 - b2^k) + eps)}; Adam adds
     * {@code wd * p} to {@code g}, AdamW multiplies {@code p} by {@code 1 - lr * wd} first. With a
     * {@code gradScale} other than 1 the kernel divides the gradients by {@code 1 / gradScale} in
     * place as it reads them (PyTorch's gradient unscaling, one pass): they are left scaled.
     *
     * @param params the parameters
     * @param grads their gradients
     * @param m the first moments
     * @param v the second moments
     * @param step the step number k, from 1
     * @param lr the learning rate
     * @param beta1 the first-moment decay
     * @param beta2 the second-moment decay
     * @param weightDecay the weight decay
     * @param eps the denominator epsilon
     * @param gradScale a factor on the gradients (global-norm clipping), 1 for none
     * @param decoupled true for AdamW
     * @return false if fused kernels are not available (nothing was done)
     */
    public static boolean adam(List<NDArray> params, List<NDArray> grads, List<NDArray> m, List<NDArray> v,
            long step, double lr, double beta1, double beta2, double weightDecay, double eps, double gradScale,
            boolean decoupled) {
        if (!enabled()) {
            return false;
        }
        IValue[] args = {list(params), list(grads), list(m), list(v), IValue.from((double) step), IValue.from(lr),
            IValue.from(beta1), IValue.from(beta2), IValue.from(weightDecay), IValue.from(eps),
            IValue.from(gradScale), IValue.from(decoupled)};
        return update("adam_", args);
    }

    /**
     * Moves an exponential moving average toward the parameters in place:
     * {@code e = beta * e + (1 - beta) * p} for every pair, computed as
     * {@code e += (1 - beta) * (p - e)} ({@code torch._foreach_lerp_}).
     *
     * @param averages the averages e
     * @param params the parameters p, same order and shapes
     * @param beta the decay factor
     * @return false if fused kernels are not available (nothing was done)
     */
    public static boolean ema(List<NDArray> averages, List<NDArray> params, double beta) {
        if (!enabled()) {
            return false;
        }
        return update("ema_", list(averages), list(params), IValue.from(beta));
    }

    /** The multi-tensor module's source: one method per operation, run by {@link #call}. */
    private static final String MULTI_TENSOR = ""
            + "  def zero_(self: __torch__.MultiTensor, xs: List[Tensor]) -> None:\n"
            + "    torch._foreach_zero_(xs)\n"
            + "  def global_norm(self: __torch__.MultiTensor, xs: List[Tensor]) -> Tensor:\n"
            + "    return torch.linalg_vector_norm(torch.cat([x.reshape([-1]) for x in xs]))\n"
            + "  def adam_(self: __torch__.MultiTensor, p: List[Tensor], g: List[Tensor], m: List[Tensor],\n"
            + "      v: List[Tensor], step: float, lr: float, beta1: float, beta2: float, weight_decay: float,\n"
            + "      eps: float, grad_scale: float, decoupled: bool) -> None:\n"
            + "    k = torch.tensor(step)\n"
            + "    steps = [k for _ in p]\n"
            + "    inverse_scale: Optional[Tensor] = None\n"
            + "    if grad_scale != 1.0:\n"
            + "      inverse_scale = torch.tensor(1.0 / grad_scale)\n"
            + "    if decoupled:\n"
            + "      torch._fused_adamw_(p, g, m, v, [], steps, lr=lr, beta1=beta1, beta2=beta2,\n"
            + "          weight_decay=weight_decay, eps=eps, amsgrad=False, maximize=False, grad_scale=inverse_scale)\n"
            + "    else:\n"
            + "      torch._fused_adam_(p, g, m, v, [], steps, lr=lr, beta1=beta1, beta2=beta2,\n"
            + "          weight_decay=weight_decay, eps=eps, amsgrad=False, maximize=False, grad_scale=inverse_scale)\n"
            + "  def mlp_silu(self: __torch__.MultiTensor, x: Tensor, t: Tensor, frequencies: Tensor,\n"
            + "      weights: List[Tensor], biases: List[Tensor]) -> Tensor:\n"
            + "    args = torch.matmul(t.reshape([-1, 1]), frequencies)\n"
            + "    h = torch.cat([x, torch.sin(args), torch.cos(args)], 1)\n"
            + "    last = len(weights) - 1\n"
            + "    for i in range(last):\n"
            + "      h = torch.silu_(torch.linear(h, weights[i], biases[i]))\n"
            + "    return torch.linear(h, weights[last], biases[last])\n"
            + "  def ema_(self: __torch__.MultiTensor, e: List[Tensor], p: List[Tensor], beta: float) -> None:\n"
            + "    torch._foreach_lerp_(e, p, 1.0 - beta)\n"
            + "  def is_channels_last(self: __torch__.MultiTensor, x: Tensor) -> bool:\n"
            + "    return x.dim() == 4 and x.is_contiguous(memory_format=2) and not x.is_contiguous()\n";

    /** Runs an in-place method of the multi-tensor module; false if it is not available. */
    private static boolean update(String method, IValue... args) {
        try (IValue none = call(method, args)) {
            return none != null;
        }
    }

    /**
     * Runs a method of the multi-tensor module and closes the arguments. DJL runs methods in
     * PyTorch's inference mode: in-place updates of ordinary tensors are allowed there, but tensors
     * a method returns are inference tensors, which refuse later in-place updates.
     *
     * @return the result (close it), or null if fused kernels are not available
     */
    private static IValue call(String method, IValue... args) {
        try {
            if (!enabled()) {
                return null;
            }
            PtSymbolBlock module = MODULES.computeIfAbsent("multi_tensor", k -> load("MultiTensor", MULTI_TENSOR));
            if (module == null) {
                return null;
            }
            return IValueUtils.runMethod(module, method, args);
        } finally {
            for (IValue a : args) {
                a.close();
            }
        }
    }

    private static IValue list(List<NDArray> xs) {
        PtNDArray[] handles = new PtNDArray[xs.size()];
        for (int i = 0; i < handles.length; i++) {
            handles[i] = (PtNDArray) xs.get(i);
        }
        return IValue.listFrom(handles);
    }

    /**
     * Runs the {@code forward} of the module a class name stands for, loading it from its source
     * on first use (one module per class name; the source must not vary between calls).
     *
     * @return the result, attached to the manager of the first input, or null if fused kernels
     *     are not available
     */
    private static NDArray forward(String className, String source, NDArray... inputs) {
        if (!enabled()) {
            return null;
        }
        PtSymbolBlock module = MODULES.computeIfAbsent(className, k -> load(className, source));
        return module == null ? null : run(module, new NDList(inputs));
    }

    /**
     * Runs a module's {@code forward}. Always in training mode as far as DJL is concerned: in
     * inference mode DJL would return inference tensors, which later in-place operations refuse;
     * whether a graph is recorded follows the thread's grad mode, as for every other operation.
     */
    private static NDArray run(PtSymbolBlock module, NDList inputs) {
        NDArray out = IValueUtils.forward(module, inputs, true).singletonOrThrow();
        out.attach(inputs.head().getManager());
        return out;
    }

    private static PtSymbolBlock load(String className, String methods) {
        try {
            if (owner == null) {
                synchronized (FusedKernels.class) {
                    if (owner == null) {
                        owner = (PtNDManager) Engines.engine().newBaseManager(); // lives as long as the JVM
                    }
                }
            }
            byte[] archive = TorchScriptArchive.module(className, methods);
            return JniUtils.loadModule(owner, new ByteArrayInputStream(archive), false, false);
        } catch (IOException | RuntimeException e) {
            broken = true; // the composite path takes over; the results are the same to rounding
            System.err.println("reflowkit: fused kernels unavailable, using DJL operations (" + e.getMessage() + ")");
            return null;
        }
    }
}
