package dev.reflowkit.io;

import java.io.IOException;
import java.nio.file.Path;

/**
 * A child process for {@link DirectoryLockTest}: takes a directory's lock, prints {@code LOCKED
 * PID} and holds it until its standard input closes (or it is killed); a refusal prints {@code
 * REFUSED MESSAGE} and exits with 3.
 */
public final class LockChild {

    private LockChild() {}

    /**
     * Runs the child.
     *
     * @param args the directory to lock
     * @throws IOException if the lock cannot be taken for another reason than a holder
     */
    public static void main(String[] args) throws IOException {
        DirectoryLock.setProcessCommand("lock-child " + args[0]);
        DirectoryLock lock;
        try {
            lock = DirectoryLock.acquire(Path.of(args[0]));
        } catch (DirectoryLockedException e) {
            System.out.println("REFUSED " + e.getMessage());
            System.out.flush();
            System.exit(3);
            return;
        }
        System.out.println("LOCKED " + ProcessHandle.current().pid());
        System.out.flush();
        while (System.in.read() >= 0) {
            // hold until the parent closes our input
        }
        lock.close();
    }
}
