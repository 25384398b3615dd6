package dev.reflowkit.spark;

import dev.reflowkit.pairs.PairDirection;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.spark.SparkConf;
import org.apache.spark.api.java.JavaSparkContext;

/**
 * The command lines of the {@code spark-submit} entry points ({@code --name value} pairs, and
 * repeatable {@code --set}), and the Spark context they run in.
 */
final class JobArguments {

    private JobArguments() {}

    /**
     * Parses {@code --teacher --out --direction [--count] [--seed] [--partitions] [--set]...}.
     *
     * @param args the arguments
     * @return the job
     * @throws IllegalArgumentException naming what is wrong
     */
    static PairJob pairJob(String[] args) {
        Map<String, String> a = new HashMap<>();
        List<String> sets = new ArrayList<>();
        parse(args, Set.of("teacher", "out", "direction", "count", "seed", "partitions"), a, sets);
        PairJob.Builder b = PairJob.builder()
                .setTeacher(Path.of(required(a, "teacher")))
                .setStore(Path.of(required(a, "out")))
                .setDirection(PairDirection.byName(required(a, "direction")));
        if (a.containsKey("count")) {
            b.optCount(integer(a, "count"));
        }
        if (a.containsKey("seed")) {
            b.optSeed(Long.parseLong(a.get("seed")));
        }
        if (a.containsKey("partitions")) {
            b.optPartitions(integer(a, "partitions"));
        }
        sets.forEach(b::addOverride);
        return b.build();
    }

    /**
     * An evaluation job and where its JSON goes ({@code null}: printed only).
     *
     * @param job the job
     * @param out the {@code --out} file, or null
     */
    record Eval(EvalJob job, Path out) {}

    /**
     * Parses {@code --model --count --nfe N[,N...] [--seed] [--solver] [--grid] [--batch-size]
     * [--partitions] [--weights ema|raw] [--out FILE.json]}.
     *
     * @param args the arguments
     * @return the job and its output file
     * @throws IllegalArgumentException naming what is wrong
     */
    static Eval eval(String[] args) {
        Map<String, String> a = new HashMap<>();
        parse(args, Set.of("model", "count", "nfe", "seed", "solver", "grid", "batch-size", "partitions", "weights",
                "out"), a, null);
        List<Integer> nfes = new ArrayList<>();
        for (String n : required(a, "nfe").split(",")) {
            nfes.add(Integer.parseInt(n.trim()));
        }
        String weights = a.getOrDefault("weights", "ema");
        if (!weights.equals("ema") && !weights.equals("raw")) {
            throw new IllegalArgumentException("--weights must be ema or raw, got " + weights);
        }
        EvalJob job = new EvalJob(Path.of(required(a, "model")).toAbsolutePath().toString(), integer(a, "count"),
                nfes, a.getOrDefault("solver", "heun"), a.getOrDefault("grid", "uniform"),
                Long.parseLong(a.getOrDefault("seed", "0")), Integer.parseInt(a.getOrDefault("batch-size", "1000")),
                Integer.parseInt(a.getOrDefault("partitions", "0")), weights.equals("ema"));
        return new Eval(job, a.containsKey("out") ? Path.of(a.get("out")) : null);
    }

    /**
     * The Spark context of a submitted job: master, executors and memory come from
     * {@code spark-submit}; without one (a plain {@code java} run) it is {@code local[*]}.
     *
     * @param name the application name
     * @return the context
     */
    static JavaSparkContext context(String name) {
        SparkConf conf = new SparkConf().setAppName(name);
        if (!conf.contains("spark.master")) {
            conf.setMaster("local[*]");
        }
        return new JavaSparkContext(conf);
    }

    private static void parse(String[] args, Set<String> names, Map<String, String> out, List<String> sets) {
        for (int i = 0; i < args.length; i++) {
            String arg = args[i];
            if (!arg.startsWith("--") || i + 1 >= args.length) {
                throw new IllegalArgumentException("expected --name value, got '" + arg + "'");
            }
            String name = arg.substring(2);
            String value = args[++i];
            if (name.equals("set") && sets != null) {
                sets.add(value);
            } else if (names.contains(name)) {
                out.put(name, value);
            } else {
                throw new IllegalArgumentException("unknown option --" + name + " (known: " + names
                        + (sets != null ? ", set" : "") + ")");
            }
        }
    }

    private static String required(Map<String, String> a, String name) {
        String v = a.get(name);
        if (v == null) {
            throw new IllegalArgumentException("missing --" + name);
        }
        return v;
    }

    private static int integer(Map<String, String> a, String name) {
        try {
            return Integer.parseInt(required(a, name));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("--" + name + " must be an integer, got " + a.get(name));
        }
    }
}
