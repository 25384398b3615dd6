package dev.reflowkit.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import org.junit.jupiter.api.Test;

class DataSplitTest {

    /** n points in 3-D whose first coordinate is the index. */
    private static PointSet indexed(int n) {
        float[] data = new float[3 * n];
        for (int i = 0; i < n; i++) {
            data[3 * i] = i;
            data[3 * i + 1] = -i;
            data[3 * i + 2] = 0.5f * i;
        }
        return new PointSet(n, 3, data);
    }

    @Test
    void partitionsEveryPointExactlyOnce() {
        PointSet all = indexed(100);
        DataSplit s = DataSplit.split(all, 30, 5);
        assertEquals(70, s.train().n());
        assertEquals(30, s.heldOut().n());
        assertEquals(3, s.train().d());
        boolean[] seen = new boolean[100];
        for (PointSet part : new PointSet[] {s.train(), s.heldOut()}) {
            for (int i = 0; i < part.n(); i++) {
                int idx = (int) part.get(i, 0);
                assertFalse(seen[idx], "point " + idx + " twice");
                seen[idx] = true;
                assertEquals(-idx, part.get(i, 1)); // rows stay intact
                assertEquals(0.5f * idx, part.get(i, 2));
            }
        }
        for (boolean b : seen) {
            assertTrue(b);
        }
    }

    @Test
    void isShuffledDeterministicallyBySeed() {
        PointSet all = indexed(100);
        DataSplit a = DataSplit.split(all, 30, 5);
        DataSplit b = DataSplit.split(all, 30, 5);
        assertArrayEquals(a.heldOut().data(), b.heldOut().data());
        assertArrayEquals(a.train().data(), b.train().data());
        DataSplit c = DataSplit.split(all, 30, 6);
        assertFalse(Arrays.equals(a.heldOut().data(), c.heldOut().data()));
        assertFalse(Arrays.equals(all.slice(70, 100).data(), a.heldOut().data()), "not the tail");
        assertFalse(Arrays.equals(all.head(30).data(), a.heldOut().data()), "not the head");
    }

    @Test
    void edgeCountsAndErrors() {
        PointSet all = indexed(10);
        assertEquals(0, DataSplit.split(all, 0, 1).heldOut().n());
        assertEquals(0, DataSplit.split(all, 10, 1).train().n());
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> DataSplit.split(all, 11, 1));
        assertTrue(e.getMessage().contains("11"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> DataSplit.split(all, -1, 1));
        assertThrows(IllegalArgumentException.class,
                () -> new DataSplit(new PointSet(1, 2, new float[2]), new PointSet(1, 3, new float[3])));
    }
}
