package dev.reflowkit.pipeline;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import ai.djl.training.ParameterStore;
import ai.djl.util.Pair;
import dev.reflowkit.config.Config;
import dev.reflowkit.config.ReflowConfig;
import dev.reflowkit.engine.Engines;
import dev.reflowkit.io.AtomicFiles;
import dev.reflowkit.model.ImportedModule;
import dev.reflowkit.model.TorchScriptVelocityNet;
import dev.reflowkit.sampling.SeededNoise;
import dev.reflowkit.train.Checkpoint;
import dev.reflowkit.train.CheckpointDirectory;
import dev.reflowkit.train.Checkpoints;
import dev.reflowkit.train.FlowTrainer;
import dev.reflowkit.train.TrainingState;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Imports a PyTorch velocity model: a TorchScript module becomes a ReflowKit checkpoint ({@code
 * DIR/model.ckpt}) that holds the module, its descriptor ({@link ImportedModule}) and its weights
 * (raw and EMA alike), with a configuration of {@code model.type torchscript}, so every command
 * that takes a model or a teacher accepts it.
 *
 * <p>Before anything is written, one trial call on two samples of the declared shape (at t = 0.3
 * and 0.7, with labels when the module has classes) checks that the module loads, takes the
 * declared inputs, returns a velocity of the samples' shape, and that it is finite. Loading
 * TorchScript runs the module's code: import only modules you trust.
 */
public final class ModelImport {

    private ModelImport() {}

    /**
     * Imports a module.
     *
     * @param module the module with its descriptor
     * @param dataSource the data the model was trained on ({@code data.source}), or null
     * @param dir the output directory (must not hold a run yet)
     * @param args the command line, for the run record
     * @return the checkpoint written
     * @throws IOException if the directory cannot be written
     * @throws IllegalArgumentException if the module cannot be loaded or called as declared
     *     (nothing is written then)
     */
    public static Path run(ImportedModule module, String dataSource, Path dir, List<String> args) throws IOException {
        new CheckpointDirectory(dir).requireFresh();
        Config config = config(module, dataSource);
        try (NDManager manager = Engines.newManager()) {
            TorchScriptVelocityNet net = new TorchScriptVelocityNet(module, manager);
            trialCall(net, module, manager);
            List<String> names = new ArrayList<>();
            NDList weights = new NDList();
            NDList zeros = new NDList();
            for (Pair<String, Parameter> p : net.getParameters()) {
                names.add(p.getKey());
                weights.add(p.getValue().getArray().duplicate());
                zeros.add(p.getValue().getArray().zerosLike());
            }
            // raw and EMA weights alike; Adam's moments start at zero (an import has no optimizer state)
            Checkpoint c = new Checkpoint(new TrainingState(0, 0, new double[0], 0, 0, 0), config.toNestedMap(),
                    module.sampleShape(), names, weights, weights, zeros, zeros, module.torchscript(),
                    module.descriptor());
            AtomicFiles.createDirectories(dir);
            Path file = dir.resolve(FlowTrainer.FINAL_CHECKPOINT);
            Checkpoints.write(file, c);
            Map<String, Object> extra = new LinkedHashMap<>();
            extra.put("module", module.descriptor());
            extra.put("parameters", names.size());
            RunRecord.write(dir, "import", args, config, extra);
            return file;
        }
    }

    /**
     * The configuration of an imported model: the defaults with {@code model.type torchscript},
     * the module's classes, and the data it names (images: their resolution and channels from the
     * sample shape).
     */
    private static Config config(ImportedModule module, String dataSource) {
        Config c = ReflowConfig.schema().defaults()
                .with("model.type", Components.TORCHSCRIPT)
                .with("model.classes", module.classes());
        long[] s = module.sampleShape();
        if (s.length == 3) {
            if (s[1] != s[2]) {
                throw new IllegalArgumentException("image samples must be square (data.resolution), got "
                        + Arrays.toString(s));
            }
            c = c.with("data.channels", (int) s[0]).with("data.resolution", (int) s[1]);
        }
        if (dataSource != null) {
            c = c.with("data.source", c.schema().option("data.source").parse(dataSource));
        }
        return c;
    }

    /** One call on two seeded samples of the declared shape; the message names what is wrong. */
    private static void trialCall(TorchScriptVelocityNet net, ImportedModule module, NDManager manager) {
        long[] shape = new Shape(2).addAll(new Shape(module.sampleShape())).getShape();
        int per = (int) new Shape(module.sampleShape()).size();
        try (NDManager sub = manager.newSubManager()) {
            NDArray x = sub.create(SeededNoise.normal(0, 0, 2, per), new Shape(shape));
            NDArray t = sub.create(new float[] {0.3f, 0.7f});
            NDList in = module.classes() > 0
                    ? new NDList(x, t, sub.create(new int[] {0, Math.min(1, module.classes() - 1)}))
                    : new NDList(x, t);
            NDArray v;
            try {
                v = Engines.withoutGradients(() -> net.forward(new ParameterStore(sub, false), in, false)
                        .singletonOrThrow());
            } catch (RuntimeException e) {
                String m = String.valueOf(e.getMessage());
                throw new IllegalArgumentException("the module does not take inputs (" + module.inputs() + ") of shape "
                        + Arrays.toString(shape) + (module.classes() > 0 ? " with " + module.labels() + " labels" : "")
                        + ": " + (m.indexOf('\n') < 0 ? m : m.substring(0, m.indexOf('\n'))));
            }
            if (!v.getShape().equals(x.getShape())) {
                throw new IllegalArgumentException("the module returns shape " + v.getShape() + " for samples of shape "
                        + x.getShape() + "; a velocity (or EDM denoised sample) has the samples' shape");
            }
            for (float f : v.toType(DataType.FLOAT32, false).toFloatArray()) {
                if (!Float.isFinite(f)) {
                    throw new IllegalArgumentException("the module's output is not finite (" + f + ") on a trial call"
                            + " at t = 0.3 and 0.7");
                }
            }
        }
    }
}
