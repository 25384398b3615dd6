package dev.reflowkit.features;

import ai.djl.pytorch.jni.JniUtils;
import dev.reflowkit.engine.Engines;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * Runs a test class with one PyTorch intra-op thread and restores the previous count after it.
 *
 * <p>On the shared 2-core machine the tiny networks of these tests ran 10 to 17 times slower
 * with two threads than with one whenever other processes competed for the cores (the waiting
 * thread spins: 60 steps took 7 to 19 s of wall time and 5 to 15 s of CPU instead of about 1 s).
 */
final class OneTorchThread implements BeforeAllCallback, AfterAllCallback {

    private static final ExtensionContext.Namespace NS = ExtensionContext.Namespace.create(OneTorchThread.class);

    @Override
    public void beforeAll(ExtensionContext context) {
        Engines.engine();
        context.getStore(NS).put("threads", JniUtils.getNumThreads());
        JniUtils.setNumThreads(1);
    }

    @Override
    public void afterAll(ExtensionContext context) {
        Integer saved = context.getStore(NS).get("threads", Integer.class);
        if (saved != null) {
            JniUtils.setNumThreads(saved);
        }
    }
}
