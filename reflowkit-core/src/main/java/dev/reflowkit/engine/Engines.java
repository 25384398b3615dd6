package dev.reflowkit.engine;

import ai.djl.Device;
import ai.djl.engine.Engine;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Activation;
import ai.djl.pytorch.jni.JniUtils;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;

/**
 * The one place that starts the deep-learning engine: offline, without telemetry, PyTorch.
 *
 * <p>Everything in ReflowKit obtains its engine through here so that no code path can reach the
 * network (DJL probes cloud metadata and downloads natives unless told not to).
 */
public final class Engines {

    private static volatile boolean configured;
    /** The latest {@link #requestSamplingThreads} request; 0 for none. */
    private static volatile int samplingThreads;

    /** When {@link #touchExpOverflowConstant} last ran its exponential (nanoTime); MIN_VALUE: never. */
    private static final AtomicLong lastTouch = new AtomicLong(Long.MIN_VALUE);
    /** The most time between two runs of {@link #touchExpOverflowConstant}'s exponential. */
    private static final long TOUCH_INTERVAL_NANOS = 100_000_000L;

    private Engines() {}

    /**
     * Keeps the page that holds PyTorch's AVX-512 exponential's overflow constant mapped and
     * recently accessed, by evaluating a sigmoid whose exponential overflows, at most every 100 ms.
     * Training steps and solvers call it; it costs one small operation per 100 ms.
     *
     * <p>Why: PyTorch's AVX-512 exponential (Sleef's {@code expf16_u10}, inside SiLU and sigmoid)
     * loads its overflow result (infinity) only through a masked load, whose lanes are the inputs
     * above 100. A network's activations have no such lanes, so that load never really touches the
     * page that holds the constant. It never faults the page in and never marks it accessed.
     * A kernel that reclaims or ages pages which look unused (such as DAMON's {@code pageout}
     * scheme on some virtual machines) then unmaps the page or clears its accessed bit. From then
     * on, every call of the exponential takes a slow path, and nothing ever ends it. Measured: 40 %
     * of a training step's time in that one function, against 1 % (docs/PERFORMANCE.md, "the slow
     * state"). Inputs above the bound make the load real, so the page is faulted in and marked
     * accessed. On other CPUs this is one cheap operation; its result is discarded, and it uses no
     * random numbers, so no result changes.
     *
     * @return whether this call ran the operation (false within 100 ms of the last one)
     */
    public static boolean touchExpOverflowConstant() {
        long now = System.nanoTime();
        long last = lastTouch.get();
        if (last != Long.MIN_VALUE && now - last < TOUCH_INTERVAL_NANOS) {
            return false;
        }
        if (!lastTouch.compareAndSet(last, now)) {
            return false; // another thread touches it now
        }
        // sigmoid(-200) = 1 / (1 + exp(200)): the exponential through Sleef as in SiLU, with every
        // lane above Sleef's overflow bound (100). 64 values: four whole AVX-512 vectors, so the
        // vectorized kernel runs rather than its scalar tail.
        try (NDManager m = NDManager.newBaseManager(Device.cpu())) {
            Activation.sigmoid(m.full(new Shape(64), -200f));
        }
        return true;
    }

    /** Sets the offline and no-tracking switches; idempotent, call before any DJL use. */
    public static void configureOffline() {
        if (configured) {
            return;
        }
        synchronized (Engines.class) {
            if (!configured) {
                System.setProperty("ai.djl.offline", "true");
                System.setProperty("OPT_OUT_TRACKING", "true");
                System.setProperty("ai.djl.default_engine", "PyTorch");
                // ReflowKit never runs independent operations concurrently inside one call, so the
                // inter-op pool only costs threads; intra-op threads stay PyTorch's default (cores).
                if (System.getProperty("ai.djl.pytorch.num_interop_threads") == null) {
                    System.setProperty("ai.djl.pytorch.num_interop_threads", "1");
                }
                configured = true;
            }
        }
    }

    /**
     * The PyTorch engine, started offline.
     *
     * @return the engine
     */
    public static Engine engine() {
        configureOffline();
        return Engine.getEngine("PyTorch");
    }

    /**
     * A new base manager on the engine's default device.
     *
     * @return a manager the caller must close
     */
    public static NDManager newManager() {
        return engine().newBaseManager();
    }

    /**
     * The engine's name and version, and the Java version, for run records.
     *
     * @return e.g. {@code "PyTorch 2.7.1 (DJL 0.36.0), Java 17.0.15"}
     */
    public static String describe() {
        Engine e = engine();
        return e.getEngineName() + " " + e.getVersion() + " (DJL " + Engine.getDjlVersion()
                + "), Java " + System.getProperty("java.version");
    }

    /**
     * Runs inference code with the engine's gradient recording off on this thread (PyTorch's
     * {@code no_grad}), restoring the previous mode afterwards.
     *
     * <p>Velocity fields evaluate networks through here, so no autograd graph can be recorded
     * whatever the parameters' flags (a recorded graph kept every solver step's activations alive,
     * ~0.65 GB per NFE for a U-Net at batch 500). Speed is unchanged within noise (measured).
     *
     * @param body the inference code
     * @param <T> its result type
     * @return its result
     */
    public static <T> T withoutGradients(Supplier<T> body) {
        return withGradMode(false, body);
    }

    /**
     * Runs code with the engine's gradient recording on in this thread (PyTorch's grad mode is per
     * thread: a thread that computes a training pass for another, as a training lane does, switches
     * it on itself), restoring the previous mode afterwards.
     *
     * @param body the code whose operations autograd records
     * @param <T> its result type
     * @return its result
     */
    public static <T> T withGradients(Supplier<T> body) {
        return withGradMode(true, body);
    }

    /** Runs code with this thread's grad mode set, then sets it back (no switch when it is already so). */
    private static <T> T withGradMode(boolean mode, Supplier<T> body) {
        if (JniUtils.isGradMode() == mode) {
            return body.get();
        }
        JniUtils.setGradMode(mode);
        try {
            return body.get();
        } finally {
            JniUtils.setGradMode(!mode);
        }
    }

    /**
     * Asks every thread that solves an ODE in this process to run its network evaluations on
     * {@code threads} intra-op threads from its next evaluation on ({@link #applySamplingThreads}):
     * a pipeline's stage left alone on the machine takes the cores the others have freed.
     *
     * <p>Sampling gives the same bits on any number of threads (each output element of the
     * network's operations is computed by one thread, and the solvers' reductions run on one
     * ({@link #onOneThread})), so the moment a request arrives does not change results; training
     * does not follow requests, since its gradients are summed in an order that depends on the
     * threads.
     *
     * @param threads the intra-op threads, {@code >= 1}; 0 withdraws the request (threads that
     *     followed it keep their count)
     */
    public static void requestSamplingThreads(int threads) {
        if (threads < 0) {
            throw new IllegalArgumentException("threads must be >= 0, got " + threads);
        }
        samplingThreads = threads;
    }

    /**
     * Sets this thread's intra-op threads to the last {@link #requestSamplingThreads} request, if
     * there is one; solvers call it before each network evaluation.
     */
    public static void applySamplingThreads() {
        int wanted = samplingThreads;
        if (wanted > 0 && wanted != JniUtils.getNumThreads()) {
            JniUtils.setNumThreads(wanted);
        }
    }

    /**
     * Runs code with this thread's intra-op threads set to one, then sets them back: a reduction
     * ({@code sum}, {@code mean}) inside then adds in one fixed order. On several threads PyTorch
     * splits a sum among them and the split changes the rounding, so a result that steers a
     * computation (an adaptive solver's error norm) would depend on the thread count.
     *
     * @param body the code
     * @param <T> its result type
     * @return its result
     */
    public static <T> T onOneThread(Supplier<T> body) {
        int threads = JniUtils.getNumThreads();
        if (threads == 1) {
            return body.get();
        }
        JniUtils.setNumThreads(1);
        try {
            return body.get();
        } finally {
            JniUtils.setNumThreads(threads);
        }
    }

    /**
     * Whether the engine records an autograd graph on this thread (PyTorch's grad mode): when it
     * does not, a block may update its own intermediates in place.
     *
     * @return true inside a gradient collector or wherever grad mode is on
     */
    public static boolean isRecordingGradients() {
        return JniUtils.isGradMode();
    }
}
