package dev.reflowkit.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.pytorch.jni.JniUtils;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.reflowkit.engine.Engines;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code reflow pipeline} with stages side by side in child processes ({@code pipeline.jobs}):
 * the same scores as one stage after another, output marked per stage, stage times recorded; and
 * a pipeline killed with SIGKILL takes its stages' processes with it and resumes on a rerun.
 */
class PipelineJobsTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path dir;

    @Test
    void stagesSideBySideScoreAsOneAfterAnother() throws Exception {
        Path seq = dir.resolve("seq");
        Path par = dir.resolve("par");
        Cli.Result one = Cli.run(Cli.tiny(List.of("pipeline", "--out", seq.toString()), "pipeline.jobs=1"));
        assertEquals(0, one.exitCode(), one::toString);
        Cli.Result two = Cli.run(Cli.tiny(List.of("pipeline", "--out", par.toString()), "pipeline.jobs=2"));
        assertEquals(0, two.exitCode(), two::toString);

        Engines.engine();
        int threads = JniUtils.getNumThreads();
        assertTrue(two.out().contains("== teacher: started in a child process with " + threads + " engine thread"),
                "the teacher starts alone, with every thread:\n" + two.out());
        assertTrue(two.out().contains("== reflow/baseline: started in a child process with "
                + Math.max(1, threads / 2) + " engine thread"), two.out());
        assertTrue(two.out().contains("== evaluation/floor: started in a child process with 1 engine thread, beside"
                + " the others" + background(new StageProcesses(List.of(), true).backgroundPriority())), two.out());
        assertTrue(two.out().indexOf("== evaluation/floor: started") < two.out().indexOf("== teacher: finished"),
                "the floor needs only the data: it runs beside the teacher\n" + two.out());
        if (threads > 1) {
            assertTrue(two.out().contains("nothing else can run until it ends; its sampling may use all " + threads),
                    "the last evaluation, left alone, is asked to take every thread:\n" + two.out());
        }
        assertTrue(two.out().contains("[reflow/simple-reflow] "), "child output is marked:\n" + two.out());
        assertFalse(one.out().contains("child process"), one.out());

        JsonNode a = JSON.readTree(seq.resolve("metrics.json").toFile()).get("runs");
        JsonNode b = JSON.readTree(par.resolve("metrics.json").toFile()).get("runs");
        assertEquals(a.size(), b.size());
        for (int i = 0; i < a.size(); i++) {
            assertEquals(a.get(i).get("model").asText(), b.get(i).get("model").asText());
            assertEquals(a.get(i).get("nfe").asDouble(), b.get(i).get("nfe").asDouble(), 0.0);
            double x = a.get(i).get("metrics").get("w2").asDouble();
            double y = b.get(i).get("metrics").get("w2").asDouble();
            // one or two engine threads: the same runs up to rounding
            assertEquals(x, y, 1e-3 * Math.abs(x), "run " + i + " w2");
        }

        JsonNode run = JSON.readTree(par.resolve("run.json").toFile());
        assertEquals(2, run.get("jobs").asInt());
        List<String> names = new ArrayList<>();
        run.get("stages").forEach(s -> names.add(s.get("name").asText()));
        for (String stage : List.of("teacher", "pairs/round1/backward", "reflow/simple-reflow", "evaluation/floor",
                "evaluation/baseline", "metrics", "report")) {
            assertTrue(names.contains(stage), stage + " in " + names);
        }
        assertTrue(run.get("total_seconds").asDouble() > 0);
    }

    @Test
    void aKilledPipelineTakesItsStagesWithItAndResumes() throws Exception {
        Path out = dir.resolve("run");
        List<String> args = List.of(Cli.tiny(List.of("pipeline", "--out", out.toString()), "pipeline.jobs=2",
                "train.steps=4000"));
        try (ChildCli pipeline = ChildCli.start(dir.resolve("pipeline.log"), args)) {
            assertTrue(pipeline.awaitOutput("step 200/4000", 120), "the teacher trains in its own process");
            assertTrue(pipeline.output().contains("[teacher] ["), pipeline.output());
            assertTrue(pipeline.killAfter(0), "SIGKILL while the teacher's stage runs");
        }
        long deadline = System.nanoTime() + 20_000_000_000L;
        while (System.nanoTime() < deadline && !stagesOf(out).isEmpty()) {
            Thread.sleep(100);
        }
        assertEquals(List.of(), stagesOf(out), "the stage's process ends when its pipeline has gone");

        Cli.Result again = Cli.run(Cli.tiny(List.of("pipeline", "--out", out.toString()), "pipeline.jobs=1",
                "train.steps=4000"));
        assertEquals(0, again.exitCode(), again::toString);
        String log = again.out() + again.err();
        assertFalse(log.contains("step 10/4000 "), "the teacher resumes from its checkpoints:\n" + log);
        assertTrue(log.contains("step 4000/4000 "), log);
        assertTrue(Files.exists(out.resolve("metrics.json")));
    }

    /** The command lines of running stage processes of a pipeline directory. */
    private static List<String> stagesOf(Path out) {
        return ProcessHandle.allProcesses()
                .map(p -> p.info().commandLine().orElse(""))
                .filter(c -> c.contains("--stage") && c.contains(out.toString()))
                .toList();
    }

    /** The floor's line ends with the launcher's note on its priority, where it has one. */
    private static String background(String priority) {
        return priority.isEmpty() ? "" : " " + priority;
    }
}
