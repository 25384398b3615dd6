package dev.reflowkit.cli;

import dev.reflowkit.engine.Engines;
import dev.reflowkit.io.DirectoryLock;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * The {@code reflow} command line: train flows, sample them, and run the demo.
 */
@Command(
        name = "reflow",
        mixinStandardHelpOptions = true,
        versionProvider = VersionProvider.class,
        description = "ReflowKit: flow matching and Simple ReFlow on the JVM.",
        subcommands = {
            DemoCommand.class,
            PipelineCommand.class,
            AblateCommand.class,
            TrainCommand.class,
            SampleCommand.class,
            EvalCommand.class,
            TuneGridCommand.class,
            ImportCommand.class,
            ExportCommand.class,
            PairsCommand.class,
            DataCommand.class,
            BenchCommand.class,
            ConfigCommand.class,
            CommandLine.HelpCommand.class
        })
public final class Main implements Runnable {

    @CommandLine.Spec
    private CommandLine.Model.CommandSpec spec;

    /** {@inheritDoc} */
    @Override
    public void run() {
        spec.commandLine().usage(System.out);
    }

    /**
     * Runs the command line and returns its exit code.
     *
     * @param args the arguments
     * @return 0 on success, 1 for a failed run, 2 for a usage or input error
     */
    public static int execute(String... args) {
        Engines.configureOffline();
        DirectoryLock.setProcessCommand("reflow " + String.join(" ", args)); // named by the locks it holds
        return new CommandLine(new Main())
                .setExecutionExceptionHandler(new ErrorHandler())
                .setParameterExceptionHandler(ErrorHandler::usageError)
                .setCaseInsensitiveEnumValuesAllowed(true)
                .execute(args);
    }

    /**
     * The entry point.
     *
     * @param args the arguments
     */
    public static void main(String[] args) {
        System.exit(execute(args));
    }
}
