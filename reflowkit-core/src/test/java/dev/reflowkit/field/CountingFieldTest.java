package dev.reflowkit.field;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;

class CountingFieldTest {

    @Test
    void countsCallsFromManyThreadsAndResets() throws Exception {
        CountingField field = new CountingField((x, t) -> x);
        ExecutorService pool = Executors.newFixedThreadPool(4);
        try {
            List<Future<?>> futures = new ArrayList<>();
            for (int k = 0; k < 4; k++) {
                futures.add(pool.submit(() -> {
                    for (int i = 0; i < 2500; i++) {
                        field.velocity(null, null);
                    }
                }));
            }
            for (Future<?> f : futures) {
                f.get();
            }
        } finally {
            pool.shutdown();
        }
        assertEquals(10_000, field.count());
        field.reset();
        assertEquals(0, field.count());
        field.velocity(null, null);
        assertEquals(1, field.count());
    }

    @Test
    void delegatesAndRejectsNull() {
        VelocityField inner = (x, t) -> x;
        assertSame(inner, new CountingField(inner).delegate());
        assertThrows(IllegalArgumentException.class, () -> new CountingField(null));
    }
}
