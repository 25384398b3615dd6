package dev.reflowkit.cli;

import dev.reflowkit.config.Config;
import dev.reflowkit.pipeline.StageLauncher;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Starts a pipeline's stages as child JVMs: {@code reflow ARGS --stage NAME} (ARGS: the pipeline's
 * own command line) on this JVM's java, options and class path, with the stage's share of the
 * engine threads ({@code -Dai.djl.pytorch.num_threads}) and this process's environment.
 *
 * <p>A background stage (the evaluation's floor beside the teacher) starts, unless {@code
 * pipeline.beside_priority} is {@code normal}, at the lowest CPU priority the system gives: under
 * {@code chrt --idle 0} (Linux's {@code SCHED_IDLE}: it runs only where a core would otherwise
 * idle, and a stage that wakes up takes the core back at once), else under {@code nice -n 19}, else
 * as any other. Beside the two-lane teacher, whose lanes leave about a
 * sixth of each core unused while they wait for each other, the floor then runs on that unused time
 * instead of slowing the teacher (docs/PERFORMANCE.md). Both commands replace themselves with the
 * JVM, so the returned process is the stage's own.
 */
final class StageProcesses implements StageLauncher {

    private static final String THREADS = "-Dai.djl.pytorch.num_threads=";
    private static final long PARENT_POLL_MS = 1000;

    /** A way to start a command at low CPU priority: the prefix of its command line, and a note for the log. */
    private record Priority(List<String> prefix, String note) {}

    private static final Priority NORMAL = new Priority(List.of(), "");
    private static final List<Priority> LOW_PRIORITY = List.of(
            new Priority(List.of("chrt", "--idle", "0"), "at idle CPU priority (SCHED_IDLE)"),
            new Priority(List.of("nice", "-n", "19"), "at the lowest CPU priority (nice 19)"));

    private final List<String> args;
    private final boolean lowerBackground;
    private Priority chosen; // a background stage's priority, found on first use

    /**
     * A launcher for the pipeline of a command line.
     *
     * @param args the command line after {@code reflow}, {@code pipeline} first
     * @param lowerBackground whether background stages start at the lowest CPU priority
     *     ({@code pipeline.beside_priority = idle})
     */
    StageProcesses(List<String> args, boolean lowerBackground) {
        this.args = List.copyOf(args);
        this.lowerBackground = lowerBackground;
    }

    /**
     * The launcher for a pipeline's command line and configuration.
     *
     * @param args the command line after {@code reflow}, {@code pipeline} first
     * @param config the pipeline's configuration ({@code pipeline.beside_priority})
     * @return the launcher
     */
    static StageProcesses of(List<String> args, Config config) {
        return new StageProcesses(args, config.getString("pipeline.beside_priority").equals("idle"));
    }

    /** {@inheritDoc} */
    @Override
    public Process start(String stage, int threads, boolean background) throws IOException {
        List<String> cmd = new ArrayList<>(background ? backgroundPrefix() : List.of());
        cmd.add(ProcessHandle.current().info().command()
                .orElse(Path.of(System.getProperty("java.home"), "bin", "java").toString()));
        for (String a : ManagementFactory.getRuntimeMXBean().getInputArguments()) {
            if (!a.startsWith(THREADS) && !a.startsWith("-agentlib:jdwp")) {
                cmd.add(a);
            }
        }
        cmd.add(THREADS + threads);
        cmd.add("-cp");
        cmd.add(System.getProperty("java.class.path"));
        cmd.add(Main.class.getName());
        cmd.addAll(args); // reflow's whole command line: "pipeline" and its options
        cmd.add("--stage");
        cmd.add(stage);
        return new ProcessBuilder(cmd).redirectErrorStream(true).start();
    }

    /** {@inheritDoc} */
    @Override
    public String backgroundPriority() {
        return background().note();
    }

    /** The prefix of a background stage's command line: none when it keeps normal priority. */
    List<String> backgroundPrefix() {
        return background().prefix();
    }

    /** The first of {@link #LOW_PRIORITY} that runs a command here ({@code true}), else normal. */
    private synchronized Priority background() {
        if (chosen == null) {
            chosen = lowerBackground
                    ? LOW_PRIORITY.stream().filter(p -> runs(p.prefix())).findFirst().orElse(NORMAL)
                    : NORMAL;
        }
        return chosen;
    }

    private static boolean runs(List<String> prefix) {
        List<String> cmd = new ArrayList<>(prefix);
        cmd.add("true");
        try {
            Process p = new ProcessBuilder(cmd).redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
            if (!p.waitFor(10, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                return false;
            }
            return p.exitValue() == 0;
        } catch (IOException e) {
            return false; // not installed
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    /**
     * In a stage's child: ends this JVM at once when the parent pipeline's process has gone (killed
     * without the chance to stop its children), so that no stage runs on unwatched, holding its
     * directory's lock. What the stage wrote stays whole (every write is atomic) and a rerun
     * resumes from it.
     */
    static void exitWithParent() {
        ProcessHandle parent = ProcessHandle.current().parent().orElse(null);
        if (parent == null) {
            return;
        }
        Thread watch = new Thread(() -> {
            while (parent.isAlive()) {
                try {
                    Thread.sleep(PARENT_POLL_MS);
                } catch (InterruptedException e) {
                    return;
                }
            }
            System.err.println("reflow: the pipeline that started this stage has gone; stopping");
            Runtime.getRuntime().halt(3);
        }, "reflowkit-parent-watch");
        watch.setDaemon(true);
        watch.start();
    }
}
