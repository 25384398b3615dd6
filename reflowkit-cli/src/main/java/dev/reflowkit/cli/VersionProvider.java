package dev.reflowkit.cli;

import picocli.CommandLine;

/** Prints ReflowKit's version (engine versions are in every run's {@code run.json}). */
final class VersionProvider implements CommandLine.IVersionProvider {

    /** {@inheritDoc} */
    @Override
    public String[] getVersion() {
        String v = Main.class.getPackage().getImplementationVersion();
        return new String[] {"ReflowKit " + (v == null ? "development" : v)
                + " (DJL 0.36.0, PyTorch 2.7.1 CPU)"};
    }
}
