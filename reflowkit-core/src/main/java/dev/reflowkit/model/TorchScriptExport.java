package dev.reflowkit.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.DataType;
import ai.djl.nn.Block;
import ai.djl.pytorch.jni.JniUtils;
import dev.reflowkit.engine.Engines;
import dev.reflowkit.engine.TorchScriptArchive;
import java.io.ByteArrayOutputStream;
import java.util.Map;

/**
 * Writes a ReflowKit velocity network as a TorchScript module that PyTorch loads with {@code
 * torch.jit.load} (no ReflowKit needed), with the network's current weights:
 *
 * <pre>
 *   v = module(x, t)            unconditional: x of shape (N, ...), t of shape (N), float32
 *   v = module(x, t, y)         class-conditional: y of shape (N), int64; y omitted = the null class
 * </pre>
 *
 * in ReflowKit's convention: t = 0 is data, t = 1 is noise, and sampling integrates {@code dx/dt
 * = v} from t = 1 to t = 0 (docs/INTEROP.md has a sampling loop). MLP and U-Net networks are
 * written as TorchScript source with the same arithmetic as their DJL forward in inference;
 * imported networks ({@link TorchScriptVelocityNet}) are their own module with the current weights,
 * in the module's original convention and signature.
 */
public final class TorchScriptExport {

    private TorchScriptExport() {}

    /** TorchScript methods with the tensors they read. */
    record Source(String methods, Map<String, TorchScriptArchive.Tensor> tensors) {}

    /**
     * The module of a network.
     *
     * @param net an {@link MlpVelocityNet}, {@link UNetVelocityNet} or {@link TorchScriptVelocityNet}
     *     with the weights to export
     * @return the archive's bytes
     * @throws IllegalArgumentException for another block
     */
    public static byte[] export(Block net) {
        if (net instanceof TorchScriptVelocityNet imported) {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            JniUtils.writeModule(imported.module(), out, false);
            return out.toByteArray();
        }
        String className = "ReflowKitVelocity";
        Source source;
        if (net instanceof MlpVelocityNet mlp) {
            source = Engines.withoutGradients(() -> mlp.torchScript(className));
        } else if (net instanceof UNetVelocityNet unet) {
            source = Engines.withoutGradients(() -> unet.torchScript(className));
        } else {
            throw new IllegalArgumentException("cannot export " + net.getClass().getSimpleName()
                    + " to TorchScript; MLP, U-Net and imported networks can be");
        }
        return TorchScriptArchive.module(className, source.methods(), source.tensors());
    }

    /** A parameter tensor with the values of an array. */
    static TorchScriptArchive.Tensor parameter(NDArray a) {
        return new TorchScriptArchive.Tensor(a.getShape().getShape(),
                a.toType(DataType.FLOAT32, false).toFloatArray(), true);
    }

    /** A buffer (constant) tensor with the values of an array. */
    static TorchScriptArchive.Tensor buffer(NDArray a) {
        return new TorchScriptArchive.Tensor(a.getShape().getShape(),
                a.toType(DataType.FLOAT32, false).toFloatArray(), false);
    }

    /**
     * The forward method's signature line, with optional labels for a class-conditional network.
     *
     * @param className the class name
     * @param classes the class count, 0 for unconditional
     * @return the source line(s)
     */
    static String signature(String className, int classes) {
        return classes > 0
                ? "  def forward(self: __torch__." + className
                        + ", x: Tensor, t: Tensor, y: Optional[Tensor]=None) -> Tensor:\n"
                : "  def forward(self: __torch__." + className + ", x: Tensor, t: Tensor) -> Tensor:\n";
    }

    /**
     * Adds the class embedding of labels {@code y} (the null class {@code classes} when absent) to
     * {@code emb}: the row of {@code self.class_embedding}, as the one-hot product of the DJL forward.
     *
     * @param classes the class count
     * @return the source lines
     */
    static String classEmbedding(int classes) {
        return "    if y is None:\n"
                + "      labels = torch.full([x.size(0)], " + classes + ").long()\n"
                + "    else:\n"
                + "      labels = y.long()\n"
                + "    emb = emb + torch.embedding(self.class_embedding, labels)\n";
    }
}
