package dev.reflowkit.engine;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Pattern;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;

/**
 * A TorchScript module archive written from TorchScript source, without Python: what
 * {@code torch.jit.save} writes for a module of one class, reduced to the entries {@code
 * torch.jit.load} needs (libtorch 2.7 through DJL and PyTorch 1.13 load it).
 *
 * <p>Entries, under one top folder: {@code code/__torch__.py} (the class's TorchScript source,
 * compiled by libtorch when the archive is loaded), {@code data.pkl} (the module object, pickle
 * protocol 2: an instance of {@code __torch__.NAME} whose state holds {@code training = False}
 * and every tensor attribute), {@code data/K} (the float32 storage of tensor K, little-endian),
 * {@code constants.pkl} (an empty tuple) and {@code version} (file format 3). A tensor is pickled
 * as {@code torch._utils._rebuild_tensor_v2(storage, 0, size, stride, requires_grad, OrderedDict())}
 * with the storage a persistent id {@code ('storage', torch.FloatStorage, 'K', 'cpu', numel)}.
 */
public final class TorchScriptArchive {

    private static final Pattern NAME = Pattern.compile("[A-Za-z][A-Za-z0-9_]*");

    private TorchScriptArchive() {}

    /**
     * A float32 tensor attribute of a module.
     *
     * @param shape its shape (empty for a scalar)
     * @param values its values, row-major
     * @param parameter true for a parameter (requires grad), false for a buffer
     */
    public record Tensor(long[] shape, float[] values, boolean parameter) {

        /** Checks the size and copies the arrays. */
        public Tensor {
            long n = 1;
            for (long d : shape) {
                n *= d;
            }
            if (n != values.length) {
                throw new IllegalArgumentException("a tensor of shape " + java.util.Arrays.toString(shape) + " has "
                        + n + " values, got " + values.length);
            }
            shape = shape.clone();
            values = values.clone();
        }
    }

    /**
     * The archive of a parameterless module.
     *
     * @param className the class name, e.g. {@code GroupNormSilu}
     * @param methods the class body's methods, TorchScript source indented by two spaces, with
     *     typed {@code self: __torch__.NAME} first parameters
     * @return the archive's bytes
     */
    static byte[] module(String className, String methods) {
        return module(className, methods, Map.of());
    }

    /**
     * The archive of a module with tensor attributes (parameters and buffers).
     *
     * @param className the class name
     * @param methods the class body's methods, TorchScript source indented by two spaces, reading
     *     the tensors as {@code self.NAME}
     * @param tensors the tensor attributes by name, in declaration order
     * @return the archive's bytes
     */
    public static byte[] module(String className, String methods, Map<String, Tensor> tensors) {
        if (!NAME.matcher(className).matches()) {
            throw new IllegalArgumentException("not a class name: " + className);
        }
        StringBuilder params = new StringBuilder();
        StringBuilder buffers = new StringBuilder();
        StringBuilder types = new StringBuilder();
        for (Map.Entry<String, Tensor> e : tensors.entrySet()) {
            if (!NAME.matcher(e.getKey()).matches()) {
                throw new IllegalArgumentException("not an attribute name: " + e.getKey());
            }
            StringBuilder list = e.getValue().parameter() ? params : buffers;
            list.append(list.length() == 0 ? "" : ", ").append('"').append(e.getKey()).append('"');
            types.append("  ").append(e.getKey()).append(" : Tensor\n");
        }
        String code = "class " + className + "(Module):\n"
                + "  __parameters__ = [" + params + "]\n"
                + "  __buffers__ = [" + buffers + "]\n"
                + "  training : bool\n"
                + types
                + methods;
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (ZipOutputStream zip = new ZipOutputStream(bytes)) {
            String root = className.toLowerCase(Locale.ROOT) + "/";
            put(zip, root + "data.pkl", dataPickle(className, tensors));
            put(zip, root + "code/__torch__.py", code.getBytes(StandardCharsets.UTF_8));
            put(zip, root + "constants.pkl", new byte[] {(byte) 0x80, 2, ')', '.'});
            int key = 0;
            for (Tensor t : tensors.values()) {
                ByteBuffer b = ByteBuffer.allocate(4 * t.values().length).order(ByteOrder.LITTLE_ENDIAN);
                b.asFloatBuffer().put(t.values());
                put(zip, root + "data/" + key++, b.array());
            }
            put(zip, root + "version", "3\n".getBytes(StandardCharsets.US_ASCII));
        } catch (IOException e) {
            throw new UncheckedIOException(e); // in memory
        }
        return bytes.toByteArray();
    }

    /** {@code __torch__.NAME} with state {@code {"training": False, tensors...}}, as pickle protocol 2. */
    private static byte[] dataPickle(String className, Map<String, Tensor> tensors) {
        Pickle p = new Pickle();
        p.op(0x80).op(2); // PROTO 2
        p.global("__torch__", className);
        p.op(')'); // EMPTY_TUPLE
        p.op(0x81); // NEWOBJ
        p.op('}'); // EMPTY_DICT
        p.op('('); // MARK
        p.string("training");
        p.op(0x89); // NEWFALSE
        int key = 0;
        for (Map.Entry<String, Tensor> e : tensors.entrySet()) {
            p.string(e.getKey());
            Tensor t = e.getValue();
            p.global("torch._utils", "_rebuild_tensor_v2");
            p.op('('); // MARK: the arguments
            p.op('('); // MARK: the storage's persistent id
            p.string("storage");
            p.global("torch", "FloatStorage");
            p.string(Integer.toString(key++));
            p.string("cpu");
            p.integer(t.values().length);
            p.op('t'); // TUPLE
            p.op('Q'); // BINPERSID
            p.integer(0); // storage offset
            long[] stride = new long[t.shape().length];
            long s = 1;
            for (int i = stride.length - 1; i >= 0; i--) {
                stride[i] = s;
                s *= t.shape()[i];
            }
            p.longs(t.shape());
            p.longs(stride);
            p.op(t.parameter() ? 0x88 : 0x89); // requires_grad
            p.global("collections", "OrderedDict");
            p.op(')').op('R'); // OrderedDict()
            p.op('t'); // TUPLE of the arguments
            p.op('R'); // REDUCE
        }
        p.op('u'); // SETITEMS
        p.op('b'); // BUILD
        p.op('.'); // STOP
        return p.bytes();
    }

    private static void put(ZipOutputStream zip, String name, byte[] content) throws IOException {
        ZipEntry e = new ZipEntry(name);
        e.setTime(315532800000L); // 1980-01-01, so the bytes do not depend on the clock
        zip.putNextEntry(e);
        zip.write(content);
        zip.closeEntry();
    }

    /** The few pickle opcodes a module's state needs. */
    private static final class Pickle {
        private final ByteArrayOutputStream out = new ByteArrayOutputStream();

        Pickle op(int code) {
            out.write(code);
            return this;
        }

        void global(String module, String name) {
            out.write('c');
            out.writeBytes((module + "\n" + name + "\n").getBytes(StandardCharsets.US_ASCII));
        }

        void string(String s) {
            byte[] b = s.getBytes(StandardCharsets.UTF_8);
            out.write('X'); // BINUNICODE, 4-byte little-endian length
            int4(b.length);
            out.writeBytes(b);
        }

        void integer(long v) {
            if (v < Integer.MIN_VALUE || v > Integer.MAX_VALUE) {
                throw new IllegalArgumentException("integer out of range: " + v);
            }
            out.write('J'); // BININT, 4-byte signed little-endian
            int4((int) v);
        }

        void longs(long[] values) {
            out.write('(');
            for (long v : values) {
                integer(v);
            }
            out.write('t');
        }

        private void int4(int v) {
            out.write(v & 0xff);
            out.write((v >>> 8) & 0xff);
            out.write((v >>> 16) & 0xff);
            out.write((v >>> 24) & 0xff);
        }

        byte[] bytes() {
            return out.toByteArray();
        }
    }

    /**
     * An ordered map of tensors, for callers building a module.
     *
     * @return an empty insertion-ordered map
     */
    public static Map<String, Tensor> tensors() {
        return new LinkedHashMap<>();
    }
}
