package dev.reflowkit.cli;

import dev.reflowkit.config.Config;
import dev.reflowkit.config.ConfigLoader;
import dev.reflowkit.config.ReflowConfig;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine.Option;

/** The configuration options shared by commands: a config file, overrides and a dry run. */
final class ConfigOptions {

    @Option(names = {"-c", "--config"}, paramLabel = "FILE",
            description = "Config file (YAML or JSON). Every option has a default; see docs/CONFIG.md.")
    Path configFile;

    @Option(names = "--set", paramLabel = "KEY=VALUE",
            description = "Override one config option, e.g. --set train.steps=5000 (repeatable).")
    List<String> overrides = new ArrayList<>();

    @Option(names = "--dry-run", description = "Print the resolved configuration and exit.")
    boolean dryRun;

    /**
     * Resolves the configuration: defaults, then the file, then the overrides.
     *
     * @param extra overrides applied before the user's (e.g. from dedicated flags)
     * @return the validated configuration
     */
    Config resolve(List<String> extra) {
        List<String> all = new ArrayList<>(extra);
        all.addAll(overrides);
        return ConfigLoader.load(ReflowConfig.schema(), configFile, all);
    }
}
