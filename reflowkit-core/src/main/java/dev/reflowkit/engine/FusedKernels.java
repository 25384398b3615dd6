package dev.reflowkit.engine;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.pytorch.engine.PtNDManager;
import ai.djl.pytorch.engine.PtSymbolBlock;
import ai.djl.pytorch.jni.IValueUtils;
import ai.djl.pytorch.jni.JniUtils;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Fused PyTorch kernels that DJL's JNI does not expose, reached through TorchScript modules that
 * ReflowKit writes and loads itself ({@link TorchScriptArchive}): libtorch compiles each from its
 * source once, and a call runs the native kernels and their fused backward.
 *
 * <p>{@link #groupNormSilu} is {@code silu(group_norm(x, G, w, b, eps))}: one GroupNorm and one
 * SiLU kernel forward (and their two backward kernels), where DJL's operations need a layer norm,
 * a per-channel multiply and add, a sigmoid and a multiply (measured in docs/PERFORMANCE.md). It
 * agrees with that composite to float32 rounding. Where the engine is not PyTorch, or the module
 * cannot be loaded, it returns null and callers use the composite; set
 * {@code -Dreflowkit.fused=false} to force the composite.
 */
public final class FusedKernels {

    private static final boolean ENABLED = !"false".equalsIgnoreCase(System.getProperty("reflowkit.fused"));
    private static final Map<String, PtSymbolBlock> MODULES = new ConcurrentHashMap<>();
    private static volatile PtNDManager owner;
    private static volatile boolean broken;

    private FusedKernels() {}

    /**
     * Whether fused kernels are in use (PyTorch engine, not disabled, loaded without error so far).
     *
     * @return true if calls take the fused path
     */
    public static boolean enabled() {
        return ENABLED && !broken && "PyTorch".equals(Engines.engine().getEngineName());
    }

    /**
     * {@code silu(group_norm(x, groups, weight, bias, eps))} with fused kernels.
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
                        + "    return torch.silu(torch.group_norm(x, %d, weight, bias, %s))\n",
                groups, Double.toString(eps))));
        if (module == null) {
            return null;
        }
        return run(module, new NDList(x, weight, bias));
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
