package dev.modelredirect.store;

import dev.modelredirect.files.GroupAccess;
import dev.modelredirect.log.Log;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Named locks across threads and processes, one lock file per name.
 *
 * <p>Threads of one JVM queue on a {@link ReentrantLock} per file; processes on an OS file lock of that file. A waiter
 * says so on stderr after {@link #WAIT_NOTICE_MILLIS}. The locks are an optimisation (one download instead of many),
 * never the basis of correctness: where file locks cannot be taken (read-only directory, a network file system without
 * lock support) the holder proceeds without one, and the store stays valid through unique temporary names and atomic
 * renames.
 */
public final class NamedLocks {
    /** After this long waiting, a line on stderr says why. */
    public static final long WAIT_NOTICE_MILLIS = 3_000;

    private static final ConcurrentMap<Path, ReentrantLock> IN_PROCESS = new ConcurrentHashMap<>();

    /** When true, no OS file lock is taken; simulates a file system whose locks do nothing (tests). */
    private static volatile boolean fileLocksDisabled = Boolean.getBoolean("modelredirect.test.noFileLocks");

    private NamedLocks() {
    }

    /** Turns the OS lock layer off or on, as a network file system without lock support would behave. */
    public static void disableFileLocks(boolean disabled) {
        fileLocksDisabled = disabled;
    }

    /** A held lock; closing releases it. */
    public interface Held extends AutoCloseable {
        @Override
        void close();
    }

    /**
     * Takes the lock named by {@code lockFile}, waiting as long as another thread or process holds it.
     *
     * @param what what the holder is doing, for the waiting notice
     */
    public static Held acquire(Path lockFile, String what) throws IOException {
        Path key = lockFile.toAbsolutePath().normalize();
        ReentrantLock local = IN_PROCESS.computeIfAbsent(key, k -> new ReentrantLock());
        long start = System.nanoTime();
        boolean noticed = false;
        try {
            while (!local.tryLock(200, TimeUnit.MILLISECONDS)) {
                noticed = noticeIfLong(start, noticed, what, lockFile);
            }
        } catch (InterruptedException ex) {
            Thread.currentThread().interrupt();
            throw new java.io.InterruptedIOException("interrupted while waiting for " + what);
        }
        FileChannel channel = null;
        FileLock fileLock = null;
        try {
            if (!fileLocksDisabled) {
                channel = openLockFile(key);
                if (channel != null) {
                    fileLock = lockFile(channel, start, noticed, what, lockFile);
                }
            }
        } catch (IOException | RuntimeException ex) {
            closeQuietly(channel);
            local.unlock();
            throw ex;
        }
        return held(channel, fileLock, local);
    }

    /**
     * Takes the lock named by {@code lockFile} only if no thread or process holds it now; null when one does. Never
     * creates the lock file: a name nobody ever locked is free.
     */
    public static Held tryAcquire(Path lockFile) throws IOException {
        Path key = lockFile.toAbsolutePath().normalize();
        ReentrantLock local = IN_PROCESS.computeIfAbsent(key, k -> new ReentrantLock());
        if (!local.tryLock()) {
            return null;
        }
        if (fileLocksDisabled || !Files.exists(key)) {
            return local::unlock;
        }
        FileChannel channel = null;
        FileLock fileLock;
        try {
            channel = FileChannel.open(key, StandardOpenOption.WRITE);
            fileLock = channel.tryLock();
        } catch (java.nio.channels.OverlappingFileLockException held) {
            fileLock = null;
        } catch (IOException | UnsupportedOperationException ex) {
            Log.debug("cannot test the lock %s (%s); taking it as free", lockFile, ex.getMessage());
            closeQuietly(channel);
            return local::unlock;
        }
        if (fileLock == null) {
            closeQuietly(channel);
            local.unlock();
            return null;
        }
        return held(channel, fileLock, local);
    }

    /** The hold of both layers: releasing it releases the file lock (if any), closes its channel, then unlocks. */
    private static Held held(FileChannel channel, FileLock fileLock, ReentrantLock local) {
        return () -> {
            try {
                if (fileLock != null) {
                    fileLock.release();
                }
            } catch (IOException ignored) {
                // closing the channel releases it anyway
            } finally {
                closeQuietly(channel);
                local.unlock();
            }
        };
    }

    private static FileChannel openLockFile(Path lockFile) {
        try {
            GroupAccess.createDirectories(lockFile.getParent());
            FileChannel channel = FileChannel.open(lockFile, StandardOpenOption.CREATE, StandardOpenOption.WRITE);
            GroupAccess.share(lockFile);
            return channel;
        } catch (IOException | UnsupportedOperationException ex) {
            Log.debug("cannot create lock file %s (%s); going on without it", lockFile, ex.getMessage());
            return null;
        }
    }

    private static FileLock lockFile(FileChannel channel, long start, boolean noticed, String what, Path lockFile)
            throws IOException {
        while (true) {
            FileLock lock;
            try {
                lock = channel.tryLock();
            } catch (IOException | UnsupportedOperationException ex) {
                Log.debug("file locks do not work on %s (%s); going on without one", lockFile, ex.getMessage());
                return null;
            }
            if (lock != null) {
                return lock;
            }
            noticed = noticeIfLong(start, noticed, what, lockFile);
            try {
                Thread.sleep(100);
            } catch (InterruptedException ex) {
                Thread.currentThread().interrupt();
                throw new java.io.InterruptedIOException("interrupted while waiting for " + what);
            }
        }
    }

    private static boolean noticeIfLong(long start, boolean noticed, String what, Path lockFile) {
        if (!noticed && System.nanoTime() - start > TimeUnit.MILLISECONDS.toNanos(WAIT_NOTICE_MILLIS)) {
            Log.info("waiting for another download of %s to finish (lock %s)", what, lockFile);
            return true;
        }
        return noticed;
    }

    private static void closeQuietly(FileChannel channel) {
        if (channel != null) {
            try {
                channel.close();
            } catch (IOException ignored) {
                // nothing more to release
            }
        }
    }
}
