package dev.reflowkit.cli;

import dev.reflowkit.pipeline.StageLauncher;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Starts a pipeline's stages as child JVMs: {@code reflow ARGS --stage NAME} (ARGS: the pipeline's
 * own command line) on this JVM's java, options and class path, with the stage's share of the
 * engine threads ({@code -Dai.djl.pytorch.num_threads}) and this process's environment.
 */
final class StageProcesses implements StageLauncher {

    private static final String THREADS = "-Dai.djl.pytorch.num_threads=";
    private static final long PARENT_POLL_MS = 1000;

    private final List<String> args;

    /**
     * A launcher for the pipeline of a command line.
     *
     * @param args the command line after {@code reflow}, {@code pipeline} first
     */
    StageProcesses(List<String> args) {
        this.args = List.copyOf(args);
    }

    /** {@inheritDoc} */
    @Override
    public Process start(String stage, int threads) throws IOException {
        List<String> cmd = new ArrayList<>();
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
