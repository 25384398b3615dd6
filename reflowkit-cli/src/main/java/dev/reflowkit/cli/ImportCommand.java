package dev.reflowkit.cli;

import dev.reflowkit.config.ReflowConfig;
import dev.reflowkit.model.ImportedModule;
import dev.reflowkit.pipeline.ModelImport;
import dev.reflowkit.pipeline.RunData;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/** {@code reflow import}: a PyTorch (TorchScript) velocity model becomes a ReflowKit checkpoint. */
@Command(name = "import", mixinStandardHelpOptions = true, versionProvider = VersionProvider.class,
        header = "Import a PyTorch model (TorchScript) as a ReflowKit teacher checkpoint.",
        description = {
            "Writes DIR/model.ckpt: a ReflowKit checkpoint holding the TorchScript module, its descriptor"
                + " (convention, inputs, time scale, sample shape, classes, SHA-256) and its weights, so that sample,"
                + " eval, pairs, tune-grid, train (reflow.teacher) and pipeline (pipeline.teacher) take it like any"
                + " ReflowKit model, and ReFlow fine-tunes the module itself. Script the model in PyTorch first:"
                + " torch.jit.script(model).save('model.pt').",
            "Conventions: rf (ReflowKit's: t = 0 data, t = 1 noise, the model predicts x1 - x0); fm"
                + " (facebookresearch/flow_matching, torchcfm: t = 0 noise, t = 1 data; v = -u(x, 1 - t)); edm (an EDM"
                + " denoiser D(x; sigma[, labels]) with its preconditioning inside: sigma = t/(1 - t), v = (x_t -"
                + " D(x_t/(1 - t); sigma))/t, sigma clamped to [0.002, 80]). docs/INTEROP.md has the formulas and a"
                + " walk-through.",
            "One trial call on two samples of the declared shape checks the module before anything is written.",
            "SECURITY: loading TorchScript runs the module's code. Import only modules you trust. The module's"
                + " SHA-256 is recorded here and checked at every later load."
        })
final class ImportCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Option(names = "--torchscript", paramLabel = "FILE.pt", required = true,
            description = "The TorchScript module (torch.jit.save of a scripted or traced model).")
    Path torchscript;

    @Option(names = "--convention", paramLabel = "rf|fm|edm", required = true,
            description = "What the module computes: rf, fm or edm (see above).")
    String convention;

    @Option(names = "--inputs", paramLabel = "ORDER", defaultValue = "x,t",
            description = "The order of the module's inputs: x,t (default; flow_matching, EDM) or t,x (torchcfm);"
                + " class-conditional modules take labels last (x,t,y), added automatically with --classes.")
    String inputs;

    @Option(names = "--time-scale", paramLabel = "S", defaultValue = "1",
            description = "Factor applied to the time (or EDM's sigma) the module receives, e.g. 999 for a model"
                + " trained on integer steps (default 1).")
    double timeScale;

    @Option(names = "--sample-shape", paramLabel = "C,H,W|D", split = ",",
            description = "The shape of one sample, e.g. 1,28,28 or 2 (default: the shape of --data).")
    List<Long> sampleShape;

    @Option(names = "--classes", paramLabel = "K", defaultValue = "0",
            description = "Class-conditional module with K classes (default 0: unconditional).")
    int classes;

    @Option(names = "--labels", paramLabel = "int|onehot", defaultValue = "int",
            description = "How the module takes class labels: int (shape N, int64; the null class of classifier-free"
                + " guidance is K) or onehot (shape N x K, float32; the null class is all zeros).")
    String labels;

    @Option(names = "--data", paramLabel = "SPEC",
            description = "The data the model was trained on, as data.source (e.g. mnist, folder:DIR): used by eval"
                + " and forward pairs.")
    String data;

    @Option(names = {"-o", "--out"}, paramLabel = "DIR", required = true, description = "Output directory.")
    Path out;

    /** {@inheritDoc} */
    @Override
    public Integer call() throws Exception {
        if (!Files.isRegularFile(torchscript)) {
            throw new NoSuchFileException(torchscript.toString(), null, "no such TorchScript file");
        }
        long[] shape;
        if (sampleShape != null) {
            shape = sampleShape.stream().mapToLong(Long::longValue).toArray();
        } else if (data != null) {
            shape = RunData.load(ReflowConfig.schema().defaults().with("data.source",
                    ReflowConfig.schema().option("data.source").parse(data))).sampleShape();
        } else {
            throw new IllegalArgumentException("give the sample shape: --sample-shape C,H,W (or D), or --data SPEC");
        }
        String order = classes > 0 && !inputs.endsWith(",y") ? inputs + ",y" : inputs;
        ImportedModule module = ImportedModule.of(Files.readAllBytes(torchscript),
                ImportedModule.Convention.byName(convention), order, timeScale, labels, shape, classes);
        Path ckpt = ModelImport.run(module, data, out, spec.commandLine().getParseResult().originalArgs());
        System.out.println("imported " + torchscript + " (" + module.convention().configName() + ", inputs " + order
                + ", SHA-256 " + module.sha256().substring(0, 12) + "...) -> " + ckpt);
        return 0;
    }
}
