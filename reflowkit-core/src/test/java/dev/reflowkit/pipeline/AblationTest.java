package dev.reflowkit.pipeline;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.reflowkit.config.Config;
import dev.reflowkit.config.ConfigLoader;
import dev.reflowkit.config.ReflowConfig;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AblationTest {

    @TempDir
    Path dir;

    private static Config config(String... more) {
        List<String> o = new java.util.ArrayList<>(List.of(
                "train.steps=20", "train.batch_size=32", "train.warmup_steps=0", "model.hidden=16",
                "model.depth=1", "model.time_scale=1", "data.train_count=600", "train.checkpoint_every=20",
                "eval.count=40", "eval.repeats=1", "eval.nfe=[1,2]", "pairs.count=100", "pairs.forward_count=100",
                "pairs.nfe=3", "pairs.shard_size=100", "pairs.block=50", "pipeline.reflow_set=[train.steps=5]",
                "ablate.seeds=[0,1]"));
        o.addAll(List.of(more));
        return ConfigLoader.load(ReflowConfig.schema(), null, o);
    }

    @Test
    void variantsAddAndRemoveTheApplicableImprovements() {
        List<Ablation.Variant> variants = Ablation.variants(config(), false);
        List<String> names = variants.stream().map(Ablation.Variant::name).toList();
        assertEquals("baseline", names.get(0));
        assertTrue(names.contains("baseline + 10^t time distribution"), names.toString());
        assertTrue(names.contains("simple-reflow − forward pairs"), names.toString());
        assertTrue(names.contains("baseline + projected pairs") && names.contains("simple-reflow − projected pairs"));
        assertTrue(names.stream().noneMatch(n -> n.contains("HPF")), "HPF needs images");
        assertTrue(names.stream().noneMatch(n -> n.contains("dropout")), "the teacher has no dropout");
        Ablation.Variant all = variants.stream().filter(v -> v.name().equals("simple-reflow (all seven)")).findFirst()
                .orElseThrow();
        assertTrue(all.overrides().contains("reflow.directions=[projected,forward]") && all.overrides().contains(
                "eval.grid=tuned"), all.toString());
        Ablation.Variant timeBin = variants.stream().filter(v -> v.name().equals(Ablation.TIME_BIN_EMA)).findFirst()
                .orElseThrow();
        assertTrue(timeBin.overrides().containsAll(all.overrides())
                && timeBin.overrides().get(timeBin.overrides().size() - 1).equals("loss.weight=time-bin-ema"), timeBin.toString());
        Ablation.Variant sampler = variants.stream().filter(v -> v.name().startsWith("baseline + sampler")).findFirst()
                .orElseThrow();
        assertEquals("baseline", sampler.model(), "the sampler row evaluates baseline's model");
        List<String> withDropout = Ablation.variants(config("model.dropout=0.1"), true).stream()
                .map(Ablation.Variant::name).toList();
        assertTrue(withDropout.contains("baseline + smaller dropout") && withDropout.contains("baseline + HPF loss"));
        assertEquals(names.size(), Ablation.variants(config("ablate.sampler_grid=uniform"), false).size() + 2,
                "no sampler rows when the sampler grid is the evaluation grid");
        List<String> adds = Ablation.variants(config("ablate.rows=add"), false).stream()
                .map(Ablation.Variant::name).toList();
        assertEquals(names.stream().filter(n -> !n.startsWith("simple-reflow − ")).toList(), adds, "additions only");
        List<String> removals = Ablation.variants(config("ablate.rows=remove"), false).stream()
                .map(Ablation.Variant::name).toList();
        assertEquals(names.stream().filter(n -> !n.startsWith("baseline + ")).toList(), removals, "removals only");
        assertEquals(List.of("baseline", "simple-reflow"), Ablation.variants(config("ablate.rows=none"), false)
                .stream().map(Ablation.Variant::name).toList());
    }

    @Test
    void writesMeanAndStdOverSeedsOfEveryMetric() throws IOException {
        Config c = config("ablate.rows=none", "eval.extra_grids=[edm]", "ablate.reference=true");
        Ablation.run(c, dir, List.of(), new PrintStream(new ByteArrayOutputStream()));
        JsonNode json = new ObjectMapper().readTree(dir.resolve("ablation.json").toFile());
        JsonNode rows = json.get("rows");
        assertEquals(4, rows.size(), "floor, teacher, baseline, simple-reflow");
        assertEquals("floor (data vs data)", rows.get(0).get("variant").asText());
        assertEquals("teacher", rows.get(1).get("variant").asText());
        for (JsonNode row : rows) {
            if (row.get("variant").asText().startsWith("floor")) {
                assertEquals(2, row.get("columns").get("floor").get("w2").get("seeds").asInt(), row.toString());
                continue;
            }
            for (String col : List.of("uniform@1", "uniform@2", "edm@1", "edm@2", "adaptive")) {
                JsonNode cell = row.get("columns").get(col);
                assertEquals(2, cell.get("w2").get("seeds").asInt(), col + " " + row);
                assertTrue(cell.get("w2").get("mean").asDouble() > 0 && cell.get("w2").get("std").asDouble() >= 0);
                assertTrue(cell.has("energy") && cell.has("mmd"), cell.toString());
            }
        }
        String md = Files.readString(dir.resolve("ablation.md"));
        assertTrue(md.contains("| variant | uniform NFE 1 | uniform NFE 2 | edm NFE 1 | edm NFE 2 | dopri5 |"), md);
        assertEquals(2 * (rows.size() + 2), md.lines().filter(l -> l.startsWith("|")).count(), md);
        long runs = Files.list(dir.resolve("runs")).count();
        assertEquals(4, runs, "2 variants x 2 seeds");
    }
}
