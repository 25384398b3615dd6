package dev.reflowkit.train;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * The periodic checkpoints of a run: {@code DIR/checkpoints/step-0000001000.ckpt}, the newest
 * found by step number, old ones pruned.
 */
public final class CheckpointDirectory {

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
     * Deletes all but the newest {@code keep} checkpoints.
     *
     * @param keep how many to keep, at least 1
     * @throws IOException if deletion fails
     */
    public void prune(int keep) throws IOException {
        List<Path> all = list();
        for (int i = 0; i < all.size() - keep; i++) {
            Files.deleteIfExists(all.get(i));
        }
    }
}
