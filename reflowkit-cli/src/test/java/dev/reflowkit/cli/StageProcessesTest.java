package dev.reflowkit.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.reflowkit.config.Config;
import dev.reflowkit.config.ConfigLoader;
import dev.reflowkit.config.ReflowConfig;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class StageProcessesTest {

    /** The scheduling policy a command runs with, read from its own /proc/self/stat (field 41). */
    private static int policy(List<String> prefix) throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>(prefix);
        cmd.addAll(List.of("cat", "/proc/self/stat"));
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String stat = new String(p.getInputStream().readAllBytes(), StandardCharsets.US_ASCII);
        assertEquals(0, p.waitFor(), stat);
        String[] fields = stat.substring(stat.lastIndexOf(')') + 2).trim().split(" ");
        return Integer.parseInt(fields[41 - 3]); // fields 3.. follow the command's name
    }

    @Test
    void aBackgroundStageRunsAtIdlePriorityWhereLinuxGivesIt() throws Exception {
        StageProcesses launcher = new StageProcesses(List.of("pipeline"), true);
        List<String> prefix = launcher.backgroundPrefix();
        assumeTrue(Files.isReadable(Path.of("/proc/self/stat")), "not Linux: no scheduling policy to read");
        boolean chrt = new ProcessBuilder("sh", "-c", "command -v chrt").start().waitFor() == 0;
        assertEquals(chrt, prefix.equals(List.of("chrt", "--idle", "0")), prefix::toString);
        if (chrt) {
            assertEquals("at idle CPU priority (SCHED_IDLE)", launcher.backgroundPriority());
            assertEquals(5, policy(prefix), "SCHED_IDLE");
        }
        assertEquals(0, policy(List.of()), "SCHED_OTHER for the others");
    }

    @Test
    void backgroundStagesKeepNormalPriorityWhenAskedTo() {
        Config normal = ConfigLoader.load(ReflowConfig.schema(), null, List.of("pipeline.beside_priority=normal"));
        StageProcesses launcher = StageProcesses.of(List.of("pipeline"), normal);
        assertEquals(List.of(), launcher.backgroundPrefix());
        assertEquals("", launcher.backgroundPriority());
        Config idle = ReflowConfig.schema().defaults();
        assertEquals(new StageProcesses(List.of("pipeline"), true).backgroundPrefix(),
                StageProcesses.of(List.of("pipeline"), idle).backgroundPrefix(), "idle by default");
    }
}
