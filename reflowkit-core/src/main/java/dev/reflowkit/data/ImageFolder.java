package dev.reflowkit.data;

import dev.reflowkit.io.DataFormatException;
import java.awt.color.ColorSpace;
import java.awt.image.BufferedImage;
import java.awt.image.ColorModel;
import java.awt.image.IndexColorModel;
import java.awt.image.Raster;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.NotDirectoryException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.stream.Stream;
import javax.imageio.ImageIO;

/**
 * Reader of a folder of PNG or JPEG images (via {@code javax.imageio}), unlabelled or with one
 * subfolder per class.
 *
 * <p>Layout: if the folder has subfolders, each subfolder is a class, the class ids being the
 * subfolder names in sorted order (0, 1, ...), and the images are the files directly inside them;
 * otherwise the images are the files directly inside the folder and are unlabelled. Files ending
 * in {@code .png}, {@code .jpg} or {@code .jpeg} (any case) are images; other files and names
 * starting with {@code '.'} are ignored, as are folders inside class folders. Images are read in
 * sorted order (by class, then file name), so the result is deterministic.
 *
 * <p>Each image is converted to {@code channels} channels ({@link ImageChannels}; alpha is
 * ignored; 16-bit samples are scaled by {@code 2 v / 65535 - 1}; palette images whose palette is
 * all gray count as grayscale) and, if {@code resolution > 0}, center-cropped
 * to a square and resized to {@code resolution x resolution} by area averaging
 * ({@link ImageResize}). With {@code resolution == 0} images keep their size, which must then be
 * the same for all. Grayscale images are read from their raster (not through a colour-space
 * conversion), so an 8-bit gray value {@code v} becomes exactly {@code v / 127.5 - 1}.
 *
 * <p>Errors ({@link DataFormatException} naming the offending file or folder): an unreadable or
 * undecodable image, a folder without images, a class folder without images, images mixed with
 * class folders, and (with {@code resolution == 0}) images of different sizes.
 */
public final class ImageFolder {

    private ImageFolder() {}

    /**
     * The classes and image files of a folder, in reading order.
     *
     * @param classNames the class names (sorted), empty for an unlabelled folder
     * @param files the image files, sorted by class then name
     * @param labels the class of each file, or null for an unlabelled folder
     */
    public record Listing(List<String> classNames, List<Path> files, int[] labels) {}

    /**
     * Reads a folder.
     *
     * @param dir the folder
     * @param channels 1 (grayscale), 3 (RGB) or 0 (1 if every image is grayscale, else 3)
     * @param resolution the output side ({@code >= 1}), or 0 to keep the native size
     * @return the images, labelled if the folder has class subfolders
     * @throws DataFormatException for the problems listed above
     * @throws IOException if the folder cannot be listed or a file cannot be read
     */
    public static ImageSet read(Path dir, int channels, int resolution) throws IOException {
        Listing listing = list(dir, null);
        return read(listing, channels, resolution, listing.classNames().size());
    }

    /**
     * Lists the images of a folder.
     *
     * @param dir the folder
     * @param classNames the class names to use (e.g. those of the train folder when listing the
     *     test folder; every subfolder must be one of them), or null to take the subfolders' names
     * @return the listing
     * @throws DataFormatException if there are no images, a class folder is empty, images are
     *     mixed with class folders, or a subfolder is not among {@code classNames}
     * @throws IOException if the folder cannot be listed
     */
    public static Listing list(Path dir, List<String> classNames) throws IOException {
        Objects.requireNonNull(dir, "dir");
        if (!Files.exists(dir)) {
            throw new NoSuchFileException(dir.toString(), null, "no such image folder");
        }
        if (!Files.isDirectory(dir)) {
            throw new NotDirectoryException(dir.toString());
        }
        List<Path> subdirs = new ArrayList<>();
        List<Path> images = new ArrayList<>();
        List<Path> others = new ArrayList<>();
        scan(dir, subdirs, images, others);
        if (subdirs.isEmpty()) {
            if (classNames != null && !classNames.isEmpty()) {
                throw new DataFormatException(dir, "has no class subfolders, but the training folder has classes "
                        + classNames);
            }
            if (images.isEmpty()) {
                throw new DataFormatException(dir, "no PNG or JPEG images in this folder" + othersHint(others));
            }
            return new Listing(List.of(), List.copyOf(images), null);
        }
        if (!images.isEmpty()) {
            throw new DataFormatException(dir, "mixes images (e.g. " + images.get(0).getFileName()
                    + ") with class subfolders (e.g. " + subdirs.get(0).getFileName()
                    + "); put every image in a class subfolder, or remove the subfolders");
        }
        List<String> names = subdirs.stream().map(p -> p.getFileName().toString()).toList();
        if (classNames != null && classNames.isEmpty()) {
            throw new DataFormatException(dir, "has class subfolders " + names
                    + " but the training folder is unlabelled");
        }
        List<String> classes = classNames == null ? names : classNames;
        List<Path> files = new ArrayList<>();
        List<Integer> labels = new ArrayList<>();
        for (Path sub : subdirs) {
            String name = sub.getFileName().toString();
            int label = classes.indexOf(name);
            if (label < 0) {
                throw new DataFormatException(sub, "class folder '" + name + "' is not one of the training classes "
                        + classes);
            }
            List<Path> subImages = new ArrayList<>();
            List<Path> subOthers = new ArrayList<>();
            scan(sub, new ArrayList<>(), subImages, subOthers);
            if (subImages.isEmpty()) {
                throw new DataFormatException(sub, "class folder '" + name + "' has no PNG or JPEG images"
                        + othersHint(subOthers));
            }
            for (Path p : subImages) {
                files.add(p);
                labels.add(label);
            }
        }
        return new Listing(List.copyOf(classes), List.copyOf(files),
                labels.stream().mapToInt(Integer::intValue).toArray());
    }

    /**
     * Reads listed images.
     *
     * @param listing the files (and labels)
     * @param channels 1, 3, or 0 (1 if every image is grayscale, else 3)
     * @param resolution the output side, or 0 for the native size
     * @param classes the class count for labelled listings (ignored for unlabelled ones)
     * @return the images
     * @throws DataFormatException for an undecodable image or mixed sizes with resolution 0
     * @throws IOException if a file cannot be read
     */
    public static ImageSet read(Listing listing, int channels, int resolution, int classes) throws IOException {
        if (channels != 0 && channels != 1 && channels != 3) {
            throw new IllegalArgumentException("channels must be 0 (as stored), 1 or 3, got " + channels);
        }
        if (resolution < 0) {
            throw new IllegalArgumentException("resolution must be >= 0, got " + resolution);
        }
        List<Path> files = listing.files();
        List<Decoded> decoded = new ArrayList<>(files.size());
        boolean allGray = true;
        for (Path f : files) {
            Decoded d = decode(f);
            allGray &= d.channels() == 1;
            if (resolution > 0) {
                d = new Decoded(ImageResize.cropAndResize(d.pixels(), d.channels(), d.height(), d.width(), resolution),
                        d.channels(), resolution, resolution);
            }
            decoded.add(d);
        }
        int c = channels != 0 ? channels : (allGray ? 1 : 3);
        Decoded first = decoded.get(0);
        int h = first.height();
        int w = first.width();
        int d = c * h * w;
        float[] out = new float[Math.multiplyExact(decoded.size(), d)];
        for (int i = 0; i < decoded.size(); i++) {
            Decoded img = decoded.get(i);
            if (img.height() != h || img.width() != w) {
                throw new DataFormatException(files.get(i), "is " + img.width() + "x" + img.height() + " (WxH) but "
                        + files.get(0).getFileName() + " is " + w + "x" + h + "; with resolution 0 (native size)"
                        + " all images must have the same size: set a resolution to crop and resize them");
            }
            float[] px = ImageChannels.convert(img.pixels(), img.channels(), h * w, c);
            System.arraycopy(px, 0, out, i * d, d);
        }
        PointSet pixels = new PointSet(decoded.size(), d, out);
        return listing.labels() == null
                ? new ImageSet(pixels, c, h, w, null, 0)
                : new ImageSet(pixels, c, h, w, listing.labels().clone(), classes);
    }

    /**
     * Decodes one image file at its native size and channels (1 for grayscale, 3 otherwise).
     *
     * @param file a PNG or JPEG file
     * @return row-major {@code (C, H, W)} pixels in {@code [-1, 1]} with their shape
     * @throws DataFormatException if the file cannot be decoded
     * @throws IOException if it cannot be read
     */
    static Decoded decode(Path file) throws IOException {
        BufferedImage img;
        try {
            img = ImageIO.read(file.toFile());
        } catch (javax.imageio.IIOException e) {
            throw new DataFormatException(file, "cannot decode image: " + e.getMessage());
        } catch (IOException e) {
            if (!Files.isReadable(file)) {
                throw e;
            }
            throw new DataFormatException(file, "cannot decode image: " + e.getMessage());
        } catch (RuntimeException e) {
            throw new DataFormatException(file, "cannot decode image (" + e + ")");
        }
        if (img == null) {
            throw new DataFormatException(file, "not a readable PNG or JPEG image (no decoder recognised it)");
        }
        int h = img.getHeight();
        int w = img.getWidth();
        ColorModel cm = img.getColorModel();
        Raster raster = img.getRaster();
        boolean gray = cm.getColorSpace().getType() == ColorSpace.TYPE_GRAY
                && raster.getNumBands() <= 2 && !(cm instanceof IndexColorModel);
        if (gray) {
            double max = (1 << cm.getComponentSize(0)) - 1;
            float[] px = new float[h * w];
            for (int y = 0; y < h; y++) {
                for (int x = 0; x < w; x++) {
                    px[y * w + x] = (float) (raster.getSample(x, y, 0) / max * 2.0 - 1.0);
                }
            }
            return new Decoded(px, 1, h, w);
        }
        boolean grayPalette = cm instanceof IndexColorModel icm && isGrayPalette(icm);
        int c = grayPalette ? 1 : 3;
        float[] px = new float[c * h * w];
        int[] row = new int[w];
        for (int y = 0; y < h; y++) {
            img.getRGB(0, y, w, 1, row, 0, w);
            for (int x = 0; x < w; x++) {
                int argb = row[x];
                px[y * w + x] = IdxFiles.scale8(argb >>> 16);
                if (c == 3) {
                    px[h * w + y * w + x] = IdxFiles.scale8(argb >>> 8);
                    px[2 * h * w + y * w + x] = IdxFiles.scale8(argb);
                }
            }
        }
        return new Decoded(px, c, h, w);
    }

    /** Whether every palette entry is a gray (R = G = B), as in 1-, 2- and 4-bit gray PNGs. */
    private static boolean isGrayPalette(IndexColorModel icm) {
        for (int i = 0; i < icm.getMapSize(); i++) {
            int r = icm.getRed(i);
            if (icm.getGreen(i) != r || icm.getBlue(i) != r) {
                return false;
            }
        }
        return true;
    }

    /** One decoded image: row-major {@code (C, H, W)} values in {@code [-1, 1]}. */
    record Decoded(float[] pixels, int channels, int height, int width) {}

    private static boolean isImage(Path p) {
        String n = p.getFileName().toString().toLowerCase(Locale.ROOT);
        return n.endsWith(".png") || n.endsWith(".jpg") || n.endsWith(".jpeg");
    }

    /** Sorts the visible entries of a folder into subfolders, image files and other files. */
    private static void scan(Path dir, List<Path> subdirs, List<Path> images, List<Path> others) throws IOException {
        try (Stream<Path> s = Files.list(dir)) {
            List<Path> entries = s.filter(p -> !p.getFileName().toString().startsWith("."))
                    .sorted(Comparator.comparing(p -> p.getFileName().toString()))
                    .toList();
            for (Path p : entries) {
                if (Files.isDirectory(p)) {
                    subdirs.add(p);
                } else if (isImage(p)) {
                    images.add(p);
                } else {
                    others.add(p);
                }
            }
        } catch (UncheckedIOException e) {
            throw e.getCause();
        }
    }

    private static String othersHint(List<Path> others) {
        return others.isEmpty() ? " (it is empty)" : " (found " + others.size() + " other file"
                + (others.size() == 1 ? "" : "s") + ", e.g. " + others.get(0).getFileName()
                + "; images must end in .png, .jpg or .jpeg)";
    }
}
