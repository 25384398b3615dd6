package dev.reflowkit.pipeline;

import dev.reflowkit.config.Config;
import dev.reflowkit.eval.MetricsReport;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.List;

/**
 * The main job: the {@link Pipeline} on the built-in default configuration (8gaussians; teacher,
 * {@code baseline} and {@code simple-reflow}), writing {@code DIR/metrics.json}. Work already done
 * in {@code DIR} is reused.
 */
public final class Demo {

    private Demo() {}

    /**
     * Runs the demo.
     *
     * @param config the resolved configuration (the defaults unless the user overrides them)
     * @param outputDir the demo directory
     * @param args the command line, for the run record
     * @param out where to print progress and the summary
     * @return the metrics report
     * @throws IOException if outputs cannot be written
     */
    public static MetricsReport run(Config config, Path outputDir, List<String> args, PrintStream out)
            throws IOException {
        return Pipeline.run(config, outputDir, args, out);
    }
}
