package dev.reflowkit.cli;

import dev.reflowkit.config.ConfigException;
import dev.reflowkit.io.DataFormatException;
import dev.reflowkit.io.DirectoryLockedException;
import dev.reflowkit.io.OutputPathException;
import dev.reflowkit.sampling.SamplerDivergedException;
import dev.reflowkit.train.CheckpointException;
import dev.reflowkit.train.NonFiniteLossException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileSystemException;
import java.nio.file.NoSuchFileException;
import java.nio.file.NotDirectoryException;
import picocli.CommandLine;

/**
 * Turns failures into one clear line on standard error and an exit code: 2 for bad input
 * (config, data, checkpoint, arguments, a missing file, an output path that cannot be written, an
 * output directory that another job holds locked), 1 for a run that failed (divergence, a full
 * disk or other I/O failure). Set {@code REFLOW_DEBUG=1} for the stack trace.
 */
final class ErrorHandler implements CommandLine.IExecutionExceptionHandler {

    /** {@inheritDoc} */
    @Override
    public int handleExecutionException(Exception ex, CommandLine cmd, CommandLine.ParseResult parsed) {
        if ("1".equals(System.getenv("REFLOW_DEBUG"))) {
            ex.printStackTrace();
        }
        Throwable e = ex;
        if (e instanceof UncheckedIOException u) {
            e = u.getCause();
        }
        String what = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
        if (e instanceof NoSuchFileException n) {
            what = n.getFile() + ": no such file or directory";
        } else if (e instanceof FileSystemException f && f.getReason() == null) {
            what = f.getFile() + ": " + f.getClass().getSimpleName();
        }
        boolean input = e instanceof ConfigException || e instanceof DataFormatException
                || e instanceof CheckpointException || e instanceof IllegalArgumentException
                || e instanceof NoSuchFileException || e instanceof OutputPathException
                || e instanceof NotDirectoryException || e instanceof AccessDeniedException
                || e instanceof DirectoryLockedException;
        boolean failed = e instanceof NonFiniteLossException || e instanceof SamplerDivergedException
                || e instanceof IOException || e instanceof IllegalStateException;
        if (!input && !failed) {
            what = e.getClass().getSimpleName() + ": " + what + " (set REFLOW_DEBUG=1 for details)";
        }
        cmd.getErr().println(cmd.getCommandSpec().qualifiedName(" ") + ": error: " + what);
        return input ? 2 : 1;
    }

    /**
     * Reports a command-line error (unknown option or command, bad or missing value) in one
     * line, with picocli's suggestions and a pointer to the help, instead of the whole usage.
     *
     * @param ex the parse error
     * @param args the command line
     * @return the invalid-input exit code (2)
     */
    static int usageError(CommandLine.ParameterException ex, String[] args) {
        CommandLine cmd = ex.getCommandLine();
        String name = cmd.getCommandSpec().qualifiedName(" ");
        StringBuilder line = new StringBuilder(name).append(": error: ")
                .append(ex.getMessage().strip().replaceAll("\\s*\\R\\s*", "; "));
        if (ex instanceof CommandLine.UnmatchedArgumentException u && !u.getSuggestions().isEmpty()) {
            line.append(" (did you mean: ").append(String.join(", ", u.getSuggestions())).append("?)");
        }
        line.append("; see '").append(name).append(" --help'");
        cmd.getErr().println(line);
        return cmd.getCommandSpec().exitCodeOnInvalidInput();
    }
}
