package dev.reflowkit.engine;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.regex.Pattern;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;

/**
 * A TorchScript module archive written from TorchScript source, without Python: what
 * {@code torch.jit.save} writes for a module with no parameters, reduced to the entries
 * {@code torch.jit.load} needs.
 *
 * <p>Entries, under one top folder: {@code code/__torch__.py} (the class's TorchScript source,
 * compiled by libtorch when the archive is loaded), {@code data.pkl} (the module object, pickle
 * protocol 2: an instance of {@code __torch__.NAME} whose state is {@code {"training": False}}),
 * {@code constants.pkl} (an empty tuple) and {@code version} (file format 3).
 */
final class TorchScriptArchive {

    private static final Pattern NAME = Pattern.compile("[A-Za-z][A-Za-z0-9_]*");

    private TorchScriptArchive() {}

    /**
     * The archive of a parameterless module.
     *
     * @param className the class name, e.g. {@code GroupNormSilu}
     * @param methods the class body's methods, TorchScript source indented by two spaces, with
     *     typed {@code self: __torch__.NAME} first parameters
     * @return the archive's bytes
     */
    static byte[] module(String className, String methods) {
        if (!NAME.matcher(className).matches()) {
            throw new IllegalArgumentException("not a class name: " + className);
        }
        String code = "class " + className + "(Module):\n"
                + "  __parameters__ = []\n"
                + "  __buffers__ = []\n"
                + "  training : bool\n"
                + methods;
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (ZipOutputStream zip = new ZipOutputStream(bytes)) {
            String root = className.toLowerCase(Locale.ROOT) + "/";
            put(zip, root + "data.pkl", dataPickle(className));
            put(zip, root + "code/__torch__.py", code.getBytes(StandardCharsets.UTF_8));
            put(zip, root + "constants.pkl", new byte[] {(byte) 0x80, 2, ')', '.'});
            put(zip, root + "version", "3\n".getBytes(StandardCharsets.US_ASCII));
        } catch (IOException e) {
            throw new UncheckedIOException(e); // in memory
        }
        return bytes.toByteArray();
    }

    /** {@code __torch__.NAME} with state {@code {"training": False}}, as pickle protocol 2. */
    private static byte[] dataPickle(String className) {
        ByteArrayOutputStream p = new ByteArrayOutputStream();
        p.write(0x80); // PROTO 2
        p.write(2);
        p.writeBytes(("c__torch__\n" + className + "\n").getBytes(StandardCharsets.US_ASCII)); // GLOBAL
        p.write(')'); // EMPTY_TUPLE
        p.write(0x81); // NEWOBJ
        p.write('}'); // EMPTY_DICT
        p.write('('); // MARK
        byte[] key = "training".getBytes(StandardCharsets.US_ASCII);
        p.write('X'); // BINUNICODE, 4-byte little-endian length
        p.write(key.length);
        p.write(0);
        p.write(0);
        p.write(0);
        p.writeBytes(key);
        p.write(0x89); // NEWFALSE
        p.write('u'); // SETITEMS
        p.write('b'); // BUILD
        p.write('.'); // STOP
        return p.toByteArray();
    }

    private static void put(ZipOutputStream zip, String name, byte[] content) throws IOException {
        ZipEntry e = new ZipEntry(name);
        e.setTime(315532800000L); // 1980-01-01, so the bytes do not depend on the clock
        zip.putNextEntry(e);
        zip.write(content);
        zip.closeEntry();
    }
}
