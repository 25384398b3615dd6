package dev.reflowkit.train;

import ai.djl.ndarray.NDManager;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * The periodic checkpoints of a run: {@code DIR/checkpoints/step-0000001000.ckpt}, the newest
 * found by step number, old ones pruned (at least the newest {@value #MIN_KEPT} kept).
 *
 * <p>A resume starts from the newest checkpoint that reads intact ({@link #newestIntact}): a
 * damaged newer one (flipped or missing bytes, found by the checkpoint's checksums) is skipped, so
 * a resume loses at most the steps after the checkpoint before it. Keeping two or more is what
 * makes that fallback possible.
 */
public final class CheckpointDirectory {

    /** The fewest checkpoints pruning keeps, so that a damaged newest one has a predecessor. */
    public static final int MIN_KEPT = 2;
    /** The suffix a damaged checkpoint is renamed with once a resume has skipped it. */
    public static final String DAMAGED_SUFFIX = ".damaged";

    private static final Pattern NAME = Pattern.compile("step-(\\d{10})\\.ckpt");

    private final Path dir;

    /**
     * Creates the view of a run's checkpoint folder.
     *
     * @param runDir the run's output directory
     */
    public CheckpointDirectory(Path runDir) {
        this.dir = runDir.resolve("checkpoints");
    }

    /**
     * The directory the checkpoints live in ({@code <run>/checkpoints}).
     *
     * @return the directory, which may not exist yet
     */
    public Path path() {
        return dir;
    }

    /**
     * The file for a step.
     *
     * @param step the step
     * @return the path
     */
    public Path fileFor(long step) {
        return dir.resolve(String.format("step-%010d.ckpt", step));
    }

    /**
     * The checkpoint files, oldest first.
     *
     * @return the files
     * @throws IOException if the folder cannot be listed
     */
    public List<Path> list() throws IOException {
        List<Path> out = new ArrayList<>();
        if (!Files.isDirectory(dir)) {
            return out;
        }
        try (Stream<Path> s = Files.list(dir)) {
            s.filter(p -> NAME.matcher(p.getFileName().toString()).matches()).sorted().forEach(out::add);
        }
        return out;
    }

    /**
     * The newest checkpoint.
     *
     * @return the file, if any
     * @throws IOException if the folder cannot be listed
     */
    public Optional<Path> latest() throws IOException {
        List<Path> all = list();
        return all.isEmpty() ? Optional.empty() : Optional.of(all.get(all.size() - 1));
    }

    /**
     * The step number in a checkpoint file name.
     *
     * @param file a checkpoint file
     * @return its step
     */
    public static long stepOf(Path file) {
        Matcher m = NAME.matcher(file.getFileName().toString());
        if (!m.matches()) {
            throw new IllegalArgumentException("not a checkpoint file name: " + file);
        }
        return Long.parseLong(m.group(1));
    }

    /**
     * Refuses to start a fresh run over an existing one.
     *
     * @throws IllegalArgumentException if the run directory already holds checkpoints, naming
     *     the newest and suggesting {@code --resume}
     * @throws IOException if the folder cannot be listed
     */
    public void requireFresh() throws IOException {
        Optional<Path> existing = latest();
        if (existing.isPresent()) {
            throw new IllegalArgumentException(dir.getParent() + " already holds a training run ("
                    + existing.get().getFileName() + "); pass --resume to continue it or choose another"
                    + " output directory");
        }
    }

    /**
     * Deletes all but the newest {@code max(keep, MIN_KEPT)} checkpoints: one more than the newest
     * is always kept, for a resume to fall back to if the newest is damaged.
     *
     * @param keep how many to keep ({@code train.keep_checkpoints}); 1 keeps 2
     * @throws IOException if deletion fails
     */
    public void prune(int keep) throws IOException {
        List<Path> all = list();
        for (int i = 0; i < all.size() - Math.max(keep, MIN_KEPT); i++) {
            Files.deleteIfExists(all.get(i));
        }
    }

    /**
     * The newest checkpoint that reads intact (every checksum verified), and the newer ones that
     * do not.
     *
     * <p>Each candidate is read into its own sub-manager of {@code manager}; a damaged one's arrays
     * are freed at once, the intact one's live until {@code manager} closes.
     *
     * @param manager the manager that will own the checkpoint's arrays
     * @return the newest intact checkpoint, or empty if the folder holds no checkpoint at all
     * @throws CheckpointException if there are checkpoints but none is intact (naming each and
     *     its problem)
     * @throws IOException if the folder cannot be listed
     */
    public Optional<Intact> newestIntact(NDManager manager) throws IOException {
        List<Path> all = list();
        List<CheckpointException> damaged = new ArrayList<>();
        for (int i = all.size() - 1; i >= 0; i--) {
            NDManager sub = manager.newSubManager();
            try {
                return Optional.of(new Intact(all.get(i), Checkpoints.read(all.get(i), sub), List.copyOf(damaged)));
            } catch (CheckpointException e) {
                sub.close();
                damaged.add(e);
            }
        }
        if (!damaged.isEmpty()) {
            StringBuilder problems = new StringBuilder();
            for (CheckpointException e : damaged) {
                problems.append(problems.length() == 0 ? "" : "; ").append(e.getMessage());
            }
            throw new CheckpointException(dir, "no intact checkpoint to resume from (" + problems + "); to start"
                    + " the run over, delete " + dir + " or train into a new directory");
        }
        return Optional.empty();
    }

    /**
     * Renames damaged checkpoints out of the way ({@code step-N.ckpt.damaged}, replacing an older
     * one of that name), so that they are neither resumed from nor counted by {@link #prune}, and
     * stay for inspection.
     *
     * @param damaged the damaged checkpoint files
     * @return the new names, in the same order
     * @throws IOException if a rename fails
     */
    public List<Path> setAside(List<Path> damaged) throws IOException {
        List<Path> out = new ArrayList<>();
        for (Path f : damaged) {
            Path target = f.resolveSibling(f.getFileName() + DAMAGED_SUFFIX);
            Files.move(f, target, StandardCopyOption.REPLACE_EXISTING);
            out.add(target);
        }
        return out;
    }

    /**
     * The newest intact checkpoint of a run, and the damaged newer ones skipped to find it.
     *
     * @param file the intact checkpoint's file
     * @param checkpoint its content
     * @param damaged the newer checkpoints that did not read, newest first, each with its problem
     */
    public record Intact(Path file, Checkpoint checkpoint, List<CheckpointException> damaged) {

        /**
         * The files of the damaged newer checkpoints, newest first.
         *
         * @return the files
         */
        public List<Path> damagedFiles() {
            return damaged.stream().map(CheckpointException::file).toList();
        }
    }
}
