package dev.reflowkit.engine;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDManager;

/**
 * The one place that starts the deep-learning engine: offline, without telemetry, PyTorch.
 *
 * <p>Everything in ReflowKit obtains its engine through here so that no code path can reach the
 * network (DJL probes cloud metadata and downloads natives unless told not to).
 */
public final class Engines {

    private static volatile boolean configured;

    private Engines() {}

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
}
