/** The {@code reflow} command line (picocli): thin commands over {@code dev.reflowkit.pipeline}. */
package dev.reflowkit.cli;
