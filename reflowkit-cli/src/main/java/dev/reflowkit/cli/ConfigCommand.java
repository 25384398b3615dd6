package dev.reflowkit.cli;

import dev.reflowkit.config.ReflowConfig;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code reflow config}: prints the resolved configuration, or the documentation of every option. */
@Command(name = "config", mixinStandardHelpOptions = true, versionProvider = VersionProvider.class,
        description = "Print the resolved configuration (defaults, --config file, --set overrides) as YAML.")
final class ConfigCommand implements Callable<Integer> {

    @Mixin
    ConfigOptions config = new ConfigOptions();

    @Option(names = "--docs", description = "Print the configuration reference (docs/CONFIG.md): every option with its type, default and range.")
    boolean docs;

    /** {@inheritDoc} */
    @Override
    public Integer call() {
        if (docs) {
            System.out.print(ReflowConfig.docsPage());
        } else {
            System.out.print(config.resolve(List.of()).toYaml());
        }
        return 0;
    }
}
