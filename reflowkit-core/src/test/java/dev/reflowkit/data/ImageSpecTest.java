package dev.reflowkit.data;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class ImageSpecTest {

    @ParameterizedTest
    @ValueSource(strings = {"mnist", "fashion-mnist", "synthetic-shapes", "synthetic-shapes:500", "idx:/data/m",
        "folder:imgs", "npy:x.npy"})
    void canonicalSpecsRoundTrip(String s) {
        assertTrue(ImageSpec.isImageSpec(s));
        assertTrue(ImageDataset.isImageSpec(" " + s + " "));
        ImageSpec spec = ImageSpec.parse(s);
        assertEquals(s, spec.toString());
        assertEquals(spec, ImageSpec.parse(spec.toString()));
    }

    @Test
    void pointSpecsAreNotImageSpecs() {
        for (String s : Toy2d.NAMES) {
            assertFalse(ImageSpec.isImageSpec(s), s);
            DataSpec.parse(s); // still a point spec
        }
        for (String s : new String[] {"file:x.csv", "points.npy", "MNIST", "", "synthetic"}) {
            assertFalse(ImageSpec.isImageSpec(s), s);
        }
        assertFalse(ImageSpec.isImageSpec(null));
    }

    @Test
    void partsAreExposed() {
        ImageSpec idx = ImageSpec.parse("idx: /data/m ");
        assertEquals(ImageSpec.Kind.IDX, idx.kind());
        assertEquals(Path.of("/data/m"), idx.path().orElseThrow());
        ImageSpec syn = ImageSpec.parse("synthetic-shapes:600");
        assertEquals(600, syn.syntheticCount());
        assertEquals(100, syn.syntheticTestCount());
        assertEquals(ImageSpec.parse("synthetic-shapes"), ImageSpec.parse("synthetic-shapes:6000"));
        assertTrue(ImageSpec.parse("mnist").path().isEmpty());
        assertTrue(ImageSpec.parse("fashion-mnist").describe().startsWith("Fashion-MNIST"));
    }

    @Test
    void badSpecsListTheForms() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> ImageSpec.parse("cifar"));
        assertEquals("unknown image data spec 'cifar': expected mnist, fashion-mnist, synthetic-shapes[:N],"
                + " idx:DIR, folder:DIR or npy:FILE", e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> ImageSpec.parse("idx:"));
        assertEquals("image data spec 'idx:' has no path after 'idx:'", e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> ImageSpec.parse("synthetic-shapes:0"));
        assertTrue(e.getMessage().contains("'0' is not a positive image count"), e.getMessage());
    }
}
