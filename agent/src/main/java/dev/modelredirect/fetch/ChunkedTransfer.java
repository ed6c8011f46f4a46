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
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import okhttp3.HttpUrl;
import okhttp3.Request;
import okhttp3.Response;
import okio.BufferedSource;

/**
 * One parallel download of a file of known size: ranged GETs over several connections, written in place, hashed in
 * file order by the calling thread while later ranges still arrive.
 *
 * <p>Ranges come from a {@link RangePlan} (chunks in order, then work stealing at the tail). Every connection records
 * what it wrote in the {@link Journal} trailer at least every {@link RangePlan#RECORD_EVERY} bytes, so a kill loses
 * less than that per connection. The hasher reads the contiguous prefix back from the page cache (or the connection
 * writing right after the hashed bytes hashes them from its buffer while the hasher is idle), staying at most a
 * window behind the connections; on a resume it re-reads the bytes already on disk once (the JDK's SHA-256 state
 * cannot be saved), at disk or page-cache speed, never over the network. All mutable state is guarded by
 * {@code this}.
 */
final class ChunkedTransfer {
    /** The server answered a range with 200: it does not do ranges. */
    static final class RangesUnsupportedException extends IOException {
        private static final long serialVersionUID = 1L;
    }

    private static final int BUFFER = 1 << 18;
    private static final int HASH_BUFFER = 1 << 20;
    /** Fresh links asked for one file before a refusal counts as final. */
    private static final int MAX_REFRESHES = 3;

    private final Http http;
    private final FileDownloader.Settings settings;
    private final DownloadJob job;
    private final ProgressListener progress;
    private final long size;
    private final AtomicLong received = new AtomicLong();
    private final AtomicLong transferred = new AtomicLong();
    /** CPU time of the connection threads, for the debug breakdown. */
    private final AtomicLong workerCpu = new AtomicLong();
    private final Intervals written = new Intervals();
    private final RangePlan plan;
    private final long window;
    private long hashed;
    /** Someone (the hasher, or the connection writing right at {@code hashed}) is feeding the hash. */
    private boolean hashBusy;
    private Hashing hashing;
    private Flusher flusher;
    /** Bytes hashed by a connection straight from its buffer, without reading them back. */
    private long hashedInPlace;
    private IOException failure;
    /** The requests the connections have under way: cancelled at once when the download fails. */
    private final java.util.Set<Http.Abort> inFlight = new java.util.HashSet<>();
    private HttpUrl url;
    private int refreshes;
    private FileChannel channel;
    private Journal journal;

    ChunkedTransfer(Http http, FileDownloader.Settings settings, DownloadJob job, ProgressListener progress)
            throws IOException {
        this.http = http;
        this.settings = settings;
        this.job = job;
        this.progress = progress;
        this.size = job.expectedSize();
        loadWritten();
        received.set(written.total());
        this.plan = new RangePlan(size, settings.chunkSize(), written);
        this.window = (settings.connections() * 2L + 2) * settings.chunkSize();
    }

    long transferred() {
        return transferred.get();
    }

    /** Bytes already on disk: from the journal trailer, or a plain prefix left by a one-stream attempt. */
    private void loadWritten() throws IOException {
        Path file = job.file();
        long fileSize = Files.exists(file) ? Files.size(file) : 0;
        if (fileSize > size) {
            Journal.read(file, size, written);
        } else {
            written.add(0, fileSize);
        }
        if (written.total() > 0) {
            Log.debug("%s: resuming with %d of %d bytes on disk", job.label(), written.total(), size);
        }
    }

    Hashing.Digests run() throws IOException {
        Path file = job.file();
        synchronized (this) {
            url = job.location().current();
        }
        hashing = Hashing.forExpected(size, job.expected());
        List<Thread> workers = new ArrayList<>();
        long started = System.nanoTime();
        long cpuStart = threadCpu();
        long hashWait = 0;
        long hashNanos = 0;
        try {
            channel = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                    StandardOpenOption.READ);
            GroupAccess.share(file);
            synchronized (this) {
                journal = Journal.start(channel, size, written);
                // before the connections start: one hashing in place reports progress to it
                flusher = new Flusher(channel);
            }
            for (int i = 0; i < settings.connections(); i++) {
                Thread worker = new Thread(this::work, "model-redirect-download-" + i);
                worker.setDaemon(true);
                workers.add(worker);
                worker.start();
            }
            byte[] buffer = new byte[HASH_BUFFER];
            while (true) {
                long waitStart = System.nanoTime();
                long[] range = awaitPrefix();
                if (range == null) {
                    break;
                }
                long hashStart = System.nanoTime();
                hashWait += hashStart - waitStart;
                Transfers.hashRange(channel, range[0], range[1], hashing, buffer);
                hashNanos += System.nanoTime() - hashStart;
                hashedTo(range[1]);
            }
            startedFlusher().stop();
            for (Thread worker : workers) {
                // every byte is on disk: each connection only appends its last journal entry and ends
                Transfers.joinQuietly(worker);
            }
            long syncStart = System.nanoTime();
            channel.truncate(size);
            channel.force(true);
            Log.debug("%s: %d bytes in %d ms over %d connections (%d steals); hashing %d ms, hasher waited %d ms, "
                    + "final fsync %d ms; CPU: hasher %d ms, connections %d ms; %d bytes hashed by the connections "
                    + "from their buffers", job.label(), transferred.get(),
                    (syncStart - started) / 1_000_000, settings.connections(), steals(), hashNanos / 1_000_000,
                    hashWait / 1_000_000, (System.nanoTime() - syncStart) / 1_000_000,
                    (threadCpu() - cpuStart) / 1_000_000, workerCpu.get() / 1_000_000, inPlace());
            return hashing.finish();
        } finally {
            Flusher running = startedFlusher();
            if (running != null) {
                running.stop();
            }
            fail(new InterruptedIOException("download finished"));
            for (Thread worker : workers) {
                Transfers.joinQuietly(worker);
            }
            if (channel != null) {
                channel.close();
            }
        }
    }

    private synchronized int steals() {
        return plan.steals();
    }

    private synchronized long inPlace() {
        return hashedInPlace;
    }

    private synchronized Flusher startedFlusher() {
        return flusher;
    }

    /**
     * Waits until bytes after the hashed ones lie contiguously on disk and nobody else is hashing; claims the hash
     * and returns {@code {from, to}}, at most a step; null once every byte is hashed.
     */
    private synchronized long[] awaitPrefix() throws IOException {
        while (hashed < size && (plan.prefix() <= hashed || hashBusy)) {
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
        if (hashed >= size) {
            return null;
        }
        hashBusy = true;
        return new long[] {hashed, Math.min(plan.prefix(), hashed + 4L * HASH_BUFFER)};
    }

    /** The hash has been fed up to {@code upTo}: releases it, and asks for a background flush now and then. */
    private synchronized void hashedTo(long upTo) {
        hashed = upTo;
        hashBusy = false;
        flusher.reached(hashed);
        notifyAll();
    }

    private synchronized void fail(IOException ex) {
        if (failure == null) {
            failure = ex;
            // a connection blocked on a stalled socket would otherwise hold the error back until its read timeout
            for (Http.Abort abort : inFlight) {
                abort.now();
            }
        }
        notifyAll();
    }

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

    /** The next range for a connection, waiting while the window is full; null when nothing is left for it. */
    private synchronized RangePlan.Segment claim() throws InterruptedException {
        while (failure == null) {
            RangePlan.Segment segment = plan.next(hashed + window);
            if (segment != null) {
                return segment;
            }
            if (!plan.hasPending()) {
                return null;
            }
            wait(200);
        }
        return null;
    }

    /**
     * This thread's CPU time in nanoseconds for the debug breakdown, or 0 without debug output or where the JVM cannot
     * tell: asking loads {@code java.lang.management}, some 30 classes a plain download has no use for.
     */
    private static long threadCpu() {
        if (!Log.isDebug()) {
            return 0;
        }
        java.lang.management.ThreadMXBean threads = java.lang.management.ManagementFactory.getThreadMXBean();
        return threads.isCurrentThreadCpuTimeSupported() ? threads.getCurrentThreadCpuTime() : 0;
    }

    private void work() {
        RangePlan.Segment segment = null;
        long cpuStart = threadCpu();
        try {
            ByteBuffer buffer = ByteBuffer.allocateDirect(BUFFER);
            while ((segment = claim()) != null) {
                fetch(segment, buffer);
                record(segment);
                synchronized (this) {
                    plan.retire(segment);
                    notifyAll();
                }
                segment = null;
            }
        } catch (IOException ex) {
            fail(ex);
        } catch (InterruptedException ex) {
            fail(new InterruptedIOException("interrupted"));
        } catch (RuntimeException ex) {
            fail(new IOException("download of " + job.label() + " failed: " + ex, ex));
        } finally {
            if (segment != null) {
                try {
                    record(segment);
                } catch (IOException ignored) {
                    // the bytes are refetched next time
                }
            }
            workerCpu.addAndGet(threadCpu() - cpuStart);
        }
    }

    /** Appends what {@code segment} wrote since its last entry to the journal. */
    private void record(RangePlan.Segment segment) throws IOException {
        long[] range;
        synchronized (this) {
            range = plan.toRecord(segment);
        }
        if (range != null) {
            journal.written(range[0], range[1]);
        }
    }

    private void fetch(RangePlan.Segment segment, ByteBuffer buffer) throws IOException {
        int failures = 0;
        while (true) {
            long position;
            long end;
            Http.Abort abort = new Http.Abort();
            synchronized (this) {
                if (failure != null) {
                    throw new InterruptedIOException("stopped");
                }
                if (segment.complete()) {
                    return;
                }
                position = segment.position;
                end = segment.end;
                inFlight.add(abort);
            }
            HttpUrl used = currentUrl();
            Request.Builder request = http.request(used).header("Range", "bytes=" + position + "-" + (end - 1));
            if (job.validator() != null) {
                request.header("If-Range", job.validator());
            }
            try (Response response = http.execute(request.build(), Http.Redirects.ALL, abort)) {
                int code = response.code();
                if (code == 200) {
                    throw new RangesUnsupportedException();
                }
                if (Transfers.isExpiredLink(code) && refreshAfter(used)) {
                    continue;
                }
                if (code != 206) {
                    throw Http.statusError(response, "cannot download " + job.label());
                }
                if (Transfers.rangeStart(response) != position) {
                    throw new FetchException("the server at " + Http.describe(response.request().url())
                            + " answered the range " + position + "-" + (end - 1) + " with '"
                            + response.header("Content-Range") + "'; try again later or use another mirror");
                }
                copy(response.body().source(), segment, buffer);
                synchronized (this) {
                    if (segment.end < end) {
                        // an idle connection took the rest: drop this one rather than read on for nothing
                        abort.now();
                    }
                }
            } catch (IOException ex) {
                if (ex instanceof FetchException || ex instanceof RangesUnsupportedException
                        || Transfers.isInterruption(ex) || DiskSpace.isFull(ex)) {
                    throw ex;
                }
                long now;
                synchronized (this) {
                    if (failure != null) {
                        // cancelled because another connection failed: no retry
                        throw new InterruptedIOException("stopped");
                    }
                    now = segment.position;
                }
                failures = now > position ? 1 : failures + 1;
                Transfers.backoffOrFail(http, job, failures, ex);
            } finally {
                synchronized (this) {
                    inFlight.remove(abort);
                }
            }
        }
    }

    /** Copies a body into the segment until the segment is complete (its end may shrink under a steal). */
    private void copy(BufferedSource source, RangePlan.Segment segment, ByteBuffer buffer) throws IOException {
        while (true) {
            int want;
            long position;
            synchronized (this) {
                if (failure != null) {
                    throw new InterruptedIOException("stopped");
                }
                want = plan.reserve(segment, buffer.capacity());
                position = segment.position;
            }
            if (want == 0) {
                return;
            }
            buffer.clear().limit(want);
            // one write and one bookkeeping step per filled buffer
            Transfers.Fill fill = Transfers.fill(source, buffer);
            IOException cut = fill.ended()
                    ? new IOException("connection closed at byte " + (position + buffer.position())) : fill.cut();
            int n = buffer.position();
            if (n == 0) {
                throw cut;
            }
            buffer.flip();
            Transfers.writeFully(channel, buffer, position);
            transferred.addAndGet(n);
            progress.update(job.label(), received.addAndGet(n), size);
            boolean due;
            boolean hashHere;
            synchronized (this) {
                due = plan.wrote(segment, n);
                // bytes right after the hashed ones are hashed from this buffer, saving the read back
                hashHere = !hashBusy && hashed == position;
                if (hashHere) {
                    hashBusy = true;
                } else if (due) {
                    // the hasher is woken per journal entry, not per buffer: fewer context switches
                    notifyAll();
                }
            }
            if (hashHere) {
                buffer.position(0).limit(n);
                try {
                    hashing.update(buffer);
                } finally {
                    synchronized (this) {
                        hashedInPlace += n;
                    }
                    hashedTo(position + n);
                }
            }
            if (due) {
                record(segment);
            }
            if (cut != null) {
                // what came before the cut is written and kept; the next request resumes after it
                throw cut;
            }
        }
    }
}
