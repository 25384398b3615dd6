package dev.reflowkit.pipeline;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.pytorch.jni.JniUtils;
import dev.reflowkit.config.Config;
import dev.reflowkit.config.ReflowConfig;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@link StageSchedule} with stages that are shell processes: order, the most at a time, the
 * threads each gets, output marked with the stage's name, and a failure; and the pipeline's plan.
 */
class StageScheduleTest {

    @TempDir
    Path dir;

    /** Records, per stage, the threads it was started with; each stage appends "start"/"end" to a log. */
    private final Map<String, Integer> threads = new ConcurrentHashMap<>();
    private final Set<String> background = ConcurrentHashMap.newKeySet();
    private final List<String> events = Collections.synchronizedList(new ArrayList<>());

    private StageLauncher shell(Map<String, String> scripts) {
        return (stage, n, low) -> {
            threads.put(stage, n);
            if (low) {
                background.add(stage);
            }
            events.add("start " + stage);
            return new ProcessBuilder("sh", "-c", scripts.get(stage)).redirectErrorStream(true).start();
        };
    }

    private static Pipeline.Stage stage(String name, String... needs) {
        return new Pipeline.Stage(name, List.of(needs), () -> {
            throw new AssertionError("runs in a child");
        });
    }

    private StageTimes times() throws IOException {
        Config c = ReflowConfig.schema().defaults();
        return new StageTimes(dir, "test", List.of(), c);
    }

    @Test
    void stagesRunAfterWhatTheyNeedTwoAtATimeWithTheirShareOfThreads() throws IOException {
        // a -> (b, c, d) -> e: a alone gets all 4 threads; b, c, d two at a time with 2 each.
        String sleep = "sleep 0.4; echo done";
        Map<String, String> scripts = Map.of("a", "echo hello from a", "b", sleep, "c", sleep, "d", sleep, "e", "echo e");
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        PrintStream out = new PrintStream(bytes, true, StandardCharsets.UTF_8);
        StageTimes times = times();
        new StageSchedule(List.of(stage("a"), stage("b", "a"), stage("c", "a"), stage("d", "a"), stage("e", "b", "c", "d")),
                2, 4, shell(scripts), times, out).run();
        String log = bytes.toString(StandardCharsets.UTF_8);

        assertEquals(4, threads.get("a"), "a stage alone gets every thread");
        assertEquals(2, threads.get("b"));
        assertEquals(2, threads.get("c"));
        assertEquals(List.of("start a", "start b", "start c", "start d", "start e"), events);
        assertTrue(log.contains("[a] hello from a"), log);
        assertTrue(log.contains("[d] done"), log);
        int dStarts = log.indexOf("== d: started");
        int firstEnd = Math.min(log.indexOf("== b: finished"), log.indexOf("== c: finished"));
        assertTrue(firstEnd >= 0 && dStarts > firstEnd, "d waits for a free slot:\n" + log);
        assertTrue(log.indexOf("== e: started") > log.indexOf("== d: finished"), "e waits for d:\n" + log);
        assertEquals(5, times.stages().size(), "every stage's time is recorded");
        assertTrue(Files.readString(dir.resolve("run.json")).contains("\"e\""), "and written to run.json");
    }

    @Test
    void aStageBesideTheOthersRunsOnOneThreadOutsideTheCountOfJobs() throws IOException {
        // a -> (b, c); f beside from the start: a still gets every thread, and b, c both start beside f.
        Map<String, String> scripts = Map.of("a", "sleep 0.3", "f", "sleep 1.2; echo floor done", "b", "sleep 0.3",
                "c", "sleep 0.3");
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        PrintStream out = new PrintStream(bytes, true, StandardCharsets.UTF_8);
        Pipeline.Stage f = new Pipeline.Stage("f", List.of(), true, () -> null);
        new StageSchedule(List.of(stage("a"), stage("b", "a"), stage("c", "a"), f), 2, 2, shell(scripts), times(), out)
                .run();
        String log = bytes.toString(StandardCharsets.UTF_8);

        assertEquals(2, threads.get("a"), "the stage beside does not take threads from the first one");
        assertEquals(1, threads.get("f"));
        assertEquals(1, threads.get("b"));
        assertEquals(1, threads.get("c"));
        assertEquals(Set.of("f"), background, "only the stage beside starts in the background");
        assertTrue(log.contains("== f: started in a child process with 1 engine thread, beside the others"), log);
        int aEnds = log.indexOf("== a: finished");
        assertTrue(log.indexOf("== f: started") < aEnds, "f starts beside a:\n" + log);
        int fEnds = log.indexOf("== f: finished");
        assertTrue(log.indexOf("== b: started") < fEnds && log.indexOf("== c: started") < fEnds,
                "b and c do not wait for a slot that f would hold:\n" + log);
    }

    @Test
    void aStageLeftAloneIsAskedToSampleOnEveryThread() throws IOException {
        // a and b start together on one thread each; when a ends nothing else can start before b
        // ends, so b is asked on its standard input to use both threads.
        Map<String, String> scripts = Map.of("a", "sleep 0.2", "b", "line=$(timeout 10 head -n 1); echo \"got $line\"");
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        PrintStream out = new PrintStream(bytes, true, StandardCharsets.UTF_8);
        new StageSchedule(List.of(stage("a"), stage("b")), 2, 2, shell(scripts), times(), out).run();
        String log = bytes.toString(StandardCharsets.UTF_8);
        assertEquals(1, threads.get("b"));
        assertTrue(log.contains("== b: nothing else can run until it ends; its sampling may use all 2 engine threads"),
                log);
        assertTrue(log.contains("[b] got threads 2"), "the request reaches the child:\n" + log);
        assertEquals(2, StageSchedule.threadsRequested(" threads 2 "));
        for (String other : List.of("threads", "threads 0", "threads two", "stop", "threads 2 now")) {
            assertEquals(null, StageSchedule.threadsRequested(other), other);
        }
    }

    @Test
    void aStageIsNotAskedToWidenWhileAnotherRunsBesideIt() throws IOException {
        // a ends and c, which needs nothing, takes its slot: b keeps its one thread. When b ends, c
        // is alone with nothing left to start and is asked.
        Map<String, String> scripts = Map.of("a", "true", "b", "line=$(timeout 1 head -n 1); echo \"got $line\"",
                "c", "sleep 1.5; echo c");
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        PrintStream out = new PrintStream(bytes, true, StandardCharsets.UTF_8);
        new StageSchedule(List.of(stage("a"), stage("b"), stage("c")), 2, 2, shell(scripts), times(), out).run();
        String log = bytes.toString(StandardCharsets.UTF_8);
        assertTrue(log.contains("[b] got"), log);
        assertFalse(log.contains("got threads") || log.contains("== b: nothing else"), log);
        assertTrue(log.contains("== c: nothing else can run until it ends"), log);
    }

    @Test
    void aFailedStageStopsWhatNeedsItAndIsReportedAfterTheOthersFinish() throws IOException {
        Map<String, String> scripts = Map.of("a", "echo broken >&2; exit 3", "slow", "sleep 0.5; echo kept",
                "after", "echo never");
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        PrintStream out = new PrintStream(bytes, true, StandardCharsets.UTF_8);
        StageTimes times = times();
        IOException e = assertThrows(IOException.class, () -> new StageSchedule(
                List.of(stage("a"), stage("slow"), stage("after", "a")), 2, 2, shell(scripts), times, out).run());
        String log = bytes.toString(StandardCharsets.UTF_8);
        assertTrue(e.getMessage().contains("a (exit code 3)"), e.getMessage());
        assertTrue(e.getMessage().contains("run the same command again"), e.getMessage());
        assertTrue(log.contains("[a] broken"), "the child's stderr is relayed:\n" + log);
        assertTrue(log.contains("[slow] kept"), "the running stage finishes:\n" + log);
        assertFalse(events.contains("start after"), "nothing that needs the failed stage starts");
        assertEquals(List.of("slow"), times.stages().stream().map(StageTimes.Stage::name).toList());
    }

    @Test
    void aStageThatCannotStartFailsThePipelineAfterTheRunningOnesFinish() throws IOException {
        StageLauncher shell = shell(Map.of("slow", "sleep 0.3; echo kept"));
        StageLauncher launcher = (stage, n, low) -> {
            if (stage.equals("broken")) {
                throw new IOException("no java here");
            }
            return shell.start(stage, n, low);
        };
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        PrintStream out = new PrintStream(bytes, true, StandardCharsets.UTF_8);
        StageTimes times = times();
        IOException e = assertThrows(IOException.class, () -> new StageSchedule(
                List.of(stage("slow"), stage("broken"), stage("later")), 2, 2, launcher, times, out).run());
        assertTrue(e.getMessage().contains("broken (could not start: no java here)"), e.getMessage());
        assertTrue(bytes.toString(StandardCharsets.UTF_8).contains("[slow] kept"), "the running stage finishes");
        assertFalse(events.contains("start later"), "nothing starts after the failure");
        assertEquals(List.of("slow"), times.stages().stream().map(StageTimes.Stage::name).toList());
    }

    @Test
    void automaticJobsAreTwoForAUNetOnTwoOrMoreThreadsAndOneForTheMlp() {
        Config mlp = ReflowConfig.schema().defaults();
        assertEquals(1, Pipeline.jobs(mlp), "the 2-D MLP's stages take less than a process start");
        int threads = JniUtils.getNumThreads();
        assertEquals(threads >= 2 ? 2 : 1, Pipeline.jobs(mlp.with("model.type", "unet")));
        assertEquals(3, Pipeline.jobs(mlp.with("pipeline.jobs", 3)), "a set value is kept");
    }

    @Test
    void thePlanListsEveryStageOnceAfterWhatItNeeds() {
        Config c = ReflowConfig.schema().defaults();
        List<String> names = Pipeline.stages(c, dir);
        assertEquals(List.of("teacher", "pairs/round1/backward", "reflow/baseline", "pairs/round1/forward",
                "reflow/simple-reflow", "evaluation/floor", "evaluation/teacher", "evaluation/baseline",
                "evaluation/simple-reflow"), names);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> Pipeline.runStage(c, dir, List.of(), "reflow/nope", System.out));
        assertTrue(e.getMessage().contains("no stage 'reflow/nope'") && e.getMessage().contains("evaluation/floor"),
                e.getMessage());
    }
}
