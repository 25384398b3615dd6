package dev.reflowkit.io;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class NpyHeaderTest {

    @Test
    void parsesNumpyHeaderWithPadding() {
        NpyHeader h = NpyHeader.parse("{'descr': '<f8', 'fortran_order': True, 'shape': (4, 3), }     \n");
        assertEquals("<f8", h.descr());
        assertTrue(h.descrIsString());
        assertTrue(h.fortranOrder());
        assertArrayEquals(new long[] {4, 3}, h.shape());
    }

    @Test
    void parsesScalarAndOneDimensionalShapes() {
        assertArrayEquals(new long[] {},
                NpyHeader.parse("{'descr':'<f4','fortran_order':False,'shape':()}").shape());
        assertArrayEquals(new long[] {7}, NpyHeader.parse("{'descr':'<f4','fortran_order':False,'shape':(7,)}").shape());
    }

    @Test
    void formatIsParsedBack() {
        for (long[] shape : new long[][] {{}, {5}, {3, 2}, {0, 1, 2}}) {
            NpyHeader h = NpyHeader.parse(NpyHeader.formatFloat32(shape));
            assertArrayEquals(shape, h.shape());
            assertEquals("<f4", h.descr());
            assertFalse(h.fortranOrder());
        }
    }

    @Test
    void parenthesisedIntegerIsNotATuple() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> NpyHeader.parse("{'descr': '<f4', 'fortran_order': False, 'shape': (3)}"));
        assertTrue(e.getMessage().contains("'shape' must be a tuple"), e.getMessage());
    }

    @Test
    void rejectsMalformedText() {
        String[] bad = {
            "",
            "{'descr': '<f4', 'descr': '<f4', 'fortran_order': False, 'shape': (1,)}",
            "{'descr': '<f4, 'fortran_order': False, 'shape': (1,)}",
            "{'descr': '<f4', 'fortran_order': false, 'shape': (1,)}",
            "{'descr': '<f4', 'fortran_order': False, 'shape': (1.5,)}",
            "{'descr': '<f4', 'fortran_order': False, 'shape': (99999999999999999999,)}",
            "{'descr': '<f4', 'fortran_order': False, 'shape': " + "(".repeat(100) + "}",
            "{'descr': '<f4', 'fortran_order': False, 'shape': (1,)",
        };
        for (String text : bad) {
            assertThrows(IllegalArgumentException.class, () -> NpyHeader.parse(text), text);
        }
    }
}
