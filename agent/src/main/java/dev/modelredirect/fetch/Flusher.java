package dev.modelredirect.fetch;

import java.io.IOException;
import java.nio.channels.FileChannel;

/**
 * Writes hashed data to disk in the background while the download goes on, so the final fsync before publication
 * has little left to do. Requests arriving while a flush runs are merged into the next one.
 */
final class Flusher {
    /** Data is flushed in the background every this many bytes. */
    static final long EVERY = 32L << 20;

    private final FileChannel channel;
    private final Thread thread;
    private boolean requested;
    private long requestedAt;
    private boolean stopped;

    Flusher(FileChannel channel) {
        this.channel = channel;
        this.thread = new Thread(this::run, "model-redirect-flush");
        thread.setDaemon(true);
        thread.start();
    }

    /** The file is complete up to {@code bytes}: asks for a flush once {@link #EVERY} more are written. */
    synchronized void reached(long bytes) {
        if (bytes - requestedAt >= EVERY) {
            requestedAt = bytes;
            requested = true;
            notifyAll();
        }
    }

    void stop() {
        synchronized (this) {
            stopped = true;
            notifyAll();
        }
        Transfers.joinQuietly(thread);
    }

    private void run() {
        while (true) {
            synchronized (this) {
                while (!requested && !stopped) {
                    try {
                        wait();
                    } catch (InterruptedException ex) {
                        return;
                    }
                }
                if (stopped) {
                    return;
                }
                requested = false;
            }
            try {
                channel.force(false);
            } catch (IOException ex) {
                return;
            }
        }
    }
}
