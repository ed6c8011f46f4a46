package dev.modelredirect.fetch;

/**
 * Receives the progress of downloads. Called from download threads, often: implementations must be thread-safe and
 * cheap, and throttle their own output.
 */
public interface ProgressListener {
    /** A listener that ignores everything. */
    ProgressListener NONE = new ProgressListener() {
        @Override
        public void update(String label, long done, long total) {
        }
    };

    /**
     * @param label what is downloading (a source and file)
     * @param done  bytes on disk so far, resumed bytes included
     * @param total the expected size, or -1 when unknown
     */
    void update(String label, long done, long total);

    /** The download of {@code label} ended, with success or not. */
    default void finished(String label, boolean success) {
    }
}
