package dev.reflowkit.pipeline;

import dev.reflowkit.config.Config;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The wall time of each stage of a multi-stage job, recorded in the job's {@code run.json} (field
 * {@code stages}: name and seconds, in order) as each stage ends, and printed as a summary at the
 * end. A stage that a rerun finds finished takes (almost) no time; the summary of a resumed job
 * therefore shows what this run did.
 */
final class StageTimes {

    /** One finished stage. */
    record Stage(String name, double seconds) {}

    /** A stage's work. */
    @FunctionalInterface
    interface Work<T> {
        T run() throws IOException;
    }

    private final Path dir;
    private final String command;
    private final List<String> args;
    private final Config config;
    private final String started = Instant.now().toString();
    private final long start = System.nanoTime();
    private final List<Stage> stages = new ArrayList<>();
    private int jobs = 1;

    /**
     * Starts the record of a job and writes its {@code run.json} and {@code config.yaml}.
     *
     * @param dir the job's directory
     * @param command the command, e.g. {@code "pipeline"}
     * @param args the command line
     * @param config the resolved configuration
     * @throws IOException if the record cannot be written
     */
    StageTimes(Path dir, String command, List<String> args, Config config) throws IOException {
        this.dir = dir;
        this.command = command;
        this.args = args;
        this.config = config;
        write(null);
    }

    /**
     * Runs a stage, timing it, and records it.
     *
     * @param name the stage's name, e.g. {@code "teacher"} or {@code "pairs backward"}
     * @param work the stage
     * @param <T> its result type
     * @return its result
     * @throws IOException if the stage or the record fails
     */
    <T> T run(String name, Work<T> work) throws IOException {
        long t0 = System.nanoTime();
        T result = work.run();
        record(name, (System.nanoTime() - t0) / 1e9);
        return result;
    }

    /**
     * Records a stage that ran elsewhere (a child process).
     *
     * @param name the stage's name
     * @param seconds its wall time
     * @throws IOException if the record cannot be written
     */
    void record(String name, double seconds) throws IOException {
        stages.add(new Stage(name, seconds));
        write(null);
    }

    /**
     * Notes that stages ran up to {@code jobs} at a time: recorded in {@code run.json} and said in
     * the summary (stage times then add up to more than the total).
     *
     * @param jobs the most stages at a time
     */
    void setJobs(int jobs) {
        this.jobs = jobs;
    }

    /**
     * The stages finished so far.
     *
     * @return the stages in order
     */
    List<Stage> stages() {
        return List.copyOf(stages);
    }

    /**
     * Records the whole job's wall time and prints the summary: one line per stage and the total.
     *
     * @param out where to print
     * @throws IOException if the record cannot be written
     */
    void finish(PrintStream out) throws IOException {
        double total = (System.nanoTime() - start) / 1e9;
        write(total);
        out.println("== stage times (wall clock; recorded in " + dir.resolve("run.json") + ")");
        for (Stage s : stages) {
            out.printf(Locale.ROOT, "  %-40s %s%n", s.name(), clock(s.seconds()));
        }
        out.printf(Locale.ROOT, "  %-40s %s%s%n", "total", clock(total),
                jobs > 1 ? "   (up to " + jobs + " stages at a time, each in its own process)" : "");
    }

    private void write(Double total) throws IOException {
        List<Map<String, Object>> list = new ArrayList<>();
        for (Stage s : stages) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("name", s.name());
            m.put("seconds", Math.round(s.seconds() * 1000) / 1000.0);
            list.add(m);
        }
        Map<String, Object> extra = new LinkedHashMap<>();
        extra.put("stages", list);
        extra.put("jobs", jobs);
        if (total != null) {
            extra.put("total_seconds", Math.round(total * 1000) / 1000.0);
        }
        RunRecord.write(dir, command, args, config, extra, started);
    }

    /** {@code m:ss} (or {@code h:mm:ss}) for a duration in seconds. */
    static String clock(double seconds) {
        long s = Math.round(seconds);
        return s >= 3600 ? String.format(Locale.ROOT, "%d:%02d:%02d", s / 3600, s / 60 % 60, s % 60)
                : String.format(Locale.ROOT, "%d:%02d", s / 60, s % 60);
    }
}
