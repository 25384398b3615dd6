package dev.reflowkit.pipeline;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.InterruptedIOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.LinkedBlockingQueue;

/**
 * Runs a pipeline's stages side by side in child processes: at most {@code jobs} at a time, each
 * once the stages it needs have finished, the first ready one in plan order first.
 *
 * <p>Threads: a stage that starts while nothing else runs and nothing else is ready gets all of
 * the engine's threads (the teacher, which trains in lanes on them); otherwise each stage gets
 * {@code threads / jobs}. Two one-thread processes on 2 cores did 1.5 times the training work of
 * one process on both (docs/PERFORMANCE.md): a process's passes on small batches leave much of a
 * second core unused, two processes do not share that overhead.
 *
 * <p>A stage marked {@link Pipeline.Stage#beside beside} starts once what it needs has finished,
 * on one thread, outside the count of {@code jobs}, and the others' shares ignore it; the launcher
 * starts it in the background, at the lowest CPU priority it can give. The evaluation's floor at
 * normal priority cost the two-lane teacher about a third of its speed for the minute it ran; at
 * idle priority it runs on the time the teacher's lanes leave unused while they wait for each other,
 * three times as long, and the teacher keeps its speed (docs/PERFORMANCE.md).
 *
 * <p>When one stage runs and nothing else can start before it ends, it is asked (a line
 * {@code threads N} on its standard input, {@link Pipeline#followScheduleRequests}) to sample on
 * all threads: an evaluation or a pair store left alone takes the freed core from its next network
 * evaluation on. Sampling gives the same bits on any number of threads ({@link
 * dev.reflowkit.engine.Engines#requestSamplingThreads}), so when the request arrives does not
 * change results; a training does not follow it.
 *
 * <p>Each child's output is printed line by line with its stage's name in front. When a stage
 * fails, no further stage starts, the running ones finish (their work is kept; a rerun resumes from
 * it), and the failure is thrown. If this process ends early (an interrupt, Ctrl-C), the children
 * are stopped; a child also stops by itself when its parent has gone.
 */
final class StageSchedule {

    /** The request line a child follows ({@link Pipeline#followScheduleRequests}): {@code threads N}. */
    static final String THREADS_REQUEST = "threads";

    /** A finished child. */
    private record Finished(Pipeline.Stage stage, int exitCode, double seconds) {}

    private final List<Pipeline.Stage> stages;
    private final int jobs;
    private final int threads;
    private final StageLauncher launcher;
    private final StageTimes times;
    private final PrintStream out;

    /**
     * A schedule.
     *
     * @param stages the stages in plan order (every stage after those it needs)
     * @param jobs the most stages at a time, {@code >= 1}
     * @param threads the engine threads to share among them
     * @param launcher starts a stage's child process
     * @param times records each finished stage's wall time
     * @param out where the children's output and the schedule's notes go
     */
    StageSchedule(List<Pipeline.Stage> stages, int jobs, int threads, StageLauncher launcher, StageTimes times,
            PrintStream out) {
        this.stages = List.copyOf(stages);
        this.jobs = jobs;
        this.threads = Math.max(1, threads);
        this.launcher = launcher;
        this.times = times;
        this.out = out;
    }

    /**
     * Runs every stage.
     *
     * @throws IOException if a stage fails or cannot start (after the running ones have finished)
     */
    void run() throws IOException {
        Set<String> done = new HashSet<>();
        List<Pipeline.Stage> pending = new ArrayList<>(stages);
        Map<String, Process> running = new LinkedHashMap<>();
        Set<String> beside = new HashSet<>(); // running stages outside the count of jobs
        Map<String, Integer> shares = new HashMap<>(); // the threads each running stage has
        BlockingQueue<Finished> finished = new LinkedBlockingQueue<>();
        List<String> failures = new ArrayList<>();
        Set<Process> live = ConcurrentHashMap.newKeySet(); // for the shutdown hook's thread
        Thread stopChildren = new Thread(() -> live.forEach(Process::destroy), "reflowkit-stop-stages");
        Runtime.getRuntime().addShutdownHook(stopChildren);
        try {
            while (!pending.isEmpty() || !running.isEmpty()) {
                if (failures.isEmpty()) {
                    List<Pipeline.Stage> ready = pending.stream().filter(s -> done.containsAll(s.needs())).toList();
                    long readyInSlots = ready.stream().filter(s -> !s.beside()).count();
                    for (Pipeline.Stage s : ready) {
                        long inSlots = running.keySet().stream().filter(n -> !beside.contains(n)).count();
                        if (!s.beside() && inSlots >= jobs) {
                            continue;
                        }
                        int share = s.beside() ? 1
                                : inSlots == 0 && readyInSlots == 1 ? threads : Math.max(1, threads / jobs);
                        pending.remove(s);
                        Process p;
                        try {
                            p = start(s, share, finished);
                        } catch (IOException e) {
                            failures.add(s.name() + " (could not start: " + e.getMessage() + ")");
                            out.println("== " + s.name() + ": could not start a child process: " + e.getMessage());
                            break;
                        }
                        String priority = s.beside() ? launcher.backgroundPriority() : "";
                        out.println("== " + s.name() + ": started in a child process with " + share + " engine thread"
                                + (share == 1 ? "" : "s") + (s.beside() ? ", beside the others" : "")
                                + (priority.isEmpty() ? "" : " " + priority));
                        running.put(s.name(), p);
                        shares.put(s.name(), share);
                        if (s.beside()) {
                            beside.add(s.name());
                        }
                        live.add(p);
                    }
                }
                if (running.isEmpty()) {
                    if (!failures.isEmpty()) {
                        break;
                    }
                    throw new IllegalStateException("stages wait for stages that never run: " + pending);
                }
                if (running.size() == 1) {
                    // Nothing else runs, and nothing else can start before it ends.
                    Map.Entry<String, Process> only = running.entrySet().iterator().next();
                    if (shares.get(only.getKey()) < threads && request(only.getValue(), threads)) {
                        shares.put(only.getKey(), threads);
                        out.println("== " + only.getKey() + ": nothing else can run until it ends; its sampling may"
                                + " use all " + threads + " engine threads");
                    }
                }
                Finished f = finished.take();
                Process ended = running.remove(f.stage().name());
                live.remove(ended);
                closeRequests(ended);
                if (f.exitCode() == 0) {
                    done.add(f.stage().name());
                    times.record(f.stage().name(), f.seconds());
                    out.println("== " + f.stage().name() + ": finished in " + StageTimes.clock(f.seconds()));
                } else {
                    failures.add(f.stage().name() + " (exit code " + f.exitCode() + ")");
                    out.println("== " + f.stage().name() + ": failed with exit code " + f.exitCode()
                            + (running.isEmpty() ? "" : "; no further stage starts, waiting for " + running.keySet()
                                    + " to finish (their work is kept)"));
                }
            }
        } catch (InterruptedException e) {
            running.values().forEach(Process::destroy);
            Thread.currentThread().interrupt();
            throw new InterruptedIOException("interrupted while stages ran: " + running.keySet());
        } finally {
            try {
                Runtime.getRuntime().removeShutdownHook(stopChildren);
            } catch (IllegalStateException shuttingDown) {
                // the hook runs or has run
            }
        }
        if (!failures.isEmpty()) {
            throw new IOException("pipeline stage failed: " + String.join(", ", failures)
                    + "; its output is above, each line marked with the stage's name. Finished stages are kept:"
                    + " run the same command again to resume.");
        }
    }

    /**
     * The thread count a request line asks for ({@code threads N}), or null for any other line.
     *
     * @param line a line of a child's standard input
     * @return N, {@code >= 1}, or null
     */
    static Integer threadsRequested(String line) {
        String[] words = line.trim().split("\\s+");
        if (words.length == 2 && words[0].equals(THREADS_REQUEST)) {
            try {
                int n = Integer.parseInt(words[1]);
                return n >= 1 ? n : null;
            } catch (NumberFormatException e) {
                return null;
            }
        }
        return null;
    }

    /** Sends a child the request to sample on {@code n} threads; false if it can no longer read it. */
    private static boolean request(Process p, int n) {
        try {
            OutputStream in = p.getOutputStream();
            in.write((THREADS_REQUEST + " " + n + "\n").getBytes(StandardCharsets.UTF_8));
            in.flush();
            return true;
        } catch (IOException e) {
            return false; // it has ended (or closed its input): nothing to widen
        }
    }

    private static void closeRequests(Process p) {
        try {
            p.getOutputStream().close();
        } catch (IOException e) {
            // already ended
        }
    }

    /** Starts a stage's child and a thread that relays its output, then reports its end. */
    private Process start(Pipeline.Stage stage, int share, BlockingQueue<Finished> finished) throws IOException {
        long t0 = System.nanoTime();
        Process p = launcher.start(stage.name(), share, stage.beside());
        String prefix = "[" + stage.name() + "] ";
        Thread relay = new Thread(() -> {
            try (BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
                for (String line = r.readLine(); line != null; line = r.readLine()) {
                    out.println(prefix + line);
                }
            } catch (IOException e) {
                out.println(prefix + "(output lost: " + e.getMessage() + ")");
            }
            int code;
            try {
                code = p.waitFor();
            } catch (InterruptedException e) {
                p.destroy();
                code = -1;
            }
            finished.add(new Finished(stage, code, (System.nanoTime() - t0) / 1e9));
        }, "reflowkit-stage-" + stage.name());
        relay.setDaemon(true);
        relay.start();
        return p;
    }
}
