package dev.reflowkit.spark;

import java.io.File;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.net.JarURLConnection;
import java.net.URISyntaxException;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.jar.Attributes;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import java.util.jar.Manifest;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.apache.spark.launcher.JavaModuleOptions;

/**
 * A Spark standalone cluster of separate processes on this machine, for tests: a master, workers
 * with one core each, and drivers started as {@code spark-submit} starts them (client mode).
 *
 * <p>No Spark distribution is installed, so the cluster runs from a throwaway {@code SPARK_HOME}
 * whose {@code jars/} links the jars of this JVM's class path that are Spark's (Spark and its
 * dependencies), without the application: this module's classes, reflowkit-core, DJL's API and
 * PyTorch engine, and the PyTorch JNI and native jars. Those reach the driver and the executors
 * only as a {@code spark-submit} on a real cluster delivers them: the application jar (built here
 * from this module's classes) and {@code --jars}. Workers launch executors with Spark's launcher
 * ({@code WorkerCommandBuilder}), whose class path is {@code $SPARK_HOME/jars/*}; in Spark 3.5.9
 * {@code CommandBuilderUtils.findJarsDir} takes {@code $SPARK_HOME/jars} when that is a directory
 * (a distribution's {@code RELEASE} file is written too; the launcher reads it only to find the
 * examples), and
 * {@code AbstractCommandBuilder.getScalaVersion} needs {@code SPARK_SCALA_VERSION} outside a source
 * tree. Each worker gets its own, empty DJL cache ({@code ENGINE_CACHE_DIR}), inherited by its
 * executors, so an executor finds the PyTorch native library only by extracting it from the
 * native jar it was sent, as on a fresh node.
 *
 * <p>Every process writes its output to a file under {@code logs/} (executors: the worker's
 * {@code work/APP/EXECUTOR/stderr}); {@link #printLogTails} shows their ends. {@link #close} kills
 * every process started and its descendants.
 */
final class StandaloneCluster implements AutoCloseable {

    private static final Duration START = Duration.ofSeconds(120);
    /** Master and workers: small, quick to start (they only schedule; executors are the job's own JVMs). */
    private static final List<String> DAEMON = List.of("-Xmx256m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1");
    private static final Pattern MASTER_URL = Pattern.compile("Starting Spark master at (spark://\\S+)");
    private static final Pattern APP_ID = Pattern.compile("Connected to Spark cluster with app ID (app-\\S+)");
    private static final Pattern RUNNING = Pattern.compile("Executor: Running task ");
    private static final Pattern FINISHED = Pattern.compile("Executor: Finished task ");
    /** The application: located by a class or resource of each, never put in SPARK_HOME. */
    private static final List<String> APPLICATION = List.of(
            "dev/reflowkit/pairs/PairGeneration.class", // reflowkit-core
            "ai/djl/Model.class", // DJL API
            "ai/djl/pytorch/engine/PtEngine.class", // DJL's PyTorch engine
            "jnilib/pytorch.properties", // pytorch-jni: libdjl_torch
            "native/lib/pytorch.properties"); // pytorch-native-cpu: libtorch

    /**
     * What {@code spark-submit} is given.
     *
     * @param sparkHome the throwaway SPARK_HOME (Spark's jars only)
     * @param applicationJar this module's classes as a jar
     * @param jars the {@code --jars}: reflowkit-core, DJL, pytorch-jni, pytorch-native-cpu
     */
    record Layout(Path sparkHome, Path applicationJar, List<Path> jars) {}

    /**
     * A worker process.
     *
     * @param index 0, 1, ...
     * @param process the Worker JVM
     * @param workDir its {@code --work-dir} (executors' logs and fetched jars)
     * @param engineCache the DJL cache its executors use
     */
    record Worker(int index, Process process, Path workDir, Path engineCache) {}

    /** A driver ({@code spark-submit} in client mode) and its log. */
    final class Driver {
        private final Process process;
        private final Path log;

        private Driver(Process process, Path log) {
            this.process = process;
            this.log = log;
        }

        /**
         * Waits for the driver to end.
         *
         * @param timeout how long at most
         * @return its exit code
         * @throws AssertionError if it is still running after the timeout (it is then killed)
         */
        int await(Duration timeout) throws InterruptedException {
            if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                kill(process.toHandle());
                throw new AssertionError("spark-submit did not end within " + timeout.toSeconds() + " s; log: " + log);
            }
            return process.exitValue();
        }

        boolean isAlive() {
            return process.isAlive();
        }

        /**
         * The driver's output so far.
         *
         * @return the log's text
         */
        String log() {
            return read(log);
        }

        /**
         * The application's ID, once the driver has registered with the master.
         *
         * @return {@code app-...}
         */
        String appId() {
            Matcher m = APP_ID.matcher(log());
            if (!m.find()) {
                throw new AssertionError("the driver never registered with the master; log: " + log);
            }
            return m.group(1);
        }
    }

    private final Path dir;
    private final Layout layout;
    private final Path logs;
    private final List<Process> started = Collections.synchronizedList(new ArrayList<>());
    private final List<Worker> workers = new ArrayList<>();
    private final Thread reaper = new Thread(this::killAll, "standalone-cluster-reaper");
    private String masterUrl;
    private int drivers;

    private StandaloneCluster(Path dir, Layout layout) throws IOException {
        this.dir = dir;
        this.layout = layout;
        this.logs = Files.createDirectories(dir.resolve("logs"));
        Runtime.getRuntime().addShutdownHook(reaper); // if the test JVM ends without close()
    }

    /**
     * Starts a master and {@code workers} workers (one core, 1 GiB each) and waits until every
     * worker has registered.
     *
     * @param dir an empty directory for SPARK_HOME, jars, work directories and logs
     * @param workers the number of workers
     * @return the running cluster
     * @throws IOException if the layout cannot be written
     * @throws AssertionError naming the process that did not start, after printing the logs
     */
    static StandaloneCluster start(Path dir, int workers) throws IOException, InterruptedException {
        StandaloneCluster c = new StandaloneCluster(dir, layout(dir));
        try {
            Process master = c.java("master", DAEMON, "org.apache.spark.deploy.master.Master",
                    List.of("--host", "127.0.0.1", "--port", "0", "--webui-port", "0"), Map.of());
            Path masterLog = c.logs.resolve("master.log");
            c.awaitLog(master, masterLog, MASTER_URL, "the Spark master to start");
            Matcher m = MASTER_URL.matcher(read(masterLog));
            m.find();
            c.masterUrl = m.group(1);
            for (int i = 0; i < workers; i++) {
                c.startWorker(i);
            }
            for (Worker w : c.workers) {
                c.awaitLog(w.process(), c.logs.resolve("worker-" + w.index() + ".log"),
                        Pattern.compile("Successfully registered with master"), "worker " + w.index() + " to register");
            }
            return c;
        } catch (IOException | InterruptedException | RuntimeException | AssertionError e) {
            c.printLogTails(System.err, 40);
            c.close();
            throw e;
        }
    }

    private void startWorker(int i) throws IOException {
        Path work = Files.createDirectories(dir.resolve("worker-" + i + "/work"));
        Path cache = Files.createDirectories(dir.resolve("worker-" + i + "/djl-cache"));
        // inherited by the executors the worker launches: a fresh node's empty DJL cache
        Process p = java("worker-" + i, DAEMON, "org.apache.spark.deploy.worker.Worker",
                List.of("--host", "127.0.0.1", "--port", "0", "--webui-port", "0", "--cores", "1", "--memory", "1g",
                        "--work-dir", work.toString(), masterUrl),
                Map.of("ENGINE_CACHE_DIR", cache.toString(), "DJL_CACHE_DIR", cache.toString()));
        workers.add(new Worker(i, p, work, cache));
    }

    /**
     * The master's URL.
     *
     * @return {@code spark://127.0.0.1:PORT}
     */
    String masterUrl() {
        return masterUrl;
    }

    /**
     * The workers, in start order.
     *
     * @return the workers
     */
    List<Worker> workers() {
        return workers;
    }

    /**
     * The layout {@code spark-submit} is given.
     *
     * @return the layout
     */
    Layout layout() {
        return layout;
    }

    /**
     * Starts {@code spark-submit} of a job as docs/SPARK.md shows: the application jar, the
     * {@code --jars}, one core and one engine thread per executor, DJL offline.
     *
     * @param mainClass the job class
     * @param args the job's arguments
     * @return the running driver
     */
    Driver submit(Class<?> mainClass, List<String> args) throws IOException {
        List<String> submit = new ArrayList<>(List.of("--master", masterUrl, "--class", mainClass.getName(),
                "--jars", layout.jars().stream().map(Path::toString).collect(Collectors.joining(",")),
                "--conf", "spark.executor.cores=1", "--conf", "spark.task.cpus=1",
                "--conf", "spark.cores.max=" + workers.size(), "--conf", "spark.executor.memory=512m",
                "--conf", "spark.executorEnv.DJL_OFFLINE=true",
                "--conf", "spark.executor.extraJavaOptions=-Dai.djl.offline=true -Dai.djl.pytorch.num_threads=1",
                "--conf", "spark.driver.extraJavaOptions=-Dai.djl.offline=true",
                // tasks go out once every executor has registered, so each worker gets some
                "--conf", "spark.scheduler.minRegisteredResourcesRatio=1.0",
                "--conf", "spark.scheduler.maxRegisteredResourcesWaitingTime=60s",
                "--conf", "spark.ui.enabled=false", "--conf", "spark.driver.host=127.0.0.1",
                "--conf", "spark.driver.bindAddress=127.0.0.1",
                layout.applicationJar().toString()));
        submit.addAll(args);
        String name = "driver-" + (++drivers) + "-" + mainClass.getSimpleName();
        // what spark-submit's launcher puts on a client-mode driver's command line: the driver's
        // memory and spark.driver.extraJavaOptions (the module options are added by java())
        Process p = java(name, List.of("-Xmx512m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1",
                        "-Dai.djl.offline=true", "-Dai.djl.pytorch.num_threads=1"),
                "org.apache.spark.deploy.SparkSubmit", submit, Map.of());
        return new Driver(p, logs.resolve(name + ".log"));
    }

    /**
     * The executor logs ({@code stderr}) a worker holds for an application.
     *
     * @param w the worker
     * @param appId the application
     * @return the logs, possibly none
     */
    static List<Path> executorLogs(Worker w, String appId) {
        Path app = w.workDir().resolve(appId);
        if (!Files.isDirectory(app)) {
            return List.of();
        }
        try (Stream<Path> s = Files.walk(app, 2)) {
            return s.filter(p -> p.getFileName().toString().equals("stderr")).sorted().toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * How many tasks a worker's executors have started and finished for an application.
     *
     * @param w the worker
     * @param appId the application
     * @return {@code {started, finished}}
     */
    static int[] tasks(Worker w, String appId) {
        int running = 0;
        int finished = 0;
        for (Path log : executorLogs(w, appId)) {
            String text = read(log);
            running += (int) RUNNING.matcher(text).results().count();
            finished += (int) FINISHED.matcher(text).results().count();
        }
        return new int[] {running, finished};
    }

    /**
     * SIGKILLs a worker and the executors it launched, as when a machine dies.
     *
     * @param w the worker
     * @return the process IDs killed
     */
    List<Long> killWorker(Worker w) {
        List<ProcessHandle> family = kill(w.process().toHandle());
        for (ProcessHandle p : family) {
            if (p.isAlive()) {
                throw new AssertionError("process " + p.pid() + " did not die after SIGKILL");
            }
        }
        return family.stream().map(ProcessHandle::pid).toList();
    }

    /**
     * Prints the last lines of every log: master, workers, drivers and executors.
     *
     * @param out where to
     * @param lines lines per log
     */
    void printLogTails(PrintStream out, int lines) {
        List<Path> all = new ArrayList<>();
        try (Stream<Path> s = Files.list(logs)) {
            s.sorted().forEach(all::add);
        } catch (IOException e) {
            out.println("cannot list " + logs + ": " + e);
        }
        for (Worker w : workers) {
            try (Stream<Path> s = Files.walk(w.workDir())) {
                s.filter(p -> p.getFileName().toString().equals("stderr")).sorted().forEach(all::add);
            } catch (IOException e) {
                out.println("cannot list " + w.workDir() + ": " + e);
            }
        }
        for (Path log : all) {
            List<String> text = read(log).lines().toList();
            out.println("==> " + log + " (last " + Math.min(lines, text.size()) + " of " + text.size() + " lines) <==");
            text.subList(Math.max(0, text.size() - lines), text.size()).forEach(out::println);
        }
    }

    @Override
    public void close() {
        killAll();
        try {
            Runtime.getRuntime().removeShutdownHook(reaper);
        } catch (IllegalStateException e) {
            // the JVM is shutting down; the hook runs anyway
        }
    }

    private void killAll() {
        List<Process> all;
        synchronized (started) {
            all = new ArrayList<>(started);
        }
        Collections.reverse(all);
        for (Process p : all) {
            kill(p.toHandle());
        }
    }

    /**
     * SIGKILLs a process and its descendants (listed before the parent goes) and waits up to 10 s
     * for each to exit.
     *
     * @param h the process
     * @return the processes killed, the given one first
     */
    private static List<ProcessHandle> kill(ProcessHandle h) {
        List<ProcessHandle> family = new ArrayList<>(h.descendants().toList());
        family.add(0, h);
        family.forEach(ProcessHandle::destroyForcibly);
        for (ProcessHandle p : family) {
            try {
                p.onExit().get(10, TimeUnit.SECONDS);
            } catch (Exception e) {
                // still alive, or interrupted: killWorker checks; for clean-up nothing else can be done
            }
        }
        return family;
    }

    /** Starts a JVM on SPARK_HOME's class path, its output to {@code logs/NAME.log}. */
    private Process java(String name, List<String> jvm, String mainClass, List<String> args, Map<String, String> env)
            throws IOException {
        List<String> cmd = new ArrayList<>();
        cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        cmd.addAll(jvm);
        // what Spark's launcher adds on Java 17 (SparkContext adds it to the executors' options)
        cmd.addAll(List.of(JavaModuleOptions.defaultModuleOptions().split("\\s+")));
        cmd.add("-cp");
        cmd.add(layout.sparkHome().resolve("conf") + File.pathSeparator + layout.sparkHome().resolve("jars") + "/*");
        cmd.add(mainClass);
        cmd.addAll(args);
        ProcessBuilder pb = new ProcessBuilder(cmd).directory(dir.toFile()).redirectErrorStream(true)
                .redirectOutput(logs.resolve(name + ".log").toFile());
        Map<String, String> e = pb.environment();
        for (String k : List.of("SPARK_CONF_DIR", "SPARK_DIST_CLASSPATH", "SPARK_PREPEND_CLASSES", "SPARK_TESTING",
                "HADOOP_CONF_DIR", "YARN_CONF_DIR", "SPARK_LOCAL_DIRS", "SPARK_WORKER_DIR", "PYTORCH_LIBRARY_PATH")) {
            e.remove(k);
        }
        e.put("SPARK_HOME", layout.sparkHome().toString());
        e.put("SPARK_SCALA_VERSION", "2.12");
        e.put("SPARK_LOCAL_IP", "127.0.0.1");
        e.put("JAVA_HOME", System.getProperty("java.home"));
        e.put("DJL_OFFLINE", "true");
        e.put("TORCH_CPP_LOG_LEVEL", "ERROR");
        e.putAll(env);
        Process p = pb.start();
        started.add(p);
        return p;
    }

    private void awaitLog(Process p, Path log, Pattern line, String what) throws InterruptedException {
        await(() -> line.matcher(read(log)).find(), () -> !p.isAlive(), START, what + " (log: " + log + ")");
    }

    /**
     * Polls until a condition holds.
     *
     * @param done the condition
     * @param failed a condition that makes waiting pointless
     * @param timeout how long at most
     * @param what what is awaited, for the message
     * @throws AssertionError on timeout or failure
     */
    static void await(BooleanSupplier done, BooleanSupplier failed, Duration timeout, String what)
            throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!done.getAsBoolean()) {
            if (failed.getAsBoolean()) {
                throw new AssertionError("gave up waiting for " + what + ": the process ended");
            }
            if (System.nanoTime() > deadline) {
                throw new AssertionError("timed out after " + timeout.toSeconds() + " s waiting for " + what);
            }
            Thread.sleep(20);
        }
    }

    static String read(Path file) {
        try {
            return Files.exists(file) ? Files.readString(file, StandardCharsets.ISO_8859_1) : "";
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    // ---- the layout: SPARK_HOME, application jar and --jars from this JVM's class path ----

    /**
     * Splits this JVM's class path into Spark's side (linked into a throwaway SPARK_HOME's
     * {@code jars/}) and the application's (the job jar and {@code --jars}).
     *
     * @param dir where to write them
     * @return the layout
     * @throws IOException if a file cannot be written
     * @throws IllegalStateException if this JVM's class path lacks the module, the application's
     *     jars or Spark
     */
    static Layout layout(Path dir) throws IOException {
        Path module = location("dev/reflowkit/spark/SparkPairs.class");
        Set<Path> application = new LinkedHashSet<>();
        for (String r : APPLICATION) {
            application.add(location(r));
        }
        Path home = Files.createDirectories(dir.resolve("spark-home"));
        Path jars = Files.createDirectories(home.resolve("jars"));
        Files.createDirectories(home.resolve("conf"));
        int linked = 0;
        for (Path e : classPath()) {
            if (!Files.isRegularFile(e) || !e.toString().endsWith(".jar") || e.equals(module)
                    || application.contains(e) || isTestHarness(e)) {
                continue; // directories are the project's own classes; jars above are the application's
            }
            Path link = jars.resolve(e.getFileName().toString());
            if (!Files.exists(link, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
                Files.createSymbolicLink(link, e);
                linked++;
            }
        }
        String core;
        try (Stream<Path> s = Files.list(jars)) {
            core = s.map(p -> p.getFileName().toString()).filter(n -> n.startsWith("spark-core_2.12-")).findFirst()
                    .orElseThrow(() -> new IllegalStateException("no spark-core_2.12 jar on the test class path"));
        }
        // as in a distribution (Spark 3.5.9's launcher reads RELEASE only to find the examples)
        Files.writeString(home.resolve("RELEASE"), "Spark " + core.replaceAll("^spark-core_2.12-|\\.jar$", "")
                + " built for Scala 2.12: a test's SPARK_HOME, Spark and its dependencies linked from the class path\n");
        Path lib = Files.createDirectories(dir.resolve("lib"));
        List<Path> shipped = new ArrayList<>();
        for (Path a : application) {
            // in a reactor build reflowkit-core is its target/classes: jar it as `package` would
            shipped.add(Files.isDirectory(a) ? jar(a, lib.resolve(a.getParent().getParent().getFileName() + ".jar")) : a);
        }
        Path appJar = Files.isDirectory(module) ? jar(module, dir.resolve("reflowkit-spark.jar")) : module;
        System.err.printf("SPARK_HOME %s: %d jars of the class path; --jars %s; application jar %s%n", home, linked,
                shipped, appJar);
        return new Layout(home, appJar, shipped);
    }

    private static boolean isTestHarness(Path jar) {
        String p = jar.toString().replace(File.separatorChar, '/');
        return p.contains("/org/junit/") || p.contains("/org/opentest4j/") || p.contains("/org/apiguardian/")
                || p.contains("/surefire") || p.contains("/org/apache/maven/");
    }

    /** The class path entry (jar or directory) a class or resource comes from; exactly one. */
    private static Path location(String resource) throws IOException {
        List<URL> urls = Collections.list(ClassLoader.getSystemClassLoader().getResources(resource));
        if (urls.size() != 1) {
            throw new IllegalStateException("expected exactly one " + resource + " on the test class path, found "
                    + urls + " (run the test through Maven: mvn -pl reflowkit-spark -am test)");
        }
        URL u = urls.get(0);
        try {
            if (u.getProtocol().equals("jar")) {
                return Path.of(((JarURLConnection) u.openConnection()).getJarFileURL().toURI()).toAbsolutePath();
            }
            Path file = Path.of(u.toURI());
            Path root = file;
            for (int i = 0; i < resource.split("/").length; i++) {
                root = root.getParent();
            }
            return root.toAbsolutePath();
        } catch (URISyntaxException e) {
            throw new IllegalStateException("cannot locate " + u, e);
        }
    }

    /** This JVM's class path, also when Surefire passes it in a manifest-only jar. */
    private static List<Path> classPath() throws IOException {
        List<Path> out = new ArrayList<>();
        for (String e : System.getProperty("java.class.path").split(File.pathSeparator)) {
            if (!e.isEmpty()) {
                out.add(Path.of(e).toAbsolutePath());
            }
        }
        if (out.size() == 1 && out.get(0).getFileName().toString().startsWith("surefirebooter")) {
            try (var jar = new java.util.jar.JarFile(out.get(0).toFile())) {
                String cp = jar.getManifest().getMainAttributes().getValue(Attributes.Name.CLASS_PATH);
                out.clear();
                for (String u : cp.trim().split("\\s+")) {
                    out.add(Path.of(new URL(u).toURI()).toAbsolutePath());
                }
            } catch (URISyntaxException e) {
                throw new IllegalStateException("cannot read Surefire's class path", e);
            }
        }
        return out;
    }

    /** A jar of a directory's files, in a fixed order. */
    private static Path jar(Path root, Path target) throws IOException {
        Manifest mf = new Manifest();
        mf.getMainAttributes().put(Attributes.Name.MANIFEST_VERSION, "1.0");
        List<Path> files;
        try (Stream<Path> s = Files.walk(root)) {
            files = s.filter(p -> !p.equals(root)).sorted().toList();
        }
        try (OutputStream os = Files.newOutputStream(target); JarOutputStream out = new JarOutputStream(os, mf)) {
            for (Path f : files) {
                String name = root.relativize(f).toString().replace(File.separatorChar, '/');
                if (Files.isDirectory(f)) {
                    out.putNextEntry(new JarEntry(name + "/"));
                } else {
                    out.putNextEntry(new JarEntry(name));
                    Files.copy(f, out);
                }
                out.closeEntry();
            }
        }
        return target;
    }
}
