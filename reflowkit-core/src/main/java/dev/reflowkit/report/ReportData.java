package dev.reflowkit.report;

import dev.reflowkit.data.PointSet;
import dev.reflowkit.eval.EvalRun;
import dev.reflowkit.eval.MetricsReport;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * Everything {@link HtmlReport} draws: a title, run facts, metrics reports, samples and solver
 * trajectories per model and NFE (point data as scatter plots and path charts, images as image
 * grids and trajectory strips), the real data for comparison, and the resolved configuration.
 * Immutable; create one with {@link #builder()}.
 *
 * <pre>{@code
 * ReportData data = ReportData.builder()
 *         .setTitle("8gaussians: teacher vs 2-ReFlow")
 *         .addFacts(RunRecord.versions())
 *         .addMetrics(metricsReport)
 *         .optReference(heldOut)
 *         .addSamples("teacher", 4, teacherSamples)
 *         .addTrajectories("teacher", 8, ReportSampler.toPointSets(result.trajectory()))
 *         .addImages("mnist-teacher", 4, new long[] {1, 28, 28}, imageSamples)
 *         .optConfigYaml(config.toYaml())
 *         .build();
 * HtmlReport.write(dir.resolve("report.html"), data);
 * }</pre>
 */
public final class ReportData {

    private final String title;
    private final Instant date;
    private final String dataName;
    private final Map<String, String> facts;
    private final List<MetricsReport> metrics;
    private final PointSet reference;
    private final List<ModelSamples> samples;
    private final List<ModelTrajectories> trajectories;
    private final List<ModelImages> images;
    private final List<ModelImageTrajectories> imageTrajectories;
    private final String configYaml;

    private ReportData(Builder b) {
        title = b.title;
        date = b.date == null ? Instant.now() : b.date;
        facts = Collections.unmodifiableMap(new LinkedHashMap<>(b.facts));
        metrics = List.copyOf(b.metrics);
        reference = b.reference;
        samples = List.copyOf(b.samples);
        trajectories = List.copyOf(b.trajectories);
        images = List.copyOf(b.images);
        imageTrajectories = List.copyOf(b.imageTrajectories);
        configYaml = b.configYaml;
        dataName = b.dataName != null ? b.dataName : metrics.isEmpty() ? null : metrics.get(0).data();
    }

    /**
     * A new builder.
     *
     * @return the builder
     */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * The page title.
     *
     * @return the title
     */
    public String title() {
        return title;
    }

    /**
     * When the report was made.
     *
     * @return the date
     */
    public Instant date() {
        return date;
    }

    /**
     * The data set's name: the one set on the builder, else the first metrics report's.
     *
     * @return the name, or null if unknown
     */
    public String dataName() {
        return dataName;
    }

    /**
     * Facts about the run and the machine, in insertion order.
     *
     * @return names to values
     */
    public Map<String, String> facts() {
        return facts;
    }

    /**
     * The metrics reports, in insertion order.
     *
     * @return the reports
     */
    public List<MetricsReport> metrics() {
        return metrics;
    }

    /**
     * The real data drawn behind samples and trajectories.
     *
     * @return the data, or null if none was set
     */
    public PointSet reference() {
        return reference;
    }

    /**
     * The samples, in insertion order.
     *
     * @return the samples
     */
    public List<ModelSamples> samples() {
        return samples;
    }

    /**
     * The trajectories, in insertion order.
     *
     * @return the trajectories
     */
    public List<ModelTrajectories> trajectories() {
        return trajectories;
    }

    /**
     * The image samples, in insertion order.
     *
     * @return the image samples
     */
    public List<ModelImages> images() {
        return images;
    }

    /**
     * The image trajectories, in insertion order.
     *
     * @return the image trajectories
     */
    public List<ModelImageTrajectories> imageTrajectories() {
        return imageTrajectories;
    }

    /**
     * The resolved configuration as YAML.
     *
     * @return the text, or null if none was set
     */
    public String configYaml() {
        return configYaml;
    }

    /**
     * Every model name in order of first appearance (metrics runs, then samples, trajectories,
     * images and image trajectories); a model's colour in every chart is chosen by its position
     * here.
     *
     * @return the model names
     */
    public List<String> models() {
        Set<String> names = new LinkedHashSet<>();
        for (MetricsReport m : metrics) {
            for (EvalRun r : m.runs()) {
                names.add(r.model());
            }
        }
        samples.forEach(s -> names.add(s.model()));
        trajectories.forEach(t -> names.add(t.model()));
        images.forEach(i -> names.add(i.model()));
        imageTrajectories.forEach(t -> names.add(t.model()));
        return List.copyOf(names);
    }

    static void requireName(String model) {
        if (model == null || model.isBlank()) {
            throw new IllegalArgumentException("model name must be non-blank, got "
                    + (model == null ? "null" : "'" + model + "'"));
        }
    }

    static void requirePlottable(PointSet points, String what) {
        if (points == null) {
            throw new IllegalArgumentException(what + ": points are null");
        }
        if (points.n() < 1 || points.d() < 2) {
            throw new IllegalArgumentException(what + ": need at least one point with at least two coordinates, got ["
                    + points.n() + ", " + points.d() + "]");
        }
    }

    /** Builds a {@link ReportData}: {@code setTitle} is required, everything else optional. */
    public static final class Builder {

        private String title;
        private Instant date;
        private String dataName;
        private final Map<String, String> facts = new LinkedHashMap<>();
        private final List<MetricsReport> metrics = new ArrayList<>();
        private PointSet reference;
        private final List<ModelSamples> samples = new ArrayList<>();
        private final List<ModelTrajectories> trajectories = new ArrayList<>();
        private final List<ModelImages> images = new ArrayList<>();
        private final List<ModelImageTrajectories> imageTrajectories = new ArrayList<>();
        private String configYaml;

        private Builder() {}

        /**
         * Sets the page title (required).
         *
         * @param title a non-blank title
         * @return this builder
         */
        public Builder setTitle(String title) {
            if (title == null || title.isBlank()) {
                throw new IllegalArgumentException("report title must be non-blank, got "
                        + (title == null ? "null" : "'" + title + "'"));
            }
            this.title = title;
            return this;
        }

        /**
         * Sets the report date (default: when {@link #build()} is called).
         *
         * @param date the date
         * @return this builder
         */
        public Builder optDate(Instant date) {
            this.date = Objects.requireNonNull(date, "date");
            return this;
        }

        /**
         * Sets the data set's name (default: the first metrics report's {@code data}).
         *
         * @param name e.g. {@code "8gaussians"}
         * @return this builder
         */
        public Builder optDataName(String name) {
            this.dataName = Objects.requireNonNull(name, "data name");
            return this;
        }

        /**
         * Adds one fact for the header; a later value for the same name replaces the earlier one.
         *
         * @param name e.g. {@code "java"}
         * @param value any value, shown with {@link String#valueOf(Object)}
         * @return this builder
         */
        public Builder addFact(String name, Object value) {
            facts.put(Objects.requireNonNull(name, "fact name"), String.valueOf(value));
            return this;
        }

        /**
         * Adds facts for the header, e.g. {@code RunRecord.versions()}.
         *
         * @param values names to values
         * @return this builder
         */
        public Builder addFacts(Map<String, ?> values) {
            values.forEach(this::addFact);
            return this;
        }

        /**
         * Adds a metrics report: one table, its runs on the curves, its floor as a line.
         *
         * @param report the report
         * @return this builder
         */
        public Builder addMetrics(MetricsReport report) {
            metrics.add(Objects.requireNonNull(report, "metrics report"));
            return this;
        }

        /**
         * Sets the real data drawn in light grey behind samples and trajectories.
         *
         * @param data the data, at least two coordinates per point
         * @return this builder
         */
        public Builder optReference(PointSet data) {
            requirePlottable(data, "reference data");
            this.reference = data;
            return this;
        }

        /**
         * Adds the samples of a model at one NFE.
         *
         * @param model the model name
         * @param nfe velocity evaluations per sample
         * @param points the samples
         * @return this builder
         * @throws IllegalArgumentException if this model already has samples at this NFE
         */
        public Builder addSamples(String model, int nfe, PointSet points) {
            ModelSamples s = new ModelSamples(model, nfe, points);
            for (ModelSamples o : samples) {
                if (o.model().equals(model) && o.nfe() == nfe) {
                    throw new IllegalArgumentException("model '" + model + "' already has samples at NFE " + nfe);
                }
            }
            samples.add(s);
            return this;
        }

        /**
         * Adds the solver paths of a model at one NFE.
         *
         * @param model the model name
         * @param nfe velocity evaluations per sample
         * @param statesPerGridPoint the states at every grid point, noise first
         * @return this builder
         * @throws IllegalArgumentException if this model already has trajectories at this NFE
         */
        public Builder addTrajectories(String model, int nfe, List<PointSet> statesPerGridPoint) {
            ModelTrajectories t = new ModelTrajectories(model, nfe, statesPerGridPoint);
            for (ModelTrajectories o : trajectories) {
                if (o.model().equals(model) && o.nfe() == nfe) {
                    throw new IllegalArgumentException("model '" + model + "' already has trajectories at NFE " + nfe);
                }
            }
            trajectories.add(t);
            return this;
        }

        /**
         * Adds the images a model generated at one NFE, drawn as an image grid.
         *
         * @param model the model name
         * @param nfe velocity evaluations per sample
         * @param sampleShape the shape of one image, {@code {C, H, W}} with {@code C} 1 or 3
         * @param samples the images, one per row, {@code d = C*H*W}, values nominally in [-1, 1]
         * @return this builder
         * @throws IllegalArgumentException if this model already has images at this NFE, or the
         *     shapes do not match
         */
        public Builder addImages(String model, int nfe, long[] sampleShape, PointSet samples) {
            ModelImages m = new ModelImages(model, nfe, ImageShape.of(sampleShape), samples);
            for (ModelImages o : images) {
                if (o.model().equals(model) && o.nfe() == nfe) {
                    throw new IllegalArgumentException("model '" + model + "' already has images at NFE " + nfe);
                }
            }
            images.add(m);
            return this;
        }

        /**
         * Adds the solver paths of an image model at one NFE, drawn as a trajectory strip.
         *
         * @param model the model name
         * @param nfe velocity evaluations per sample
         * @param sampleShape the shape of one image, {@code {C, H, W}}
         * @param statesPerGridPoint the states at every grid point, noise first, at least two
         * @return this builder
         * @throws IllegalArgumentException if this model already has image trajectories at this
         *     NFE, or the shapes do not match
         */
        public Builder addImageTrajectories(String model, int nfe, long[] sampleShape,
                List<PointSet> statesPerGridPoint) {
            ModelImageTrajectories t = new ModelImageTrajectories(model, nfe, ImageShape.of(sampleShape),
                    statesPerGridPoint);
            for (ModelImageTrajectories o : imageTrajectories) {
                if (o.model().equals(model) && o.nfe() == nfe) {
                    throw new IllegalArgumentException("model '" + model + "' already has image trajectories at NFE "
                            + nfe);
                }
            }
            imageTrajectories.add(t);
            return this;
        }

        /**
         * Sets the resolved configuration, e.g. {@code config.toYaml()}.
         *
         * @param yaml the YAML text
         * @return this builder
         */
        public Builder optConfigYaml(String yaml) {
            this.configYaml = Objects.requireNonNull(yaml, "config YAML");
            return this;
        }

        /**
         * Builds the report data.
         *
         * @return the data
         * @throws IllegalStateException if no title was set
         */
        public ReportData build() {
            if (title == null) {
                throw new IllegalStateException("report data needs a title: call setTitle");
            }
            return new ReportData(this);
        }
    }
}
