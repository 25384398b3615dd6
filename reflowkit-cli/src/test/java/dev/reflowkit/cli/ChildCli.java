package dev.reflowkit.cli;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A {@code reflow} command running in a child JVM, which a test can kill with SIGKILL.
 *
 * <p>The child runs {@link Main} on this JVM's class path with one engine thread (so that its
 * results are bitwise reproducible and it does not fight the test for the cores); its stdout and
 * stderr go to a log file that {@link #awaitOutput} polls.
 */
final class ChildCli implements AutoCloseable {

    private static final long POLL_MS = 2;

    private final Process process;
    private final Path log;
    private final long startNanos;

    private ChildCli(Process process, Path log, long startNanos) {
        this.process = process;
        this.log = log;
        this.startNanos = startNanos;
    }

    /**
     * Starts {@code reflow ARGS} in a child JVM.
     *
     * @param log the file for the child's stdout and stderr (replaced)
     * @param args the command line after {@code reflow}
     * @return the running child
     * @throws IOException if the JVM cannot be started
     */
    static ChildCli start(Path log, List<String> args) throws IOException {
        return start(log, List.of(), args);
    }

    /**
     * Starts {@code reflow ARGS} in a child JVM under a wrapper command.
     *
     * @param log the file for the child's stdout and stderr (replaced)
     * @param wrapper the command that runs the JVM command line appended to it (e.g. {@code unshare
     *     -m sh -c SCRIPT sh}); empty for none
     * @param args the command line after {@code reflow}
     * @return the running child
     * @throws IOException if the JVM cannot be started
     */
    static ChildCli start(Path log, List<String> wrapper, List<String> args) throws IOException {
        List<String> cmd = new ArrayList<>(wrapper);
        cmd.addAll(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx1g", "-XX:+UseSerialGC", "-Dai.djl.offline=true", "-Dai.djl.pytorch.num_threads=1",
                "-cp", System.getProperty("java.class.path"), Main.class.getName()));
        cmd.addAll(args);
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile());
        pb.environment().put("DJL_OFFLINE", "true");
        pb.environment().put("TORCH_CPP_LOG_LEVEL", "ERROR");
        pb.environment().remove("REFLOW_DEBUG");
        long t0 = System.nanoTime();
        return new ChildCli(pb.start(), log, t0);
    }

    /**
     * The child's process id.
     *
     * @return the pid
     */
    long pid() {
        return process.pid();
    }

    /**
     * Whether the child is still running.
     *
     * @return true while it runs
     */
    boolean isAlive() {
        return process.isAlive();
    }

    /**
     * Seconds since the child was started.
     *
     * @return elapsed seconds
     */
    double seconds() {
        return (System.nanoTime() - startNanos) / 1e9;
    }

    /**
     * Waits until the child's output contains a text or the child has ended.
     *
     * @param text the text to wait for
     * @param timeoutSeconds the longest wait
     * @return true if the text appeared while the child was alive
     * @throws IOException if the log cannot be read
     * @throws InterruptedException if interrupted
     */
    boolean awaitOutput(String text, double timeoutSeconds) throws IOException, InterruptedException {
        long deadline = System.nanoTime() + (long) (timeoutSeconds * 1e9);
        while (System.nanoTime() < deadline) {
            if (output().contains(text)) {
                return process.isAlive();
            }
            if (!process.isAlive()) {
                return false;
            }
            Thread.sleep(POLL_MS);
        }
        throw new AssertionError("no '" + text + "' from the child after " + timeoutSeconds + " s:\n" + output());
    }

    /**
     * Sleeps, then kills the child with SIGKILL if it is still running.
     *
     * @param delaySeconds how long to let it run first
     * @return true if the kill landed (the child was running and died of it)
     * @throws InterruptedException if interrupted
     */
    boolean killAfter(double delaySeconds) throws InterruptedException {
        if (process.waitFor((long) (delaySeconds * 1e6), TimeUnit.MICROSECONDS)) {
            return false;
        }
        process.destroyForcibly(); // SIGKILL on Linux: no shutdown hooks, no finally blocks
        int code = process.waitFor();
        return code != 0;
    }

    /**
     * Waits for the child to end on its own.
     *
     * @param timeoutSeconds the longest wait
     * @return its exit code
     * @throws InterruptedException if interrupted
     */
    int await(double timeoutSeconds) throws InterruptedException {
        if (!process.waitFor((long) (timeoutSeconds * 1000), TimeUnit.MILLISECONDS)) {
            process.destroyForcibly();
            throw new AssertionError("the child ran longer than " + timeoutSeconds + " s");
        }
        return process.exitValue();
    }

    /**
     * What the child has printed so far.
     *
     * @return stdout and stderr together
     * @throws IOException if the log cannot be read
     */
    String output() throws IOException {
        return Files.exists(log) ? Files.readString(log, StandardCharsets.UTF_8) : "";
    }

    /**
     * The last line the child printed, where a kill landed.
     *
     * @return the line, or an empty string
     * @throws IOException if the log cannot be read
     */
    String lastLine() throws IOException {
        String[] lines = output().split("\\R");
        for (int i = lines.length - 1; i >= 0; i--) {
            if (!lines[i].isBlank()) {
                return lines[i].strip();
            }
        }
        return "";
    }

    @Override
    public void close() {
        if (process.isAlive()) {
            process.destroyForcibly();
        }
    }
}
