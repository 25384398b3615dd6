package dev.reflowkit.features;

import dev.reflowkit.data.PointSet;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;
import java.util.HexFormat;

/**
 * Labelled images: flat images ({@code n x C*H*W}, row-major {@code C, H, W}, pixels in
 * {@code [-1, 1]}) with one class label each, the training input of a {@link FeatureNetwork}.
 *
 * @param images the images, one per row
 * @param labels the class of each image, in {@code [0, classes)}
 * @param classes the number of classes, {@code >= 2}
 * @param sampleShape the shape of one image {@code {C, H, W}}, {@code H, W >= 8}
 */
public record LabeledImages(PointSet images, int[] labels, int classes, long[] sampleShape) {

    /** Checks that labels, classes and shape fit the images. */
    public LabeledImages {
        if (sampleShape == null || sampleShape.length != 3) {
            throw new IllegalArgumentException("LabeledImages needs a sample shape {C, H, W}, got "
                    + Arrays.toString(sampleShape));
        }
        long c = sampleShape[0];
        long h = sampleShape[1];
        long w = sampleShape[2];
        if (c < 1 || h < FeatureNetwork.MIN_SIDE || w < FeatureNetwork.MIN_SIDE) {
            throw new IllegalArgumentException("LabeledImages: sample shape " + Arrays.toString(sampleShape)
                    + " needs C >= 1 and H, W >= " + FeatureNetwork.MIN_SIDE);
        }
        if (c * h * w != images.d()) {
            throw new IllegalArgumentException("LabeledImages: sample shape " + Arrays.toString(sampleShape)
                    + " has " + c * h * w + " values but the images have " + images.d());
        }
        if (labels.length != images.n()) {
            throw new IllegalArgumentException("LabeledImages: " + labels.length + " labels for " + images.n()
                    + " images");
        }
        if (classes < 2) {
            throw new IllegalArgumentException("LabeledImages: classes must be >= 2, got " + classes);
        }
        for (int i = 0; i < labels.length; i++) {
            if (labels[i] < 0 || labels[i] >= classes) {
                throw new IllegalArgumentException("LabeledImages: label " + labels[i] + " of image " + i
                        + " is outside [0, " + classes + ")");
            }
        }
        sampleShape = sampleShape.clone();
    }

    /**
     * The number of images.
     *
     * @return n
     */
    public int size() {
        return images.n();
    }

    /**
     * The sample shape (a copy).
     *
     * @return {@code {C, H, W}}
     */
    @Override
    public long[] sampleShape() {
        return sampleShape.clone();
    }

    /**
     * The SHA-256 of the content (shape, classes, labels and pixel bits), usable as the data hash
     * of {@link FeatureNetworks#loadOrTrain}.
     *
     * @return 64 hex digits
     */
    public String contentHash() {
        MessageDigest md;
        try {
            md = MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is not available in this JVM", e);
        }
        ByteBuffer head = ByteBuffer.allocate(8 * 5).order(ByteOrder.LITTLE_ENDIAN);
        head.putLong(sampleShape[0]).putLong(sampleShape[1]).putLong(sampleShape[2]).putLong(classes)
                .putLong(images.n());
        md.update(head.array());
        ByteBuffer buf = ByteBuffer.allocate(1 << 16).order(ByteOrder.LITTLE_ENDIAN);
        for (int label : labels) {
            if (buf.remaining() < 4) {
                md.update(buf.array(), 0, buf.position());
                buf.clear();
            }
            buf.putInt(label);
        }
        for (float v : images.data()) {
            if (buf.remaining() < 4) {
                md.update(buf.array(), 0, buf.position());
                buf.clear();
            }
            buf.putFloat(v);
        }
        md.update(buf.array(), 0, buf.position());
        return HexFormat.of().formatHex(md.digest());
    }
}
