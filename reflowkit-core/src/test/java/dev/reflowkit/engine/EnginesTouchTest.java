package dev.reflowkit.engine;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class EnginesTouchTest {

    @Test
    void theExpOverflowTouchRunsAtMostEvery100Milliseconds() throws InterruptedException {
        Engines.configureOffline();
        Engines.touchExpOverflowConstant(); // the first use may load the engine, which takes longer than 100 ms
        Thread.sleep(150); // past that touch and any made by an earlier test in this JVM
        assertTrue(Engines.touchExpOverflowConstant());
        assertFalse(Engines.touchExpOverflowConstant());
        Thread.sleep(150);
        assertTrue(Engines.touchExpOverflowConstant());
    }
}
