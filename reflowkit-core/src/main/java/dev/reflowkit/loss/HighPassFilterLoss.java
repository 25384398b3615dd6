package dev.reflowkit.loss;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.Shape;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The high-pass-filter (HPF) loss for image-shaped errors {@code (N, C, H, W)}: the mean squared
 * error of {@code phi(e)}, where {@code phi} damps the low spatial frequencies of each channel
 * (spec section 4, item 3; the exact form is ours).
 *
 * <pre>
 *   phi(e) = e - kappa P_low(e),     kappa = 1 - 1 / (1 + lambda)
 *   l_i    = mean over (C, H, W) of phi(e_i)^2
 * </pre>
 *
 * <p>{@code P_low} is the orthogonal projection onto the 2-D discrete Fourier modes {@code (k1,
 * k2)}, {@code k} in the centered range ({@code -floor(H/2) <= k1 < H - floor(H/2)}), whose radius
 * in cycles per pixel {@code sqrt((k1/H)^2 + (k2/W)^2)} is below the cutoff {@code r}. So in the
 * Fourier domain {@code phi} has gain {@code 1/(1+lambda)} below the cutoff and 1 above it. The
 * kept set is closed under {@code k -> -k}, hence {@code P_low} is real and symmetric; it is the
 * circulant matrix of the kernel
 *
 * <pre>
 *   K(dy, dx) = (1 / HW) sum over kept (k1, k2) of cos(2 pi (k1 dy / H + k2 dx / W))
 * </pre>
 *
 * and {@code phi} is applied to each channel as one matmul with the {@code (HW x HW)} matrix
 * {@code A = I - kappa P_low} on the flattened spatial dimensions. The matrix is built once per
 * image size and cached (as a float array: 2.4 MB for 28x28, 67 MB for 64x64); the matmul costs
 * {@code 2 N C (HW)^2} flops.
 *
 * <p><b>Theory-compatible</b> (Proposition 1): {@code phi} is linear and invertible for every
 * {@code lambda >= 0}, with eigenvalues 1 and {@code 1/(1+lambda)} and inverse {@code I + lambda
 * P_low}. At {@code lambda = 0} it is plain MSE. A constant (DC) error is scaled by {@code
 * 1/(1+lambda)} and its loss by {@code 1/(1+lambda)^2} (for {@code r > 0}); a checkerboard error
 * (radius {@code sqrt(1/2)} for even sizes) passes unchanged for {@code r <= sqrt(1/2)}.
 *
 * <p>Defaults {@code lambda = 1}, {@code r = 0.1} cycles/pixel are ours (the configuration's
 * {@code loss.hpf_lambda} and {@code loss.hpf_cutoff} default to these constants); the ablation
 * picks the values.
 */
public final class HighPassFilterLoss implements VelocityLoss {

    /** Default damping strength {@code lambda}. */
    public static final double DEFAULT_LAMBDA = 1.0;

    /** Default cutoff radius in cycles per pixel. */
    public static final double DEFAULT_CUTOFF = 0.1;

    /** The largest supported image, in pixels (64 x 64: a 67 MB filter matrix). */
    public static final int MAX_PIXELS = 4096;

    private final double lambda;
    private final double cutoff;
    private final Map<Long, float[]> matrices = new ConcurrentHashMap<>();

    private HighPassFilterLoss(Builder builder) {
        this.lambda = builder.lambda;
        this.cutoff = builder.cutoff;
    }

    /**
     * A builder; {@code lambda = 1}, cutoff {@code 0.1} cycles/pixel by default.
     *
     * @return a new builder
     */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * The damping strength {@code lambda}.
     *
     * @return {@code lambda}
     */
    public double lambda() {
        return lambda;
    }

    /**
     * The cutoff radius {@code r} in cycles per pixel.
     *
     * @return {@code r}
     */
    public double cutoff() {
        return cutoff;
    }

    @Override
    public NDArray perSample(NDArray error) {
        NDArray filtered = filter(error);
        return Tensors.flattenSamples(filtered, "filtered error").square().mean(new int[] {1});
    }

    /**
     * Applies {@code phi} to every channel of every sample.
     *
     * @param error the error, shape {@code (N, C, H, W)}
     * @return {@code phi(error)}, same shape, differentiable with respect to {@code error}
     */
    public NDArray filter(NDArray error) {
        Shape shape = error.getShape();
        if (shape.dimension() != 4) {
            throw new IllegalArgumentException(
                    "HighPassFilterLoss needs an image-shaped error (N, C, H, W), got shape "
                            + shape);
        }
        if (lambda == 0.0) {
            return error;
        }
        int h = Math.toIntExact(shape.get(2));
        int w = Math.toIntExact(shape.get(3));
        long hw = (long) h * w;
        float[] a = filterMatrix(h, w);
        NDArray matrix = error.getManager().create(a, new Shape(hw, hw));
        if (!matrix.getDevice().equals(error.getDevice())) {
            matrix = matrix.toDevice(error.getDevice(), false);
        }
        if (matrix.getDataType() != error.getDataType()) {
            matrix = matrix.toType(error.getDataType(), false);
        }
        // A is symmetric, so (rows of e) x A applies A to every flattened channel.
        return error.reshape(shape.get(0) * shape.get(1), hw).matMul(matrix).reshape(shape);
    }

    /**
     * The matrix {@code A = I - kappa P_low} for an image size, row-major {@code (HW x HW)}, with
     * pixel {@code (y, x)} at index {@code y W + x}. Cached; do not modify the returned array.
     *
     * @param height the image height {@code H}
     * @param width the image width {@code W}
     * @return the filter matrix
     */
    public float[] filterMatrix(int height, int width) {
        long key = ((long) height << 32) | (width & 0xffffffffL);
        return matrices.computeIfAbsent(key, k -> buildFilterMatrix(height, width));
    }

    private float[] buildFilterMatrix(int h, int w) {
        double kappa = lambda / (1.0 + lambda);
        double[] kernel = lowPassKernel(h, w, cutoff);
        int hw = h * w;
        float[] a = new float[hw * hw];
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                int row = y * w + x;
                for (int y2 = 0; y2 < h; y2++) {
                    int dy = Math.floorMod(y - y2, h);
                    for (int x2 = 0; x2 < w; x2++) {
                        int dx = Math.floorMod(x - x2, w);
                        int col = y2 * w + x2;
                        double identity = row == col ? 1.0 : 0.0;
                        a[row * hw + col] = (float) (identity - kappa * kernel[dy * w + dx]);
                    }
                }
            }
        }
        return a;
    }

    /**
     * The low-pass projection {@code P_low} as a dense row-major {@code (HW x HW)} matrix in double
     * precision (for checks; the loss uses {@link #filterMatrix(int, int)}).
     *
     * @param height the image height {@code H}
     * @param width the image width {@code W}
     * @param cutoff the cutoff radius in cycles per pixel
     * @return {@code P_low}
     */
    public static double[] lowPassProjection(int height, int width, double cutoff) {
        double[] kernel = lowPassKernel(height, width, cutoff);
        int hw = height * width;
        double[] p = new double[hw * hw];
        for (int row = 0; row < hw; row++) {
            int y = row / width;
            int x = row % width;
            for (int col = 0; col < hw; col++) {
                int dy = Math.floorMod(y - col / width, height);
                int dx = Math.floorMod(x - col % width, width);
                p[row * hw + col] = kernel[dy * width + dx];
            }
        }
        return p;
    }

    /**
     * The number of Fourier modes below the cutoff (the rank of {@code P_low}).
     *
     * @param height the image height {@code H}
     * @param width the image width {@code W}
     * @param cutoff the cutoff radius in cycles per pixel
     * @return the number of kept modes
     */
    public static int keptModes(int height, int width, double cutoff) {
        int count = 0;
        for (int k1 = -(height / 2); k1 < height - height / 2; k1++) {
            for (int k2 = -(width / 2); k2 < width - width / 2; k2++) {
                if (kept(k1, k2, height, width, cutoff)) {
                    count++;
                }
            }
        }
        return count;
    }

    private static boolean kept(int k1, int k2, int h, int w, double cutoff) {
        double f1 = (double) k1 / h;
        double f2 = (double) k2 / w;
        return Math.sqrt(f1 * f1 + f2 * f2) < cutoff;
    }

    /** The circulant kernel {@code K(dy, dx)}, row-major {@code (H x W)}. */
    private static double[] lowPassKernel(int h, int w, double cutoff) {
        checkSize(h, w);
        // cos(a + b) = cos a cos b - sin a sin b with per-axis tables.
        double[][] cosY = new double[h][h];
        double[][] sinY = new double[h][h];
        double[][] cosX = new double[w][w];
        double[][] sinX = new double[w][w];
        int k1Min = -(h / 2);
        int k2Min = -(w / 2);
        for (int i = 0; i < h; i++) {
            for (int dy = 0; dy < h; dy++) {
                double ang = 2.0 * Math.PI * (double) (k1Min + i) * dy / h;
                cosY[i][dy] = Math.cos(ang);
                sinY[i][dy] = Math.sin(ang);
            }
        }
        for (int j = 0; j < w; j++) {
            for (int dx = 0; dx < w; dx++) {
                double ang = 2.0 * Math.PI * (double) (k2Min + j) * dx / w;
                cosX[j][dx] = Math.cos(ang);
                sinX[j][dx] = Math.sin(ang);
            }
        }
        double[] kernel = new double[h * w];
        double norm = 1.0 / ((double) h * w);
        for (int i = 0; i < h; i++) {
            for (int j = 0; j < w; j++) {
                if (!kept(k1Min + i, k2Min + j, h, w, cutoff)) {
                    continue;
                }
                for (int dy = 0; dy < h; dy++) {
                    double cy = cosY[i][dy];
                    double sy = sinY[i][dy];
                    for (int dx = 0; dx < w; dx++) {
                        kernel[dy * w + dx] += norm * (cy * cosX[j][dx] - sy * sinX[j][dx]);
                    }
                }
            }
        }
        return kernel;
    }

    private static void checkSize(int h, int w) {
        if (h < 1 || w < 1 || (long) h * w > MAX_PIXELS) {
            throw new IllegalArgumentException(String.format(
                    Locale.ROOT,
                    "HighPassFilterLoss supports images with 1 <= H*W <= %d pixels (a dense"
                            + " HW x HW matrix), got %d x %d",
                    MAX_PIXELS,
                    h,
                    w));
        }
    }

    @Override
    public String name() {
        return String.format(Locale.ROOT, "hpf(lambda=%s,cutoff=%s)", lambda, cutoff);
    }

    @Override
    public String toString() {
        return name();
    }

    /** Builder for {@link HighPassFilterLoss}. */
    public static final class Builder {

        private double lambda = DEFAULT_LAMBDA;
        private double cutoff = DEFAULT_CUTOFF;

        private Builder() {}

        /**
         * Sets the damping strength: gain {@code 1/(1+lambda)} below the cutoff.
         *
         * @param lambda finite and {@code >= 0} ({@code 0} is plain MSE); default 1
         * @return this builder
         */
        public Builder optLambda(double lambda) {
            if (!(lambda >= 0.0) || Double.isInfinite(lambda)) {
                throw new IllegalArgumentException(
                        "HPF lambda must be finite and >= 0, got " + lambda);
            }
            this.lambda = lambda;
            return this;
        }

        /**
         * Sets the cutoff radius in cycles per pixel (Nyquist along an axis is 0.5).
         *
         * @param cutoff finite and {@code > 0}; default 0.125
         * @return this builder
         */
        public Builder optCutoff(double cutoff) {
            if (!(cutoff > 0.0) || Double.isInfinite(cutoff)) {
                throw new IllegalArgumentException(
                        "HPF cutoff must be finite and > 0 (cycles/pixel), got " + cutoff);
            }
            this.cutoff = cutoff;
            return this;
        }

        /**
         * Builds the loss.
         *
         * @return the loss
         */
        public HighPassFilterLoss build() {
            return new HighPassFilterLoss(this);
        }
    }
}
