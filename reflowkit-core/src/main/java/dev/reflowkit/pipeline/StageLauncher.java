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
     * @return the started process
     * @throws IOException if the process cannot be started
     */
    Process start(String stage, int threads) throws IOException;
}
