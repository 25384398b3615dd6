package dev.reflowkit.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * A PyTorch reference process serving one training or sampling workload in chunks: the benchmark's
 * paired mode, in which the two sides alternate every few seconds within a workload instead of
 * once per workload.
 *
 * <p>Runs {@code torch_reference.py SPEC --serve}: the script builds the workload's state, runs its
 * warm-up and answers {@code @@ready JSON}; each {@link #run} asks for more steps or batches and
 * reads back their seconds; {@link #close} ends the process and reads its peak RSS.
 */
public final class TorchSession implements AutoCloseable {

    private static final String END = "\u0000end";

    private final Process process;
    private final PrintWriter commands;
    private final BlockingQueue<String> answers = new LinkedBlockingQueue<>();
    private final long timeoutSeconds;
    private final Map<String, Object> info;
    private final double startupSeconds;
    private final long parameters;
    private double peakRssMb = Double.NaN;
    private volatile String lastLog = "";
    private boolean closed;

    private TorchSession(Process process, long timeoutSeconds, Consumer<String> log) throws IOException {
        this.process = process;
        this.timeoutSeconds = timeoutSeconds;
        this.commands = new PrintWriter(process.outputWriter(StandardCharsets.UTF_8), true);
        Thread reader = new Thread(() -> {
            try (var in = process.inputReader(StandardCharsets.UTF_8)) {
                String line;
                while ((line = in.readLine()) != null) {
                    if (line.startsWith("@@")) {
                        answers.add(line.substring(2));
                    } else {
                        lastLog = line;
                        log.accept(line);
                    }
                }
            } catch (IOException e) {
                log.accept("(reference output unreadable: " + e.getMessage() + ")");
            }
            answers.add(END);
        }, "torch-session-output");
        reader.setDaemon(true);
        reader.start();
        String ready = answer("ready");
        JsonNode root = new ObjectMapper().readTree(ready);
        info = TorchReference.info(root);
        startupSeconds = root.path("startup_s").asDouble(Double.NaN);
        parameters = root.path("params").asLong(-1);
    }

    /**
     * Starts the reference's serving process and waits until its warm-up is done.
     *
     * @param pb {@code python torch_reference.py SPEC --serve} for one training or sampling
     *     workload, output and errors merged (see {@link TorchReference#session})
     * @param timeoutSeconds the limit for start-up with warm-up, and for each chunk
     * @param log receives the script's other output
     * @return the session, ready for {@link #run}
     * @throws IOException if the process cannot start, fails or does not answer in time
     */
    static TorchSession start(ProcessBuilder pb, long timeoutSeconds, Consumer<String> log) throws IOException {
        Process p = pb.start();
        try {
            return new TorchSession(p, timeoutSeconds, log);
        } catch (IOException | RuntimeException e) {
            p.destroyForcibly();
            throw e;
        }
    }

    /**
     * Runs more of the workload: training steps or sampling batches.
     *
     * @param units how many, at least 1
     * @return the seconds the reference measured for them
     * @throws IOException if the process fails or does not answer in time
     */
    public double run(long units) throws IOException {
        if (units < 1) {
            throw new IllegalArgumentException("units must be >= 1, got " + units);
        }
        commands.println("run " + units);
        String done = answer("done").trim();
        try {
            return Double.parseDouble(done);
        } catch (NumberFormatException e) {
            throw new IOException("the PyTorch reference answered '" + done + "' instead of seconds");
        }
    }

    /**
     * The reference's process, for CPU accounting while it runs.
     *
     * @return its handle, empty once it has ended
     */
    public Optional<ProcessHandle> process() {
        return process.isAlive() ? Optional.of(process.toHandle()) : Optional.empty();
    }

    /**
     * The reference's versions and settings (torch, Python, BLAS, threads), as the batch runner
     * reports them.
     *
     * @return the map
     */
    public Map<String, Object> info() {
        return info;
    }

    /**
     * The reference's start-up: {@code import torch} and a first operation.
     *
     * @return seconds
     */
    public double startupSeconds() {
        return startupSeconds;
    }

    /**
     * The parameter count of the reference's network, as it reported it when ready.
     *
     * @return the count, -1 if it reported none
     */
    public long parameters() {
        return parameters;
    }

    /**
     * The process's peak RSS, known once closed.
     *
     * @return MiB, or NaN before {@link #close}
     */
    public double peakRssMb() {
        return peakRssMb;
    }

    /** Ends the process (reading its peak RSS first); kills it if it does not end in time. */
    @Override
    public void close() throws IOException {
        if (closed) {
            return;
        }
        closed = true;
        try {
            if (process.isAlive()) {
                commands.println("quit");
                peakRssMb = Double.parseDouble(answer("rss").trim());
            }
            if (!process.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
                throw new IOException("the PyTorch reference did not exit within " + timeoutSeconds + " s");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while ending the PyTorch reference", e);
        } finally {
            commands.close();
            process.destroyForcibly();
        }
    }

    /** The next answer, which must be {@code expected}; its text after the keyword. */
    private String answer(String expected) throws IOException {
        String line;
        try {
            line = answers.poll(timeoutSeconds, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while waiting for the PyTorch reference", e);
        }
        if (line == null) {
            process.destroyForcibly();
            throw new IOException("the PyTorch reference did not answer '" + expected + "' within "
                    + timeoutSeconds + " s");
        }
        if (line.equals(END)) {
            String exit;
            try {
                exit = process.waitFor(5, TimeUnit.SECONDS) ? "exit " + process.exitValue() : "output closed";
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                exit = "interrupted";
            }
            throw new IOException("the PyTorch reference ended before answering '" + expected + "' (" + exit
                    + "): " + lastLog);
        }
        if (!line.startsWith(expected)) {
            throw new IOException("the PyTorch reference answered '" + line + "', expected '" + expected + "'");
        }
        return line.substring(expected.length());
    }
}
