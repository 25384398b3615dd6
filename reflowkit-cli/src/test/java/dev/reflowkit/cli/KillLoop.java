package dev.reflowkit.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.reflowkit.io.AtomicFiles;
import dev.reflowkit.io.DirectoryLock;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.function.Function;
import java.util.function.IntFunction;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * Kills a {@code reflow} command with SIGKILL at random points, reruns it each time, checks the
 * output directory after every kill, and finally lets it finish.
 *
 * <p>Kill points: every fifth run is killed at a uniform time during JVM and engine start-up
 * (before {@code marker} appears), the others at a uniform time after the marker within a window
 * of a sixth of the reference run's working time, so that each rerun gets a little further and the
 * kills spread over the whole job. A rerun redoes some work (loading the teacher, the steps since
 * the last checkpoint): when a kill left the job's files as they were before the run, the next
 * window is 1.5 times longer (up to twice the working time), and back to a sixth after progress.
 */
final class KillLoop {

    private static final double TIMEOUT_S = 300;
    private static final double WINDOW = 1.0 / 6;
    private static final double MAX_WINDOW = 2.0;
    private static final double WIDEN = 1.5;

    /** A check of a job's directory, run while no child is running. */
    @FunctionalInterface
    interface DirCheck {
        void verify(Path jobDir) throws Exception;
    }

    /** The reference run's timing: start-up to the marker, and the marker to the end. */
    record Timing(double startupSeconds, double workSeconds) {}

    /** One kill that landed: where, and how many temporary files of interrupted writes it left. */
    record Kill(int run, int job, double atSeconds, boolean duringStartup, String lastLine, int temporaries) {}

    /** All kills of a loop, how many runs it took (the final one included) and how many jobs finished. */
    record Outcome(List<Kill> kills, int runs, int jobs) {

        long duringStartup() {
            return kills.stream().filter(Kill::duringStartup).count();
        }

        long interruptedWrites() {
            return kills.stream().filter(k -> k.temporaries() > 0).count();
        }

        String summary(String name) {
            StringBuilder b = new StringBuilder(String.format(
                    "%s: %d kills in %d runs of %d job(s) (%d during start-up, %d left a temporary file of an"
                    + " interrupted write)%n", name, kills.size(), runs, jobs, duringStartup(), interruptedWrites()));
            for (Kill k : kills) {
                b.append(String.format("  job %d run %2d killed at %5.2f s%s: %s%n", k.job(), k.run(), k.atSeconds(),
                        k.temporaries() > 0 ? " (" + k.temporaries() + " temp)" : "", k.lastLine()));
            }
            return b.toString();
        }
    }

    private KillLoop() {}

    /**
     * Runs the command once to the end, timing it.
     *
     * @param logs a directory for the child's output
     * @param args the command line
     * @param marker a text the command prints once its work has started
     * @return the timing
     * @throws Exception if the run fails
     */
    static Timing reference(Path logs, List<String> args, String marker) throws Exception {
        try (ChildCli child = ChildCli.start(logs.resolve("reference.log"), args)) {
            child.awaitOutput(marker, TIMEOUT_S);
            double startup = child.seconds();
            int code = child.await(TIMEOUT_S);
            assertEquals(0, code, () -> "reference run failed:\n" + output(child));
            return new Timing(startup, child.seconds() - startup);
        }
    }

    /**
     * Kills the command until {@code kills} kills have landed after its work started (and a
     * quarter as many during start-up), rerunning it after each; a job that finishes on its own
     * before that is checked and the next one starts in a fresh directory. The last job is then
     * run to the end and checked.
     *
     * @param logs a directory for the children's output (not a job's directory)
     * @param jobDirs the directory of job 1, 2, ...
     * @param args the command line for a job directory, the same for every run (the resume form)
     * @param marker a text the command prints once its work has started
     * @param timing the reference run's timing
     * @param kills how many kills must land after the marker
     * @param seed the kill-time generator's seed
     * @param afterKill checks a job's directory after each kill
     * @param finished checks a finished job's directory (against the uninterrupted run)
     * @return the kills
     * @throws Exception if a check or a run fails
     */
    static Outcome run(Path logs, IntFunction<Path> jobDirs, Function<Path, List<String>> args, String marker,
            Timing timing, int kills, long seed, DirCheck afterKill, DirCheck finished) throws Exception {
        Random rng = new Random(seed);
        List<Kill> landed = new ArrayList<>();
        int run = 0;
        int job = 1;
        double window = WINDOW;
        while (landed.stream().filter(k -> !k.duringStartup()).count() < kills) {
            run++;
            if (run > 10 * kills) {
                throw new AssertionError("only " + landed.size() + " of " + kills + " kills landed in " + run + " runs");
            }
            boolean startup = run % 5 == 0;
            int number = run;
            Path jobDir = jobDirs.apply(job);
            String before = fingerprint(jobDir);
            try (ChildCli child = ChildCli.start(logs.resolve("run-" + run + ".log"), args.apply(jobDir))) {
                double delay;
                if (startup) {
                    delay = rng.nextDouble() * timing.startupSeconds();
                } else {
                    child.awaitOutput(marker, TIMEOUT_S);
                    delay = rng.nextDouble() * timing.workSeconds() * window;
                }
                if (child.killAfter(delay)) {
                    landed.add(new Kill(run, job, child.seconds(), startup, child.lastLine(), temporaries(jobDir)));
                    if (!startup) {
                        window = fingerprint(jobDir).equals(before) ? Math.min(window * WIDEN, MAX_WINDOW) : WINDOW;
                    }
                    afterKill.verify(jobDir);
                } else {
                    assertEquals(0, child.await(TIMEOUT_S), () -> "run " + number + " failed:\n" + output(child));
                    finished.verify(jobDir); // finished on its own, killed and resumed along the way
                    job++;
                    window = WINDOW;
                }
            }
        }
        run++;
        Path last = jobDirs.apply(job);
        try (ChildCli child = ChildCli.start(logs.resolve("final.log"), args.apply(last))) {
            int code = child.await(TIMEOUT_S);
            assertEquals(0, code, () -> "the final run failed:\n" + output(child));
        }
        finished.verify(last);
        return new Outcome(landed, run, job);
    }

    /**
     * The temporary files of interrupted writes under a directory.
     *
     * @param dir the directory
     * @return how many there are
     * @throws IOException if the tree cannot be walked
     */
    static int temporaries(Path dir) throws IOException {
        if (!Files.isDirectory(dir)) {
            return 0;
        }
        try (Stream<Path> s = Files.walk(dir)) {
            return (int) s.filter(p -> AtomicFiles.isTemporary(p.getFileName().toString())).count();
        }
    }

    /**
     * The job's lasting files and their sizes (logs, lock files and temporary files left out), to tell
     * whether a killed run left anything new.
     */
    private static String fingerprint(Path dir) throws IOException {
        if (!Files.isDirectory(dir)) {
            return "";
        }
        try (Stream<Path> s = Files.walk(dir)) {
            return s.filter(Files::isRegularFile)
                    .filter(p -> !AtomicFiles.isTemporary(p.getFileName().toString()))
                    .filter(p -> !p.getFileName().toString().endsWith(".jsonl"))
                    .filter(p -> !p.getFileName().toString().startsWith(DirectoryLock.LOCK_FILE)) // lock, holder
                    .map(p -> dir.relativize(p) + ":" + p.toFile().length())
                    .sorted()
                    .collect(Collectors.joining("\n"));
        }
    }

    private static String output(ChildCli child) {
        try {
            return child.output();
        } catch (IOException e) {
            return "(unreadable: " + e + ")";
        }
    }
}
