package dev.reflowkit.data;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import javax.imageio.ImageIO;

/** Writes tiny IDX, .npy and PNG files for the image reader tests. */
final class TestImages {

    private TestImages() {}

    /** IDX image bytes: magic 0x803, (n, h, w), then {@code pixel(i, y, x)}. */
    static byte[] idxImages(int n, int h, int w) {
        ByteBuffer b = ByteBuffer.allocate(16 + n * h * w).order(ByteOrder.BIG_ENDIAN);
        b.putInt(0x803).putInt(n).putInt(h).putInt(w);
        for (int i = 0; i < n; i++) {
            for (int y = 0; y < h; y++) {
                for (int x = 0; x < w; x++) {
                    b.put((byte) pixel(i, y, x));
                }
            }
        }
        return b.array();
    }

    /** The 8-bit value of pixel (y, x) of test image i. */
    static int pixel(int i, int y, int x) {
        return (i * 37 + y * 11 + x * 3) & 0xff;
    }

    /** IDX label bytes: magic 0x801, (n), then the labels. */
    static byte[] idxLabels(int... labels) {
        ByteBuffer b = ByteBuffer.allocate(8 + labels.length).order(ByteOrder.BIG_ENDIAN);
        b.putInt(0x801).putInt(labels.length);
        for (int l : labels) {
            b.put((byte) l);
        }
        return b.array();
    }

    /** A .npy file with the given dtype string, shape text (e.g. "(2, 3)") and raw little-endian data. */
    static Path npy(Path file, String descr, String shape, byte[] data) throws IOException {
        String dict = "{'descr': '" + descr + "', 'fortran_order': False, 'shape': " + shape + ", }";
        int pad = (64 - (10 + dict.length() + 1) % 64) % 64;
        byte[] text = (dict + " ".repeat(pad) + "\n").getBytes(StandardCharsets.ISO_8859_1);
        ByteBuffer b = ByteBuffer.allocate(10 + text.length + data.length).order(ByteOrder.LITTLE_ENDIAN);
        b.put(new byte[] {(byte) 0x93, 'N', 'U', 'M', 'P', 'Y', 1, 0}).putShort((short) text.length);
        b.put(text).put(data);
        Files.write(file, b.array());
        return file;
    }

    static byte[] f32(float... v) {
        ByteBuffer b = ByteBuffer.allocate(4 * v.length).order(ByteOrder.LITTLE_ENDIAN);
        for (float x : v) {
            b.putFloat(x);
        }
        return b.array();
    }

    static byte[] i64(long... v) {
        ByteBuffer b = ByteBuffer.allocate(8 * v.length).order(ByteOrder.LITTLE_ENDIAN);
        for (long x : v) {
            b.putLong(x);
        }
        return b.array();
    }

    /** Writes an 8-bit grayscale PNG whose pixel (y, x) is {@code value(y, x)}. */
    static Path grayPng(Path file, int w, int h, int seed) throws IOException {
        BufferedImage img = new BufferedImage(w, h, BufferedImage.TYPE_BYTE_GRAY);
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                img.getRaster().setSample(x, y, 0, pixel(seed, y, x));
            }
        }
        Files.createDirectories(file.getParent());
        ImageIO.write(img, "png", file.toFile());
        return file;
    }

    /** Writes an RGB PNG with R = pixel(seed, y, x), G = 255 - R, B = 40. */
    static Path rgbPng(Path file, int w, int h, int seed) throws IOException {
        BufferedImage img = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                int r = pixel(seed, y, x);
                img.setRGB(x, y, (r << 16) | ((255 - r) << 8) | 40);
            }
        }
        Files.createDirectories(file.getParent());
        ImageIO.write(img, "png", file.toFile());
        return file;
    }
}
