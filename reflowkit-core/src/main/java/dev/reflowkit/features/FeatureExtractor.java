package dev.reflowkit.features;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.ParameterStore;
import dev.reflowkit.data.PointSet;
import dev.reflowkit.metrics.Classifier;
import dev.reflowkit.metrics.FeatureMap;
import java.util.Arrays;

/**
 * Features (and class predictions) of flat images from a trained {@link FeatureNetwork}, computed
 * in batches: each batch lives in its own sub-manager that is closed before the next, so memory
 * stays bounded by one batch.
 *
 * <pre>{@code
 * FeatureExtractor fx = new FeatureExtractor(trained.network(), trained.info().sampleShape(), manager, 256);
 * double[][] f = fx.features(images);      // n x 128
 * ImageMetrics metrics = ImageMetrics.builder().optFeatureMap(fx).build();
 * }</pre>
 */
public final class FeatureExtractor implements FeatureMap, Classifier {

    /** The default batch size (inference peaks grow with the batch; 256 is quick and small). */
    public static final int DEFAULT_BATCH = 256;

    private final FeatureNetwork network;
    private final long[] sampleShape;
    private final NDManager manager;
    private final int batchSize;
    private final int dim;

    /**
     * Creates an extractor.
     *
     * @param network an initialized (trained) network
     * @param sampleShape the image shape {@code {C, H, W}}, {@code C} the network's input channels
     * @param manager the manager under which per-batch sub-managers are opened
     * @param batchSize images per forward pass, {@code >= 1}
     * @throws IllegalArgumentException if the shape does not fit the network or the batch size is
     *     not positive
     */
    public FeatureExtractor(FeatureNetwork network, long[] sampleShape, NDManager manager, int batchSize) {
        if (sampleShape.length != 3 || sampleShape[0] != network.inputChannels()
                || sampleShape[1] < FeatureNetwork.MIN_SIDE || sampleShape[2] < FeatureNetwork.MIN_SIDE) {
            throw new IllegalArgumentException("FeatureExtractor: sample shape " + Arrays.toString(sampleShape)
                    + " does not fit " + network + " (needs {" + network.inputChannels() + ", H >= 8, W >= 8})");
        }
        if (batchSize < 1) {
            throw new IllegalArgumentException("FeatureExtractor: batch size must be >= 1, got " + batchSize);
        }
        this.network = network;
        this.sampleShape = sampleShape.clone();
        this.manager = manager;
        this.batchSize = batchSize;
        this.dim = (int) (sampleShape[0] * sampleShape[1] * sampleShape[2]);
    }

    /**
     * The feature width.
     *
     * @return {@code F}
     */
    public int featureDim() {
        return network.featureDim();
    }

    /**
     * The features of every image.
     *
     * @param images {@code n} flat images of the extractor's shape
     * @return {@code n x F} features
     * @throws IllegalArgumentException if the images have the wrong width
     */
    @Override
    public double[][] features(PointSet images) {
        double[][] out = new double[images.n()][];
        int f = network.featureDim();
        run(images, (from, logits, features) -> {
            float[] v = features.toFloatArray();
            for (int i = 0; i < v.length / f; i++) {
                double[] row = new double[f];
                for (int j = 0; j < f; j++) {
                    row[j] = v[i * f + j];
                }
                out[from + i] = row;
            }
        });
        return out;
    }

    /**
     * The features as a point set (float precision).
     *
     * @param images {@code n} flat images
     * @return {@code n} points of dimension {@code F}
     */
    public PointSet featurePoints(PointSet images) {
        float[] out = new float[images.n() * network.featureDim()];
        run(images, (from, logits, features) -> {
            float[] v = features.toFloatArray();
            System.arraycopy(v, 0, out, from * network.featureDim(), v.length);
        });
        return new PointSet(images.n(), network.featureDim(), out);
    }

    /**
     * The most likely class of every image.
     *
     * @param images {@code n} flat images
     * @return the arg-max of the logits per image
     */
    @Override
    public int[] predict(PointSet images) {
        int[] out = new int[images.n()];
        run(images, (from, logits, features) -> {
            long[] v = logits.argMax(1).toLongArray();
            for (int i = 0; i < v.length; i++) {
                out[from + i] = (int) v[i];
            }
        });
        return out;
    }

    /**
     * The fraction of images whose predicted class equals the label.
     *
     * @param data labelled images of the extractor's shape
     * @return accuracy in {@code [0, 1]}; NaN for an empty set
     */
    public double accuracy(LabeledImages data) {
        int[] predicted = predict(data.images());
        int correct = 0;
        for (int i = 0; i < predicted.length; i++) {
            if (predicted[i] == data.labels()[i]) {
                correct++;
            }
        }
        return predicted.length == 0 ? Double.NaN : (double) correct / predicted.length;
    }

    private void run(PointSet images, BatchConsumer consumer) {
        if (images.d() != dim) {
            throw new IllegalArgumentException("FeatureExtractor: images have " + images.d()
                    + " values each, the shape " + Arrays.toString(sampleShape) + " needs " + dim);
        }
        ParameterStore store = new ParameterStore(manager, false);
        for (int from = 0; from < images.n(); from += batchSize) {
            int to = Math.min(images.n(), from + batchSize);
            try (NDManager sub = manager.newSubManager()) {
                float[] chunk = Arrays.copyOfRange(images.data(), from * dim, to * dim);
                NDArray x = sub.create(chunk, new Shape(to - from, sampleShape[0], sampleShape[1], sampleShape[2]));
                NDList out = network.forward(store, new NDList(x), false);
                consumer.accept(from, out.get(0), out.get(1));
            }
        }
    }

    @FunctionalInterface
    private interface BatchConsumer {
        void accept(int from, NDArray logits, NDArray features);
    }
}
