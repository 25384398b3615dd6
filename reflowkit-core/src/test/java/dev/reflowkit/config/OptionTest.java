package dev.reflowkit.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

class OptionTest {

    private static String error(Runnable r) {
        ConfigException e = assertThrows(ConfigException.class, r::run);
        assertFalse(e.getMessage().contains("\n"), "one line: " + e.getMessage());
        return e.getMessage();
    }

    @Test
    void intParsingIsStrict() {
        Option<Integer> steps = Option.ofInt("train.steps", 10).optAtLeast(1)
                .setDescription("Steps.").build();
        assertEquals(20000, steps.parse("20000"));
        assertEquals(7, steps.parse(" +7 "));
        assertEquals("train.steps: expected an integer, got 'abc'", error(() -> steps.parse("abc")));
        assertEquals("train.steps: expected an integer, got '1.5'", error(() -> steps.parse("1.5")));
        assertEquals("train.steps: expected an integer, got '2e4'", error(() -> steps.parse("2e4")));
        assertTrue(error(() -> steps.parse("99999999999")).startsWith(
                "train.steps: expected an integer in [-2147483648, 2147483647]"));
        assertEquals("train.steps: expected an integer, got 1.5", error(() -> steps.coerce(1.5)));
        assertEquals("train.steps: expected an integer, got 2", error(() -> steps.coerce(2.0)));
        assertEquals(3, steps.coerce(3L));
    }

    @Test
    void longAndDoubleAndBoolean() {
        Option<Long> seed = Option.ofLong("seed", 0).optAtLeast(0).setDescription("Seed.").build();
        assertEquals(123456789012L, seed.parse("123456789012"));
        Option<Double> lr = Option.ofDouble("train.lr", 1e-3).optGreaterThan(0)
                .setDescription("LR.").build();
        assertEquals(2e-4, lr.parse("2e-4"));
        assertEquals(3.0, lr.parse("3"));
        assertEquals(0.5, lr.coerce(0.5f));
        assertEquals(2.0, lr.coerce(2));
        assertEquals("train.lr: expected a number, got 'fast'", error(() -> lr.parse("fast")));
        assertEquals("train.lr: expected a number, got 'NaN'", error(() -> lr.parse("NaN")));
        assertEquals("train.lr: expected a number, got '1.5d'", error(() -> lr.parse("1.5d")));
        assertTrue(error(() -> lr.parse("1e999")).contains("expected a finite number"));
        assertTrue(error(() -> lr.coerce(Double.POSITIVE_INFINITY)).contains("finite"));
        Option<Boolean> flag = Option.ofBoolean("a.flag", false).setDescription("F.").build();
        assertEquals(true, flag.parse("TRUE"));
        assertEquals(false, flag.parse("false"));
        assertEquals("a.flag: expected true or false, got 'yes'", error(() -> flag.parse("yes")));
    }

    @Test
    void everyBoundKindIsEnforced() {
        Option<Double> gt = Option.ofDouble("a.gt", 1).optGreaterThan(0).setDescription("x").build();
        Option<Double> ge = Option.ofDouble("a.ge", 1).optAtLeast(0).setDescription("x").build();
        Option<Double> lt = Option.ofDouble("a.lt", 0).optLessThan(1).setDescription("x").build();
        Option<Double> le = Option.ofDouble("a.le", 0).optAtMost(1).setDescription("x").build();
        Option<Double> in = Option.ofDouble("a.in", 0.5).optGreaterThan(0).optLessThan(1)
                .setDescription("x").build();
        Option<Integer> closed = Option.ofInt("a.closed", 1).optAtLeast(1).optAtMost(3)
                .setDescription("x").build();

        assertEquals("a.gt: must be > 0, got -1", error(() -> gt.parse("-1")));
        assertEquals("a.gt: must be > 0, got 0", error(() -> gt.parse("0")));
        assertEquals(0.0, ge.parse("0"));
        assertEquals("a.ge: must be >= 0, got -0.5", error(() -> ge.parse("-0.5")));
        assertEquals("a.lt: must be < 1, got 1", error(() -> lt.parse("1")));
        assertEquals(1.0, le.parse("1"));
        assertEquals("a.le: must be <= 1, got 1.5", error(() -> le.parse("1.5")));
        assertEquals("a.in: must be in (0, 1), got 1", error(() -> in.parse("1.0")));
        assertEquals("a.in: must be in (0, 1), got 0", error(() -> in.parse("0")));
        assertEquals(3, closed.parse("3"));
        assertEquals("a.closed: must be in [1, 3], got 4", error(() -> closed.parse("4")));
        assertEquals("in [1, 3]", closed.boundsText());
        assertEquals("> 0", gt.boundsText());
    }

    @Test
    void choicesAreExactAndSuggested() {
        Option<String> act = Option.ofChoice("model.activation", "silu", "silu", "gelu", "relu")
                .setDescription("Activation.").build();
        assertEquals("gelu", act.parse("gelu"));
        assertEquals("model.activation: must be one of silu, gelu, relu; got 'selu'"
                + " (did you mean 'silu', 'gelu' or 'relu'?)", error(() -> act.parse("selu")));
        assertEquals("model.activation: must be one of silu, gelu, relu; got 'swish'",
                error(() -> act.parse("swish")));
        assertTrue(error(() -> act.parse("SILU")).contains("did you mean 'silu'"));
        assertThrows(IllegalArgumentException.class,
                () -> Option.ofChoice("a.b", "x", "y", "z").setDescription("d").build());
    }

    @Test
    void listsParseInBothSyntaxesAndCheckEachElement() {
        Option<List<Integer>> nfe = Option.ofIntList("eval.nfe", List.of(1, 2)).optAtLeast(1)
                .setDescription("NFEs.").build();
        assertEquals(List.of(1, 2, 4), nfe.parse("[1,2,4]"));
        assertEquals(List.of(1, 2, 4), nfe.parse(" 1, 2 ,4 "));
        assertEquals(List.of(8), nfe.parse("8"));
        assertEquals(List.of(), nfe.parse("[]"));
        assertEquals(List.of(), nfe.parse(""));
        assertEquals("eval.nfe[1]: expected an integer, got '2.5'", error(() -> nfe.parse("1,2.5")));
        assertEquals("eval.nfe[2]: must be >= 1, got 0", error(() -> nfe.parse("[4,2,0]")));
        assertEquals("eval.nfe[1]: expected an integer, got ''", error(() -> nfe.parse("1,,2")));
        assertTrue(error(() -> nfe.parse("[1,2")).startsWith(
                "eval.nfe: expected a list of integers written [1,2,4] or 1,2,4, got '[1,2'"));
        assertEquals(List.of(3, 5), nfe.coerce(new int[] {3, 5}));
        assertThrows(UnsupportedOperationException.class, () -> nfe.parse("1,2").add(3));

        Option<List<Double>> grid = Option.ofDoubleList("s.grid", List.of())
                .setDescription("Grid.").build();
        assertEquals(List.of(1.0, 0.5, 0.0), grid.parse("[1, 0.5, 0]"));
        assertEquals(List.of(0.25), grid.coerce(List.of(0.25)));
        Option<List<String>> names = Option.ofStringList("a.names", List.of("x"))
                .setDescription("Names.").build();
        assertEquals(List.of("a", "b c", "d"), names.parse("[a, 'b c', \"d\"]"));
    }

    @Test
    void rulesApplyToTheWholeValue() {
        Option<Integer> dim = Option.ofInt("model.time_dim", 64).optAtLeast(2)
                .optRule(v -> v % 2 == 0, "even").setDescription("Dim.").build();
        assertEquals("model.time_dim: must be even, got 63", error(() -> dim.parse("63")));
        assertEquals(List.of("even"), dim.ruleTexts());
    }

    @Test
    void builderRejectsInconsistentDeclarations() {
        assertThrows(IllegalArgumentException.class,
                () -> Option.ofInt("Train.Steps", 1).setDescription("d").build());
        assertThrows(IllegalArgumentException.class, () -> Option.ofInt("a.b", 1).build());
        assertThrows(IllegalArgumentException.class,
                () -> Option.ofInt("a.b", 0).optAtLeast(1).setDescription("d").build());
        assertThrows(IllegalArgumentException.class,
                () -> Option.ofString("a.b", "x").optAtLeast(1).setDescription("d").build());
        assertThrows(IllegalArgumentException.class, () -> Option.ofDouble("a.b", 0.5)
                .optGreaterThan(1).optLessThan(0).setDescription("d").build());
    }
}
