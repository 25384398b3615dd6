package dev.reflowkit.pipeline;

import java.io.IOException;

/**
 * Starts one stage of a pipeline in a child process: the same pipeline (configuration, directory)
 * run with {@link Pipeline#runStage} for that stage alone. The command line interface gives one
 * (a JVM running {@code reflow pipeline ... --stage NAME}); {@link Pipeline#run(
 * dev.reflowkit.config.Config, java.nio.file.Path, java.util.List, java.io.PrintStream, StageLauncher)}
 * runs independent stages side by side through it.
 *
 * <p>The child's standard output and error are the returned process's input stream (merged); its
 * exit code is 0 when the stage finished.
 */
@FunctionalInterface
public interface StageLauncher {

    /**
     * Starts a stage.
     *
     * @param stage the stage's name, as {@link Pipeline#stages} gives it
     * @param threads the intra-op threads the child's engine should run
     * @param background whether the stage runs beside the others ({@link Pipeline.Stage#beside}): it
     *     should take only CPU time that the other stages leave unused, so the launcher gives it
     *     the lowest CPU priority it can
     * @return the started process
     * @throws IOException if the process cannot be started
     */
    Process start(String stage, int threads, boolean background) throws IOException;

    /**
     * How this launcher runs a background stage, for the schedule's note.
     *
     * @return e.g. {@code "at idle CPU priority (SCHED_IDLE)"}, or {@code ""} when a background stage
     *     runs as any other
     */
    default String backgroundPriority() {
        return "";
    }
}
