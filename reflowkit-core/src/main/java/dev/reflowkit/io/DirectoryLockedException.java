package dev.reflowkit.io;

import java.nio.file.Path;
import java.util.Optional;

/**
 * A refusal to write a directory that another job holds the {@link DirectoryLock} of; the message
 * is one line naming the directory and the holder (pid, host, since when, command).
 */
public final class DirectoryLockedException extends java.io.IOException {

    private static final long serialVersionUID = 1L;

    private final transient Path directory;
    private final transient DirectoryLock.Holder holder;

    /**
     * Creates the exception.
     *
     * @param directory the locked directory
     * @param holder who holds the lock, if known
     * @param message the whole one-line message
     */
    DirectoryLockedException(Path directory, DirectoryLock.Holder holder, String message) {
        super(message);
        this.directory = directory;
        this.holder = holder;
    }

    /**
     * The locked directory.
     *
     * @return the directory as given to {@link DirectoryLock#acquire}
     */
    public Path directory() {
        return directory;
    }

    /**
     * Who holds the lock, as its holder recorded it.
     *
     * @return the holder, or empty if it has not recorded itself (yet)
     */
    public Optional<DirectoryLock.Holder> holder() {
        return Optional.ofNullable(holder);
    }
}
