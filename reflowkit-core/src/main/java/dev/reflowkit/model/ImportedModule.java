package dev.reflowkit.model;

import ai.djl.ndarray.NDManager;
import ai.djl.pytorch.engine.PtNDManager;
import ai.djl.pytorch.engine.PtSymbolBlock;
import ai.djl.pytorch.jni.JniUtils;
import dev.reflowkit.io.Checksums;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * A velocity model defined outside ReflowKit: a TorchScript module (e.g. scripted by PyTorch) and
 * how to call it. Checkpoints of imported models (and of ReFlow models fine-tuned from them)
 * carry it, so that every command that takes a model can rebuild the network.
 *
 * <p><b>Security:</b> loading TorchScript runs the module's code. Import only modules you trust;
 * the module's SHA-256 is recorded at import and checked at every load.
 *
 * @param torchscript the module archive, as {@code torch.jit.save} writes it
 * @param convention the time convention of the module's output ({@link Convention})
 * @param inputs the order of the module's inputs: {@code x,t} or {@code t,x}, with {@code ,y}
 *     appended for class labels
 * @param timeScale the factor applied to the time (or EDM's sigma) the module receives, e.g. 999
 * @param labels how class labels are passed: {@code int} (shape {@code (N)}, int64) or {@code
 *     onehot} (shape {@code (N, classes)}, float32); ignored without classes
 * @param sampleShape the shape of one sample
 * @param classes the class count, 0 for an unconditional module
 * @param sha256 the SHA-256 of {@code torchscript}
 */
public record ImportedModule(byte[] torchscript, Convention convention, String inputs, double timeScale,
        String labels, long[] sampleShape, int classes, String sha256) {

    /** The input orders {@link #inputs} accepts. */
    public static final List<String> INPUTS = List.of("x,t", "t,x", "x,t,y", "t,x,y");

    /**
     * The time convention of an imported module, each turned into our velocity {@code v(x, t)}
     * (t = 0 data, t = 1 noise; spec section 1). {@code s} is the time scale, {@code M} the module:
     *
     * <pre>
     *   rf  (ReflowKit, rfpp):               v = M(x, s t)
     *   fm  (flow_matching, torchcfm):       v = -M(x, s (1 - t))          t = 0 noise, t = 1 data
     *   edm (EDM denoiser D(x; sigma)):      sigma = t / (1 - t),  D = M(x / (1 - t), s sigma),
     *                                        v = (x - D) / t
     * </pre>
     */
    public enum Convention {
        /** Ours: t = 0 data, the module predicts {@code x1 - x0}. */
        RF,
        /** flow_matching / torchcfm: t = 0 noise, t = 1 data, the module predicts {@code x_data - x_noise}. */
        FM,
        /** EDM: the module is a denoiser {@code D(x_sigma; sigma) ~ E[x0 | x_sigma]}, preconditioning inside. */
        EDM;

        /**
         * The convention of a name.
         *
         * @param name {@code rf}, {@code fm} or {@code edm}
         * @return the convention
         * @throws IllegalArgumentException for another name
         */
        public static Convention byName(String name) {
            try {
                return valueOf(name.trim().toUpperCase(Locale.ROOT));
            } catch (RuntimeException e) {
                throw new IllegalArgumentException("unknown convention '" + name + "'; valid: rf, fm, edm");
            }
        }

        /**
         * The name as used on the command line.
         *
         * @return {@code rf}, {@code fm} or {@code edm}
         */
        public String configName() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    /** Checks and copies the fields. */
    public ImportedModule {
        if (torchscript == null || torchscript.length == 0) {
            throw new IllegalArgumentException("an imported module needs its TorchScript bytes");
        }
        if (convention == null) {
            throw new IllegalArgumentException("an imported module needs a convention (rf, fm or edm)");
        }
        if (!INPUTS.contains(inputs)) {
            throw new IllegalArgumentException("unknown input order '" + inputs + "'; valid: " + INPUTS);
        }
        if (inputs.endsWith(",y") != (classes > 0)) {
            throw new IllegalArgumentException(classes > 0
                    ? "a class-conditional module (" + classes + " classes) needs labels among its inputs: "
                            + inputs + ",y"
                    : "input order " + inputs + " passes labels, but the module has no classes");
        }
        if (!(timeScale > 0) || Double.isInfinite(timeScale)) {
            throw new IllegalArgumentException("the time scale must be finite and > 0, got " + timeScale);
        }
        if (!labels.equals("int") && !labels.equals("onehot")) {
            throw new IllegalArgumentException("labels must be int or onehot, got '" + labels + "'");
        }
        if (sampleShape == null || sampleShape.length == 0 || Arrays.stream(sampleShape).anyMatch(d -> d < 1)) {
            throw new IllegalArgumentException("invalid sample shape " + Arrays.toString(sampleShape));
        }
        torchscript = torchscript.clone();
        sampleShape = sampleShape.clone();
    }

    /**
     * An imported module, hashing its bytes.
     *
     * @param torchscript the archive
     * @param convention the convention
     * @param inputs the input order
     * @param timeScale the time scale
     * @param labels the label format
     * @param sampleShape the sample shape
     * @param classes the class count
     * @return the module
     */
    public static ImportedModule of(byte[] torchscript, Convention convention, String inputs, double timeScale,
            String labels, long[] sampleShape, int classes) {
        return new ImportedModule(torchscript, convention, inputs, timeScale, labels, sampleShape, classes,
                Checksums.sha256(torchscript));
    }

    @Override
    public byte[] torchscript() {
        return torchscript.clone();
    }

    @Override
    public long[] sampleShape() {
        return sampleShape.clone();
    }

    /**
     * The descriptor: every field but the bytes, for checkpoints and run records.
     *
     * @return a JSON-ready map
     */
    public Map<String, Object> descriptor() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("convention", convention.configName());
        m.put("inputs", inputs);
        m.put("time_scale", timeScale);
        m.put("labels", labels);
        m.put("sample_shape", sampleShape.clone());
        m.put("classes", classes);
        m.put("sha256", sha256);
        return m;
    }

    /**
     * Rebuilds a module from its bytes and descriptor, checking the bytes against the recorded
     * SHA-256.
     *
     * @param torchscript the archive
     * @param descriptor what {@link #descriptor()} wrote
     * @return the module
     * @throws IllegalArgumentException if the bytes do not match the hash or the descriptor is invalid
     */
    public static ImportedModule fromDescriptor(byte[] torchscript, Map<String, Object> descriptor) {
        String sha = Checksums.sha256(torchscript);
        if (!sha.equals(descriptor.get("sha256"))) {
            throw new IllegalArgumentException("the TorchScript module's SHA-256 " + sha.substring(0, 12)
                    + "... is not the one recorded at import (" + descriptor.get("sha256") + ")");
        }
        List<?> shape = (List<?>) descriptor.get("sample_shape");
        long[] s = new long[shape.size()];
        for (int i = 0; i < s.length; i++) {
            s[i] = ((Number) shape.get(i)).longValue();
        }
        return new ImportedModule(torchscript, Convention.byName((String) descriptor.get("convention")),
                (String) descriptor.get("inputs"), ((Number) descriptor.get("time_scale")).doubleValue(),
                (String) descriptor.get("labels"), s, ((Number) descriptor.get("classes")).intValue(), sha);
    }

    /**
     * Loads the module into the engine with trainable parameters.
     *
     * @param manager the manager that will own the module and its parameters
     * @return the module as a DJL block
     * @throws IllegalArgumentException if libtorch cannot load it (not TorchScript, or code it
     *     cannot compile)
     */
    public PtSymbolBlock load(NDManager manager) {
        Path tmp = null;
        try {
            tmp = Files.createTempFile("reflowkit-module-", ".pt");
            Files.write(tmp, torchscript);
            return JniUtils.loadModule((PtNDManager) manager, tmp, true, new String[0], new String[0], true);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (RuntimeException e) {
            throw new IllegalArgumentException("not a TorchScript module libtorch can load: " + firstLine(e));
        } finally {
            if (tmp != null) {
                try {
                    Files.deleteIfExists(tmp);
                } catch (IOException ignored) {
                    // a temporary file
                }
            }
        }
    }

    private static String firstLine(Throwable e) {
        String m = String.valueOf(e.getMessage());
        int nl = m.indexOf('\n');
        return nl < 0 ? m : m.substring(0, nl);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof ImportedModule m && m.sha256.equals(sha256) && m.convention == convention
                && m.inputs.equals(inputs) && m.timeScale == timeScale && m.labels.equals(labels)
                && Arrays.equals(m.sampleShape, sampleShape) && m.classes == classes;
    }

    @Override
    public int hashCode() {
        return sha256.hashCode();
    }

    @Override
    public String toString() {
        return "ImportedModule" + descriptor();
    }
}
