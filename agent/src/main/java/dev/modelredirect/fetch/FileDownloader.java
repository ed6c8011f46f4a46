package dev.modelredirect.fetch;

import dev.modelredirect.files.DiskSpace;
import dev.modelredirect.files.GroupAccess;
import dev.modelredirect.log.Log;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.Deque;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import okhttp3.HttpUrl;
import okhttp3.Request;
import okhttp3.Response;
import okhttp3.ResponseBody;
import okio.BufferedSource;

/**
 * Downloads one file into a temporary file: resumable, hashed while it streams, in constant memory.
 *
 * <p>Small files, and files of unknown size, come in one stream ({@code Range: bytes=N-} to resume). Files of at
 * least {@link Settings#parallelThreshold()} come as ranged GETs of {@link Settings#chunkSize()} over
 * {@link Settings#connections()} connections, written in place; a journal in a trailer of the temporary file itself,
 * after the data, records finished chunks, so a killed process resumes where it stopped, and claiming a partial file
 * stays one atomic rename. The trailer is cut off before the file is verified and published. The calling thread
 * hashes finished chunks in order, reading them back from the page cache while later chunks still arrive, so hashing
 * overlaps the transfer.
 *
 * <p>Failure modes: a server that answers a range with 200 restarts the download cleanly from byte 0 in one stream;
 * a refused CDN link is refreshed through {@link DownloadLocation#refresh()}; connection errors and retryable statuses
 * retry with backoff (the count resets whenever bytes arrive); a size or hash mismatch deletes the temporary file and
 * throws {@link IntegrityException}; a full disk fails at once, without retries. Any other failure leaves the
 * temporary file (and its journal) for the next attempt.
 */
public final class FileDownloader {
    /**
     * Tuning of the transfer.
     *
     * @param chunkSize         bytes per ranged GET in parallel mode
     * @param connections       connections at once for one large file
     * @param parallelThreshold the smallest size downloaded in parallel chunks
     */
    public record Settings(long chunkSize, int connections, long parallelThreshold) {
        /** 16 MiB chunks over 4 connections, for files of 32 MiB and more. */
        public static final Settings DEFAULT = new Settings(16L << 20, 4, 32L << 20);
    }

    private static final int BUFFER = 1 << 18;
    /** Every this many hashed chunks, written data is flushed to disk in the background. */
    private static final int FLUSH_EVERY_CHUNKS = 4;
    /** Fresh links asked for one file before a refusal counts as final. */
    private static final int MAX_REFRESHES = 3;

    private final Http http;
    private final Settings settings;

    public FileDownloader(Http http, Settings settings) {
        this.http = http;
        this.settings = settings;
    }

    /**
     * What a download produced.
     *
     * @param digests     the hashes and size of the complete file
     * @param transferred bytes that came over the network in this call (resumed bytes excluded)
     */
    public record Result(Hashing.Digests digests, long transferred) {
    }

    /**
     * Downloads {@code job} completely and verifies it; on return the temporary file holds exactly the expected bytes,
     * forced to disk, without journal.
     */
    public Result download(DownloadJob job, ProgressListener progress) throws IOException {
        boolean success = false;
        try {
            long[] transferred = new long[1];
            Hashing.Digests digests = transfer(job, progress, transferred);
            success = true;
            return new Result(digests, transferred[0]);
        } finally {
            progress.finished(job.label(), success);
        }
    }

    private Hashing.Digests transfer(DownloadJob job, ProgressListener progress, long[] transferred)
            throws IOException {
        long size = job.expectedSize();
        Hashing.Digests digests = null;
        if (size >= settings.parallelThreshold() && settings.connections() > 1) {
            ChunkedTransfer chunked = new ChunkedTransfer(job, progress);
            try {
                digests = chunked.run();
            } catch (RangesUnsupportedException ex) {
                Log.debug("%s: the server ignores ranges; downloading in one stream from the start", job.label());
                truncate(job.file(), 0);
            } finally {
                transferred[0] += chunked.transferred();
            }
        }
        if (digests == null) {
            digests = sequential(job, progress, transferred);
        }
        verify(job, digests);
        return digests;
    }

    private void verify(DownloadJob job, Hashing.Digests digests) throws IOException {
        String problem = null;
        if (job.expectedSize() >= 0 && digests.size() != job.expectedSize()) {
            problem = "size " + digests.size() + " bytes, expected " + job.expectedSize();
        } else {
            ExpectedDigest mismatch = digests.firstMismatch(job.expected());
            if (mismatch != null) {
                problem = mismatch.algorithm().name().toLowerCase(java.util.Locale.ROOT) + " "
                        + digests.valueOf(mismatch.algorithm()) + ", expected " + mismatch.hex();
            }
        }
        if (problem != null) {
            Files.deleteIfExists(job.file());
            throw new IntegrityException("downloaded bytes of " + job.label() + " do not verify (" + problem
                    + "); nothing was stored and the partial file was deleted. Try again; if it fails the same way, "
                    + "the server's file differs from the one recorded: check the URL, or move the pin forward with "
                    + "`pull --update`");
        }
    }

    // ---------------------------------------------------------------- one stream

    private Hashing.Digests sequential(DownloadJob job, ProgressListener progress, long[] transferred)
            throws IOException {
        Path file = job.file();
        long size = job.expectedSize();
        long have = Files.exists(file) ? Files.size(file) : 0;
        if (size >= 0 && have > size) {
            have = Journal.contiguousPrefix(file, size);
            truncate(file, have);
        }
        Hashing hashing = Hashing.forExpected(size, job.expected());
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                StandardOpenOption.READ)) {
            GroupAccess.share(file);
            if (have > 0) {
                hashRange(channel, 0, have, hashing);
            }
            HttpUrl url = job.location().current();
            int failures = 0;
            int refreshes = 0;
            while (true) {
                if (size >= 0 && have == size) {
                    break;
                }
                Request.Builder request = http.request(url);
                if (have > 0) {
                    request.header("Range", "bytes=" + have + "-");
                    if (job.validator() != null) {
                        request.header("If-Range", job.validator());
                    }
                }
                long before = have;
                try (Response response = http.execute(request.build(), Http.Redirects.ALL)) {
                    int code = response.code();
                    if (code == 206 && rangeStart(response) == have) {
                        // resumed
                    } else if (code == 200 || code == 206) {
                        if (have > 0) {
                            Log.debug("%s: the server sent the whole file instead of a range; starting over",
                                    job.label());
                        }
                        if (code == 206) {
                            throw new FetchException("the server at " + Http.describe(url) + " answered a range "
                                    + "request for byte " + have + " with '" + response.header("Content-Range")
                                    + "'; it cannot be resumed safely. Delete the partial file or try another mirror");
                        }
                        have = 0;
                        truncate(file, 0);
                        hashing = Hashing.forExpected(size, job.expected());
                    } else if (code == 416 && have > 0) {
                        have = 0;
                        truncate(file, 0);
                        hashing = Hashing.forExpected(size, job.expected());
                        continue;
                    } else if (isExpiredLink(code) && refreshes < MAX_REFRESHES) {
                        refreshes++;
                        url = job.location().refresh();
                        continue;
                    } else {
                        throw Http.statusError(response, "cannot download " + job.label());
                    }
                    ResponseBody body = response.body();
                    long[] position = {have};
                    try {
                        stream(body.source(), channel, position, hashing, job, progress);
                    } finally {
                        transferred[0] += position[0] - have;
                        have = position[0];
                    }
                    if (size < 0) {
                        long declared = body.contentLength();
                        if (declared < 0 || have - before >= declared) {
                            break;
                        }
                        throw new IOException("connection closed after " + have + " bytes");
                    }
                    if (have < size) {
                        throw new IOException("connection closed after " + have + " of " + size + " bytes");
                    }
                } catch (IOException ex) {
                    if (ex instanceof IntegrityException) {
                        Files.deleteIfExists(file);
                    }
                    if (ex instanceof FetchException || isInterruption(ex) || DiskSpace.isFull(ex)) {
                        throw ex;
                    }
                    failures = have > before ? 1 : failures + 1;
                    backoffOrFail(job, failures, ex);
                }
            }
            channel.force(true);
        }
        return hashing.finish();
    }

    /** Streams a body to the file from {@code position[0]}, which advances with every byte written and hashed. */
    private static void stream(BufferedSource source, FileChannel channel, long[] position, Hashing hashing,
            DownloadJob job, ProgressListener progress) throws IOException {
        byte[] buffer = new byte[BUFFER];
        ByteBuffer wrapped = ByteBuffer.wrap(buffer);
        long limit = job.expectedSize() >= 0 ? job.expectedSize() : Long.MAX_VALUE;
        int n;
        while ((n = source.read(buffer, 0, buffer.length)) > 0) {
            if (position[0] + n > limit) {
                throw new IntegrityException("the server sent more than the " + limit + " bytes announced for "
                        + job.label() + "; nothing was stored. Try again later or check the server");
            }
            writeFully(channel, wrapped, 0, n, position[0]);
            hashing.update(buffer, 0, n);
            position[0] += n;
            progress.update(job.label(), position[0], job.expectedSize());
        }
    }

    // ---------------------------------------------------------------- parallel chunks

    /** The server answered a range with 200: it does not do ranges. */
    private static final class RangesUnsupportedException extends IOException {
        private static final long serialVersionUID = 1L;
    }

    /** One parallel, chunked download; its fields are guarded by {@code this}. */
    private final class ChunkedTransfer {
        private final DownloadJob job;
        private final ProgressListener progress;
        private final long size;
        private final long chunk;
        private final int count;
        private final BitSet done;
        private final Deque<Integer> pending = new ArrayDeque<>();
        private final AtomicLong received = new AtomicLong();
        private final AtomicLong transferred = new AtomicLong();
        private int hashedUpTo;
        private IOException failure;
        private HttpUrl url;
        private int refreshes;
        private FileChannel channel;
        private Journal journal;
        private Flusher flusher;

        ChunkedTransfer(DownloadJob job, ProgressListener progress) throws IOException {
            this.job = job;
            this.progress = progress;
            this.size = job.expectedSize();
            this.chunk = settings.chunkSize();
            this.count = (int) ((size + chunk - 1) / chunk);
            this.done = loadDone();
            for (int i = 0; i < count; i++) {
                if (!done.get(i)) {
                    pending.add(i);
                } else {
                    received.addAndGet(chunkLength(i));
                }
            }
        }

        private long chunkLength(int index) {
            return Math.min(chunk, size - index * chunk);
        }

        long transferred() {
            return transferred.get();
        }

        /** Chunks already on disk: from the journal trailer, or a plain prefix left by a one-stream attempt. */
        private BitSet loadDone() throws IOException {
            BitSet result = new BitSet(count);
            Path file = job.file();
            long fileSize = Files.exists(file) ? Files.size(file) : 0;
            if (fileSize > size) {
                Journal.read(file, size, chunk, result);
                return result;
            }
            for (int i = 0; i < count && (i + 1) * chunk <= fileSize; i++) {
                result.set(i);
            }
            if (fileSize == size && count > 0) {
                result.set(count - 1);
            }
            return result;
        }

        Hashing.Digests run() throws IOException {
            Path file = job.file();
            url = job.location().current();
            Hashing hashing = Hashing.forExpected(size, job.expected());
            List<Thread> workers = new ArrayList<>();
            try {
                channel = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                        StandardOpenOption.READ);
                GroupAccess.share(file);
                journal = Journal.start(channel, size, chunk, done);
                int threads = Math.min(settings.connections(), Math.max(1, pending.size()));
                for (int i = 0; i < threads; i++) {
                    Thread worker = new Thread(this::work, "model-redirect-download-" + i);
                    worker.setDaemon(true);
                    workers.add(worker);
                    worker.start();
                }
                byte[] buffer = new byte[1 << 20];
                flusher = new Flusher(channel);
                for (int index = 0; index < count; index++) {
                    awaitChunk(index);
                    long start = index * chunk;
                    hashRange(channel, start, start + chunkLength(index), hashing, buffer);
                    if ((index + 1) % FLUSH_EVERY_CHUNKS == 0) {
                        flusher.request();
                    }
                    synchronized (this) {
                        hashedUpTo = index + 1;
                        notifyAll();
                    }
                }
                flusher.stop();
                channel.truncate(size);
                channel.force(true);
                return hashing.finish();
            } finally {
                if (flusher != null) {
                    flusher.stop();
                }
                synchronized (this) {
                    if (failure == null) {
                        failure = new InterruptedIOException("download finished");
                    }
                    pending.clear();
                    notifyAll();
                }
                for (Thread worker : workers) {
                    joinQuietly(worker);
                }
                if (channel != null) {
                    channel.close();
                }
            }
        }

        private synchronized void awaitChunk(int index) throws IOException {
            while (!done.get(index)) {
                if (failure != null) {
                    throw failure;
                }
                try {
                    wait(200);
                } catch (InterruptedException ex) {
                    Thread.currentThread().interrupt();
                    fail(new InterruptedIOException("interrupted"));
                }
            }
        }

        private synchronized void fail(IOException ex) {
            if (failure == null) {
                failure = ex;
            }
            notifyAll();
        }

        /** The next chunk to fetch, staying at most a window ahead of the hasher; -1 when there is none. */
        private synchronized HttpUrl currentUrl() {
            return url;
        }

        /** After a refused link: a fresh one, unless another worker got it already; false when refreshes are spent. */
        private synchronized boolean refreshAfter(HttpUrl used) throws IOException {
            if (url != used) {
                return true;
            }
            if (refreshes >= MAX_REFRESHES) {
                return false;
            }
            refreshes++;
            url = job.location().refresh();
            return true;
        }

        private synchronized int claim() throws InterruptedException {
            int window = settings.connections() * 2 + 2;
            while (failure == null && !pending.isEmpty()) {
                int next = pending.peekFirst();
                if (next < hashedUpTo + window) {
                    return pending.pollFirst();
                }
                wait(200);
            }
            return -1;
        }

        private void work() {
            try {
                ByteBuffer buffer = ByteBuffer.allocateDirect(BUFFER);
                int index;
                while ((index = claim()) >= 0) {
                    fetchChunk(index, buffer);
                    journal.finished(index);
                    synchronized (this) {
                        done.set(index);
                        notifyAll();
                    }
                }
            } catch (IOException ex) {
                fail(ex);
            } catch (InterruptedException ex) {
                fail(new InterruptedIOException("interrupted"));
            } catch (RuntimeException ex) {
                fail(new IOException("download of " + job.label() + " failed: " + ex, ex));
            }
        }

        private void fetchChunk(int index, ByteBuffer buffer) throws IOException {
            long start = index * chunk;
            long end = start + chunkLength(index) - 1;
            long position = start;
            int failures = 0;
            while (position <= end) {
                synchronized (this) {
                    if (failure != null) {
                        throw new InterruptedIOException("stopped");
                    }
                }
                HttpUrl used = currentUrl();
                Request.Builder request = http.request(used).header("Range", "bytes=" + position + "-" + end);
                if (job.validator() != null) {
                    request.header("If-Range", job.validator());
                }
                long before = position;
                try (Response response = http.execute(request.build(), Http.Redirects.ALL)) {
                    int code = response.code();
                    if (code == 200) {
                        throw new RangesUnsupportedException();
                    }
                    if (isExpiredLink(code) && refreshAfter(used)) {
                        continue;
                    }
                    if (code != 206) {
                        throw Http.statusError(response, "cannot download " + job.label());
                    }
                    if (rangeStart(response) != position) {
                        throw new FetchException("the server at " + Http.describe(response.request().url())
                                + " answered the range " + position + "-" + end + " with '"
                                + response.header("Content-Range") + "'; try again later or use another mirror");
                    }
                    BufferedSource source = response.body().source();
                    while (position <= end) {
                        buffer.clear();
                        buffer.limit((int) Math.min(buffer.capacity(), end - position + 1));
                        int n = source.read(buffer);
                        if (n < 0) {
                            throw new IOException("connection closed at byte " + position + " of chunk ending at "
                                    + end);
                        }
                        buffer.flip();
                        while (buffer.hasRemaining()) {
                            position += channel.write(buffer, position);
                        }
                        transferred.addAndGet(n);
                        progress.update(job.label(), received.addAndGet(n), size);
                    }
                } catch (IOException ex) {
                    if (ex instanceof FetchException || ex instanceof RangesUnsupportedException
                            || isInterruption(ex) || DiskSpace.isFull(ex)) {
                        throw ex;
                    }
                    failures = position > before ? 1 : failures + 1;
                    backoffOrFail(job, failures, ex);
                }
            }
        }
    }

    /**
     * Writes hashed data to disk in the background while the download goes on, so the final fsync before publication
     * has little left to do. Requests arriving while a flush runs are merged into the next one.
     */
    private static final class Flusher {
        private final FileChannel channel;
        private final Thread thread;
        private boolean requested;
        private boolean stopped;

        Flusher(FileChannel channel) {
            this.channel = channel;
            this.thread = new Thread(this::run, "model-redirect-flush");
            thread.setDaemon(true);
            thread.start();
        }

        synchronized void request() {
            requested = true;
            notifyAll();
        }

        void stop() {
            synchronized (this) {
                stopped = true;
                notifyAll();
            }
            joinQuietly(thread);
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

    private static void joinQuietly(Thread thread) {
        try {
            thread.join(10_000);
        } catch (InterruptedException ex) {
            Thread.currentThread().interrupt();
        }
    }

    // ---------------------------------------------------------------- helpers

    private void backoffOrFail(DownloadJob job, int failures, IOException cause) throws IOException {
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
    private static boolean isInterruption(IOException ex) {
        return ex instanceof InterruptedIOException && !(ex instanceof java.net.SocketTimeoutException);
    }

    /** Statuses a CDN gives for a signed link that has expired. */
    private static boolean isExpiredLink(int code) {
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

    private static void hashRange(FileChannel channel, long from, long to, Hashing hashing) throws IOException {
        hashRange(channel, from, to, hashing, new byte[1 << 20]);
    }

    private static void hashRange(FileChannel channel, long from, long to, Hashing hashing, byte[] buffer)
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

    private static void writeFully(FileChannel channel, ByteBuffer buffer, int offset, int length, long position)
            throws IOException {
        buffer.clear();
        buffer.position(offset).limit(offset + length);
        long at = position;
        while (buffer.hasRemaining()) {
            at += channel.write(buffer, at);
        }
    }

    private static void truncate(Path file, long size) throws IOException {
        if (!Files.exists(file)) {
            return;
        }
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.WRITE)) {
            channel.truncate(size);
        }
    }

}
