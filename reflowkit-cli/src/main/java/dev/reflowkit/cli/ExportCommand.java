package dev.reflowkit.cli;

import ai.djl.ndarray.NDManager;
import ai.djl.nn.Block;
import dev.reflowkit.engine.Engines;
import dev.reflowkit.io.AtomicFiles;
import dev.reflowkit.io.Checksums;
import dev.reflowkit.model.TorchScriptExport;
import dev.reflowkit.model.TorchScriptVelocityNet;
import dev.reflowkit.pipeline.TrainedModel;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code reflow export}: a ReflowKit model as a TorchScript module PyTorch loads. */
@Command(name = "export", mixinStandardHelpOptions = true, versionProvider = VersionProvider.class,
        header = "Export a model as a TorchScript module for PyTorch (torch.jit.load).",
        description = {
            "Writes FILE.pt, a TorchScript module with the model's weights (EMA by default). ReflowKit's MLP and"
                + " U-Net networks become module(x, t) -> v in ReflowKit's convention (t = 0 data, t = 1 noise;"
                + " sample by integrating dx/dt = v from t = 1 to t = 0), with module(x, t, y) for a class-conditional"
                + " model (y int64 labels; omitted = the null class of classifier-free guidance). x is (N, C, H, W)"
                + " for images, (N, D) for points; t is (N) float32.",
            "An imported model (reflow import), reflowed or not, is written as its own module with the current"
                + " weights, in its original convention and signature. docs/INTEROP.md has a sampling loop in Python."
        })
final class ExportCommand implements Callable<Integer> {

    @Option(names = {"-m", "--model"}, paramLabel = "CKPT", required = true, description = "Checkpoint (model.ckpt).")
    Path model;

    @Option(names = "--format", defaultValue = "torchscript", description = "torchscript (the only format).")
    String format;

    @Option(names = "--weights", defaultValue = "ema", description = "ema (default) or raw weights.")
    String weights;

    @Option(names = {"-o", "--out"}, paramLabel = "FILE.pt", required = true, description = "The module file.")
    Path out;

    /** {@inheritDoc} */
    @Override
    public Integer call() throws Exception {
        if (!format.equals("torchscript")) {
            throw new IllegalArgumentException("unknown --format '" + format + "'; valid: torchscript");
        }
        if (!weights.equals("ema") && !weights.equals("raw")) {
            throw new IllegalArgumentException("--weights must be ema or raw, got '" + weights + "'");
        }
        try (NDManager manager = Engines.newManager()) {
            Block net = TrainedModel.network(model, weights.equals("ema"), manager);
            byte[] module = TorchScriptExport.export(net);
            AtomicFiles.writeBytes(out, module);
            System.out.println("exported " + model + " (" + weights + " weights, "
                    + (net instanceof TorchScriptVelocityNet ts ? "imported module, convention "
                            + ts.imported().convention().configName() + ", inputs " + ts.imported().inputs()
                            : "module(x, t) -> v, ReflowKit's convention") + ") -> " + out + " (SHA-256 "
                    + Checksums.sha256(module).substring(0, 12) + "...)");
            return 0;
        }
    }
}
