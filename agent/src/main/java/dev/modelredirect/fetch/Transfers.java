package dev.modelredirect.fetch;

import dev.modelredirect.log.Log;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import okhttp3.Response;
import okio.BufferedSource;

/** What the one-stream and the parallel transfer share: retry pacing, answers to classify, file helpers. */
final class Transfers {
    private Transfers() {
    }

    static void backoffOrFail(Http http, DownloadJob job, int failures, IOException cause) throws IOException {
        RetryPolicy policy = http.retryPolicy();
        if (failures >= policy.maxAttempts()) {
            throw new FetchException("download of " + job.label() + " failed " + failures
                    + " times in a row (last: " + cause.getMessage() + "); the bytes received are kept and the next "
                    + "attempt resumes from them. Check the network, then run the same command again", cause);
        }
        Duration delay = policy.delayAfter(failures, null);
        Log.debug("%s: %s; retrying in %d ms", job.label(), cause.getMessage(), delay.toMillis());
        Http.sleep(delay);
    }

    /** A thread interruption or cancellation, as opposed to a read timeout (which is worth a retry). */
    static boolean isInterruption(IOException ex) {
        return ex instanceof InterruptedIOException && !(ex instanceof java.net.SocketTimeoutException);
    }

    /** Statuses a CDN gives for a signed link that has expired. */
    static boolean isExpiredLink(int code) {
        return code == 401 || code == 403 || code == 404 || code == 410;
    }

    /** The first byte of a 206 answer's {@code Content-Range}, or -1. */
    static long rangeStart(Response response) {
        String range = response.header("Content-Range");
        if (range == null || !range.startsWith("bytes ")) {
            return -1;
        }
        int dash = range.indexOf('-');
        try {
            return dash < 0 ? -1 : Long.parseLong(range.substring(6, dash).trim());
        } catch (NumberFormatException ex) {
            return -1;
        }
    }

    /** Feeds bytes {@code [from, to)} of the file to {@code hashing}, through {@code buffer}. */
    static void hashRange(FileChannel channel, long from, long to, Hashing hashing, byte[] buffer)
            throws IOException {
        ByteBuffer wrapped = ByteBuffer.wrap(buffer);
        long position = from;
        while (position < to) {
            wrapped.clear();
            wrapped.limit((int) Math.min(buffer.length, to - position));
            int n = channel.read(wrapped, position);
            if (n < 0) {
                throw new IOException("partial file shorter than expected at byte " + position);
            }
            hashing.update(buffer, 0, n);
            position += n;
        }
    }

    /**
     * How filling a buffer from a body ended: full, at the body's end ({@code ended}), or broken off by a read failure
     * ({@code cut}); the bytes read before an end or a break stay in the buffer.
     */
    record Fill(boolean ended, IOException cut) {
        static final Fill FULL = new Fill(false, null);
        static final Fill END = new Fill(true, null);
    }

    /**
     * Fills the rest of {@code buffer} from {@code source} (a socket read gives 8 KiB at a time, so a caller makes one
     * write per buffer). An interruption is thrown; any other read failure is returned as the fill's cut.
     */
    static Fill fill(BufferedSource source, ByteBuffer buffer) throws IOException {
        try {
            while (buffer.hasRemaining()) {
                if (source.read(buffer) < 0) {
                    return Fill.END;
                }
            }
            return Fill.FULL;
        } catch (IOException ex) {
            if (isInterruption(ex)) {
                throw ex;
            }
            return new Fill(false, ex);
        }
    }

    static void writeFully(FileChannel channel, ByteBuffer buffer, long position) throws IOException {
        long at = position;
        while (buffer.hasRemaining()) {
            at += channel.write(buffer, at);
        }
    }

    static void truncate(Path file, long size) throws IOException {
        if (!Files.exists(file)) {
            return;
        }
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.WRITE)) {
            channel.truncate(size);
        }
    }

    static void joinQuietly(Thread thread) {
        try {
            thread.join(10_000);
        } catch (InterruptedException ex) {
            Thread.currentThread().interrupt();
        }
    }
}
