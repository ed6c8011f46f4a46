package dev.modelredirect.fetch;

import dev.modelredirect.config.NetworkSettings;
import dev.modelredirect.files.DiskSpace;
import dev.modelredirect.files.GroupAccess;
import dev.modelredirect.log.Log;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import okhttp3.HttpUrl;
import okhttp3.Request;
import okhttp3.Response;
import okhttp3.ResponseBody;
import okio.BufferedSource;

/**
 * Downloads one file into a temporary file: resumable, hashed while it streams, in constant memory.
 *
 * <p>Small files, and files of unknown size, come in one stream ({@code Range: bytes=N-} to resume). Files of at
 * least {@link Settings#parallelThreshold()} come as a {@link ChunkedTransfer}: ranged GETs over
 * {@link Settings#connections()} connections with work stealing at the tail, written in place, with a byte-granular
 * {@link Journal} in a trailer of the temporary file itself, so a killed process resumes where it stopped (losing
 * less than a MiB per connection) and claiming a partial file stays one atomic rename. The trailer is cut off before
 * the file is verified and published.
 *
 * <p>Failure modes: a server that answers a range with 200 restarts the download cleanly from byte 0 in one stream;
 * a refused CDN link is refreshed through {@link DownloadLocation#refresh()}; connection errors and retryable statuses
 * retry with backoff (the count resets whenever bytes arrive); a size or hash mismatch deletes the temporary file and
 * throws {@link IntegrityException}; a full disk fails at once, without retries. Any other failure leaves the
 * temporary file (and its journal) for the next
 * attempt.
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
        /** 16 MiB chunks over {@link NetworkSettings#DEFAULT_CONNECTIONS} connections, for files of 32 MiB and more. */
        public static final Settings DEFAULT = new Settings(16L << 20, NetworkSettings.DEFAULT_CONNECTIONS,
                32L << 20);

        /** These settings with another connection count. */
        public Settings withConnections(int count) {
            return new Settings(chunkSize, count, parallelThreshold);
        }
    }

    private static final int BUFFER = 1 << 18;
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
            ChunkedTransfer chunked = new ChunkedTransfer(http, settings, job, progress);
            try {
                digests = chunked.run();
            } catch (ChunkedTransfer.RangesUnsupportedException ex) {
                Log.debug("%s: the server ignores ranges; downloading in one stream from the start", job.label());
                Transfers.truncate(job.file(), 0);
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
            Transfers.truncate(file, have);
        }
        Hashing hashing = Hashing.forExpected(size, job.expected());
        Flusher flusher = null;
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                StandardOpenOption.READ)) {
            GroupAccess.share(file);
            if (have > 0) {
                Transfers.hashRange(channel, 0, have, hashing, new byte[1 << 20]);
            }
            flusher = new Flusher(channel);
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
                    if (code == 206 && Transfers.rangeStart(response) == have) {
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
                        Transfers.truncate(file, 0);
                        hashing = Hashing.forExpected(size, job.expected());
                    } else if (code == 416 && have > 0) {
                        have = 0;
                        Transfers.truncate(file, 0);
                        hashing = Hashing.forExpected(size, job.expected());
                        continue;
                    } else if (Transfers.isExpiredLink(code) && refreshes < MAX_REFRESHES) {
                        refreshes++;
                        url = job.location().refresh();
                        continue;
                    } else {
                        throw Http.statusError(response, "cannot download " + job.label());
                    }
                    ResponseBody body = response.body();
                    long[] position = {have};
                    try {
                        stream(body.source(), channel, position, hashing, job, progress, flusher);
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
                    if (ex instanceof FetchException || Transfers.isInterruption(ex) || DiskSpace.isFull(ex)) {
                        throw ex;
                    }
                    failures = have > before ? 1 : failures + 1;
                    Transfers.backoffOrFail(http, job, failures, ex);
                }
            }
            flusher.stop();
            channel.force(true);
        } finally {
            if (flusher != null) {
                flusher.stop();
            }
        }
        return hashing.finish();
    }

    /**
     * Streams a body to the file from {@code position[0]}, which advances with every byte written and hashed. The
     * buffer is filled whole before one write; when the body breaks off, what came before the break is written and
     * kept, then the failure is thrown. Written data goes to disk in the
     * background as it arrives, so the final fsync has little left to do.
     */
    private static void stream(BufferedSource source, FileChannel channel, long[] position, Hashing hashing,
            DownloadJob job, ProgressListener progress, Flusher flusher) throws IOException {
        ByteBuffer buffer = ByteBuffer.allocateDirect(BUFFER);
        long limit = job.expectedSize() >= 0 ? job.expectedSize() : Long.MAX_VALUE;
        boolean ended = false;
        while (!ended) {
            buffer.clear();
            Transfers.Fill fill = Transfers.fill(source, buffer);
            ended = fill.ended();
            int n = buffer.position();
            if (position[0] + n > limit) {
                throw new IntegrityException("the server sent more than the " + limit + " bytes announced for "
                        + job.label() + "; nothing was stored. Try again later or check the server");
            }
            if (n > 0) {
                buffer.flip();
                Transfers.writeFully(channel, buffer, position[0]);
                buffer.position(0).limit(n);
                hashing.update(buffer);
                position[0] += n;
                flusher.reached(position[0]);
                progress.update(job.label(), position[0], job.expectedSize());
            }
            if (fill.cut() != null) {
                throw fill.cut();
            }
        }
    }

}
