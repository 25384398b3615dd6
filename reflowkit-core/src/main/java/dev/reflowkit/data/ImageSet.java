package dev.reflowkit.data;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Objects;

/**
 * A set of {@code n} images of {@code C x H x W} pixels, each flattened into one row of a
 * {@link PointSet} of dimension {@code d = C*H*W}, with an optional class label per image.
 *
 * <p>Layout: pixel {@code (c, y, x)} of image {@code i} is {@code pixels.data()[i*d + (c*H + y)*W
 * + x]} (row-major C, H, W, as a PyTorch {@code (N, C, H, W)} tensor). Values are in {@code [-1, 1]}:
 * an 8-bit value {@code v} becomes {@code v / 127.5 - 1}, so black is -1 and white is 1.
 *
 * <pre>{@code
 * ImageSet train = ImageDataset.load("mnist", ImageLoadOptions.builder().optResolution(16).build()).train();
 * long[] shape = train.sampleShape();   // {1, 16, 16}
 * PointSet flat = train.pixels();       // (60000, 256)
 * }</pre>
 *
 * @param pixels the images, one per row, {@code d = channels * height * width}
 * @param channels {@code C}, 1 (grayscale) or 3 (RGB) for images read by ReflowKit; any {@code >= 1}
 * @param height {@code H}, {@code >= 1}
 * @param width {@code W}, {@code >= 1}
 * @param labels the class of each image, in {@code [0, classes)}, or null if unlabelled; not copied
 * @param classes the number of classes, {@code >= 1} if labelled, 0 if unlabelled
 */
public record ImageSet(PointSet pixels, int channels, int height, int width, int[] labels, int classes) {

    /**
     * Checks the shape against the pixels and the labels against the classes.
     *
     * @throws IllegalArgumentException if a dimension is not positive, {@code pixels.d() != C*H*W},
     *     labels are given without classes (or the reverse), their count differs from {@code n} or
     *     one is out of range
     */
    public ImageSet {
        Objects.requireNonNull(pixels, "pixels");
        if (channels < 1 || height < 1 || width < 1) {
            throw new IllegalArgumentException("image shape must be positive, got C=" + channels + ", H="
                    + height + ", W=" + width);
        }
        if ((long) channels * height * width != pixels.d()) {
            throw new IllegalArgumentException("pixel rows have " + pixels.d() + " values but C*H*W = "
                    + channels + "*" + height + "*" + width + " = " + (long) channels * height * width);
        }
        if (labels == null) {
            if (classes != 0) {
                throw new IllegalArgumentException("an unlabelled image set must have 0 classes, got " + classes);
            }
        } else {
            if (classes < 1) {
                throw new IllegalArgumentException("a labelled image set needs classes >= 1, got " + classes);
            }
            if (labels.length != pixels.n()) {
                throw new IllegalArgumentException("got " + labels.length + " labels for " + pixels.n() + " images");
            }
            for (int i = 0; i < labels.length; i++) {
                if (labels[i] < 0 || labels[i] >= classes) {
                    throw new IllegalArgumentException("label " + labels[i] + " of image " + i
                            + " is outside [0, " + classes + ")");
                }
            }
        }
    }

    /**
     * The number of images.
     *
     * @return {@code n}
     */
    public int n() {
        return pixels.n();
    }

    /**
     * The shape of one sample, as it travels with couplings and checkpoints.
     *
     * @return {@code {C, H, W}}
     */
    public long[] sampleShape() {
        return new long[] {channels, height, width};
    }

    /**
     * Whether the images carry class labels.
     *
     * @return true if {@link #labels()} is not null
     */
    public boolean isLabelled() {
        return labels != null;
    }

    /**
     * One pixel value.
     *
     * @param i the image
     * @param c the channel
     * @param y the row
     * @param x the column
     * @return the value, in {@code [-1, 1]} for images read by ReflowKit
     */
    public float pixel(int i, int c, int y, int x) {
        return pixels.data()[i * pixels.d() + (c * height + y) * width + x];
    }

    /**
     * The first {@code count} images (copied).
     *
     * @param count how many, {@code 0 <= count <= n}
     * @return a new image set with the same shape and classes
     * @throws IndexOutOfBoundsException if {@code count} is out of range
     */
    public ImageSet head(int count) {
        if (count < 0 || count > n()) {
            throw new IndexOutOfBoundsException("head(" + count + ") of " + n() + " images");
        }
        int[] idx = new int[count];
        for (int i = 0; i < count; i++) {
            idx[i] = i;
        }
        return subset(idx);
    }

    /**
     * The images at the given indices, in that order (copied; repeats allowed).
     *
     * @param idx indices in {@code [0, n)}
     * @return a new image set with the same shape and classes
     * @throws IndexOutOfBoundsException if an index is out of range
     */
    public ImageSet subset(int[] idx) {
        int d = pixels.d();
        float[] out = new float[Math.multiplyExact(idx.length, d)];
        int[] lab = labels == null ? null : new int[idx.length];
        for (int k = 0; k < idx.length; k++) {
            int i = idx[k];
            if (i < 0 || i >= n()) {
                throw new IndexOutOfBoundsException("image index " + i + " (position " + k + ") is not in [0, "
                        + n() + ")");
            }
            System.arraycopy(pixels.data(), i * d, out, k * d, d);
            if (lab != null) {
                lab[k] = labels[i];
            }
        }
        return new ImageSet(new PointSet(idx.length, d, out), channels, height, width, lab, classes);
    }

    /**
     * The images with their labels, for class-conditional models.
     *
     * @return the labelled points
     * @throws IllegalStateException if the set is unlabelled
     */
    public LabeledPoints labeledPoints() {
        if (labels == null) {
            throw new IllegalStateException("this image set has no labels");
        }
        return new LabeledPoints(pixels, labels, classes);
    }

    /**
     * A SHA-256 fingerprint of the content, for caching results derived from it.
     *
     * <p>Hashed, in order: the text {@code "reflowkit-images-v1"}, then as little-endian int32
     * {@code n, C, H, W, classes}, the pixel values as little-endian float32 bits, then (if
     * labelled) the labels as little-endian int32. Equal content gives equal hashes on every
     * platform; any changed pixel, label or dimension changes it.
     *
     * @return 64 lower-case hex digits
     */
    public String contentHash() {
        MessageDigest md;
        try {
            md = MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is not available in this JVM", e);
        }
        md.update("reflowkit-images-v1".getBytes(StandardCharsets.US_ASCII));
        ByteBuffer head = ByteBuffer.allocate(20).order(ByteOrder.LITTLE_ENDIAN);
        head.putInt(n()).putInt(channels).putInt(height).putInt(width).putInt(classes);
        md.update(head.array());
        ByteBuffer buf = ByteBuffer.allocate(1 << 16).order(ByteOrder.LITTLE_ENDIAN);
        float[] v = pixels.data();
        for (int done = 0; done < v.length; ) {
            int k = Math.min(v.length - done, buf.capacity() / 4);
            buf.clear();
            buf.asFloatBuffer().put(v, done, k);
            md.update(buf.array(), 0, 4 * k);
            done += k;
        }
        if (labels != null) {
            for (int done = 0; done < labels.length; ) {
                int k = Math.min(labels.length - done, buf.capacity() / 4);
                buf.clear();
                buf.asIntBuffer().put(labels, done, k);
                md.update(buf.array(), 0, 4 * k);
                done += k;
            }
        }
        return HexFormat.of().formatHex(md.digest());
    }

    /**
     * A one-line description.
     *
     * @return e.g. {@code "60000 images 1x16x16, 10 classes"}
     */
    public String describe() {
        return n() + " images " + channels + "x" + height + "x" + width
                + (labels == null ? ", unlabelled" : ", " + classes + " classes");
    }

    @Override
    public String toString() {
        return "ImageSet[" + describe() + "]";
    }
}
