package dev.reflowkit.report;

import dev.reflowkit.data.PointSet;
import dev.reflowkit.io.AtomicFiles;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.zip.CRC32;

/**
 * The pictures of image models in the report, and the same pictures as PNG files for users to
 * take away: an image grid per model and NFE ({@code <model>-nfe<k>.png}) and a trajectory strip
 * per model and NFE ({@code <model>-trajectories-nfe<k>.png}), written by {@link #write} into
 * {@link #DIR_NAME} next to {@code report.html} when {@link HtmlReport#write(Path, ReportData,
 * boolean)} is asked to. Grids show at most {@link #MAX_GRID_IMAGES} images, {@link #COLUMNS} per
 * row; tiles are upscaled to at least {@link #MIN_TILE_PIXELS} pixels ({@link ImageGrid#scaleFor}).
 */
public final class ReportImages {

    /** The folder of the PNG files, next to the report. */
    public static final String DIR_NAME = "report-images";

    /** The most images a grid shows (the first ones). */
    public static final int MAX_GRID_IMAGES = 256;

    /** Images per grid row. */
    public static final int COLUMNS = 8;

    /** The most samples (rows) a trajectory strip shows (the first ones). */
    public static final int MAX_STRIP_SAMPLES = 16;

    /** The most solver states (columns) a trajectory strip shows. */
    public static final int MAX_STRIP_STEPS = 12;

    /** Tiles are upscaled (at most 4x) to at least this many pixels on their shorter side. */
    public static final int MIN_TILE_PIXELS = 48;

    private static final int MAX_STEM = 60;

    private ReportImages() {}

    /**
     * Writes every grid and strip of the report's image models as PNG files, atomically.
     *
     * @param dir the folder, e.g. {@code runDir.resolve(ReportImages.DIR_NAME)}; created if missing
     * @param data the report data
     * @return the files written, grids first, in insertion order; empty if the report has no images
     * @throws IOException if a file cannot be written
     */
    public static List<Path> write(Path dir, ReportData data) throws IOException {
        List<Path> files = new ArrayList<>();
        for (ModelImages m : data.images()) {
            Path f = dir.resolve(gridFileName(m.model(), m.nfe()));
            AtomicFiles.writeBytes(f, grid(m).png());
            files.add(f);
        }
        for (ModelImageTrajectories t : data.imageTrajectories()) {
            Path f = dir.resolve(stripFileName(t.model(), t.nfe()));
            AtomicFiles.writeBytes(f, strip(t).png());
            files.add(f);
        }
        return files;
    }

    /**
     * The file name of a model's image grid at one NFE.
     *
     * @param model the model name
     * @param nfe the NFE
     * @return e.g. {@code "teacher-nfe4.png"}; see {@link #stem} for unusual names
     */
    public static String gridFileName(String model, int nfe) {
        return stem(model) + "-nfe" + nfe + ".png";
    }

    /**
     * The file name of a model's trajectory strip at one NFE.
     *
     * @param model the model name
     * @param nfe the NFE
     * @return e.g. {@code "teacher-trajectories-nfe8.png"}
     */
    public static String stripFileName(String model, int nfe) {
        return stem(model) + "-trajectories-nfe" + nfe + ".png";
    }

    /**
     * A model name as a safe file name part: letters, digits, {@code . _ -} kept, runs of other
     * characters become one {@code _}, leading dots and underscores and trailing underscores are
     * dropped, at most 60 characters are kept. A name that had to change this way gets {@code -} and the 8 hex digits of its UTF-8 CRC-32 appended, so two
     * different names never share files in practice: {@code "2-ReFlow <fast>"} becomes
     * {@code "2-ReFlow_fast-xxxxxxxx"}, {@code "teacher"} stays {@code "teacher"}.
     *
     * @param model the model name
     * @return the stem
     */
    public static String stem(String model) {
        ReportData.requireName(model);
        StringBuilder sb = new StringBuilder(model.length());
        for (int i = 0; i < model.length(); i++) {
            char c = model.charAt(i);
            boolean ok = c < 128 && (Character.isLetterOrDigit(c) || c == '.' || c == '_' || c == '-');
            if (ok) {
                sb.append(c);
            } else if (sb.length() > 0 && sb.charAt(sb.length() - 1) != '_') {
                sb.append('_');
            }
        }
        int from = 0;
        while (from < sb.length() && (sb.charAt(from) == '.' || sb.charAt(from) == '_')) {
            from++;
        }
        int to = sb.length();
        while (to > from && sb.charAt(to - 1) == '_') {
            to--;
        }
        String s = sb.substring(from, Math.min(to, from + MAX_STEM));
        if (s.equals(model)) {
            return s;
        }
        CRC32 crc = new CRC32();
        crc.update(model.getBytes(StandardCharsets.UTF_8));
        return (s.isEmpty() ? "model" : s) + "-" + String.format(Locale.ROOT, "%08x", crc.getValue());
    }

    /**
     * A model's image grid at one NFE, as drawn in the report.
     *
     * @param m the images
     * @return the picture
     */
    static ChartImage grid(ModelImages m) {
        PointSet shown = m.images().n() > MAX_GRID_IMAGES ? m.images().head(MAX_GRID_IMAGES) : m.images();
        long[] shape = m.shape().toArray();
        ImageGrid grid = ImageGrid.builder().optColumns(COLUMNS).optScale(ImageGrid.scaleFor(shape, MIN_TILE_PIXELS))
                .build();
        byte[] png = grid.png(shown, shape);
        return new ChartImage(png, grid.width(shown.n(), shape), grid.height(shown.n(), shape),
                shown.n() + " images of " + m.model() + (m.nfe() == 0 ? "" : " at NFE " + m.nfe()));
    }

    /**
     * A model's trajectory strip at one NFE, as drawn in the report.
     *
     * @param t the paths
     * @return the picture
     */
    static ChartImage strip(ModelImageTrajectories t) {
        long[] shape = t.shape().toArray();
        TrajectoryStrip strip = strip(shape);
        BufferedImage img = strip.render(t.states(), shape);
        int rows = Math.min(MAX_STRIP_SAMPLES, t.paths().paths());
        return new ChartImage(ImageGrid.encode(img), img.getWidth(), img.getHeight(), "solver states of " + rows
                + " samples of " + t.model() + " at NFE " + t.nfe() + ", noise (left) to image (right)");
    }

    /**
     * The strip layout of the report.
     *
     * @param shape the image shape
     * @return the strip
     */
    static TrajectoryStrip strip(long[] shape) {
        return TrajectoryStrip.builder().optSamples(MAX_STRIP_SAMPLES).optMaxSteps(MAX_STRIP_STEPS)
                .optScale(ImageGrid.scaleFor(shape, MIN_TILE_PIXELS)).build();
    }
}
