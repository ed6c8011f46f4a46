package dev.modelredirect.serve;

import com.sun.net.httpserver.Headers;
import dev.modelredirect.hub.RepoId;
import dev.modelredirect.hub.RepoType;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.LinkOption;
import java.nio.file.StandardOpenOption;
import java.util.List;

/**
 * {@code HEAD|GET /[datasets/]ORG/NAME/resolve/REV/PATH}: (and {@code raw/} alike) a file's bytes with the Hub's headers ({@code X-Repo-Commit},
 * {@code ETag}, {@code X-Linked-Etag}/{@code X-Linked-Size} for LFS files), a single byte range ({@code Range}, with
 * {@code If-Range}), 416 beyond the end. HEAD answers the same headers without reading the file. The bytes come
 * from the file's real path, by {@code sendfile} on a plain connection, else with one fixed buffer per server
 * thread, so memory does not grow with file sizes or clients.
 */
final class ResolveRoute implements Route {
    /** Bytes per read and write while streaming a file; one buffer per server thread. */
    static final int BUFFER = 64 << 10;
    /** Up to this size a body goes out with its headers in one write; above, by {@code sendfile} when it can. */
    static final long SMALL = 16 << 10;
    private static final ThreadLocal<ByteBuffer> BUFFERS = ThreadLocal.withInitial(() -> ByteBuffer.allocate(BUFFER));

    private final StoreLookup lookup;

    ResolveRoute(StoreLookup lookup) {
        this.lookup = lookup;
    }

    @Override
    public boolean answer(Call call) throws IOException, ServeError {
        List<String> segments = call.segments();
        int base = !segments.isEmpty() && segments.get(0).equals("datasets") ? 1 : 0;
        if (segments.size() < base + 5 || !dev.modelredirect.store.SourceParser.isFileRoute(segments.get(base + 2))) {
            return false;
        }
        call.allow("GET", "HEAD");
        RepoId repo = RequestPaths.repo(base == 1 ? RepoType.DATASET : RepoType.MODEL, segments.get(base),
                segments.get(base + 1));
        String revision = segments.get(base + 3);
        String path = RequestPaths.filePath(segments.subList(base + 4, segments.size()));
        resolve(call, repo, revision, path);
        return true;
    }

    private void resolve(Call call, RepoId repo, String revision, String path) throws IOException, ServeError {
        StoreLookup.Located located = lookup.file(repo, revision, path);
        StoreView.FileInfo file = located.file();
        String commit = located.commit();
        FileChannel opened;
        try {
            opened = FileChannel.open(file.realPath(), StandardOpenOption.READ, LinkOption.NOFOLLOW_LINKS);
        } catch (IOException gone) {
            // removed since it was found (rm, gc, verify --repair): look again, which answers as the store is now
            lookup.forget(repo, revision, path);
            located = lookup.file(repo, revision, path);
            file = located.file();
            commit = located.commit();
            opened = openOrRefuse(file, path, revision, commit);
        }
        try (FileChannel channel = opened) {
            long size = channel.size();
            Headers headers = call.responseHeaders();
            headers.set("X-Repo-Commit", commit);
            headers.set("ETag", "\"" + file.etag() + "\"");
            if (file.lfs()) {
                headers.set("X-Linked-Etag", "\"" + file.etag() + "\"");
                headers.set("X-Linked-Size", String.valueOf(size));
            }
            headers.set("Accept-Ranges", "bytes");
            headers.set("Content-Type", "application/octet-stream");
            String rangeHeader = call.requestHeader("Range");
            String ifRange = call.requestHeader("If-Range");
            if (ifRange != null && !ifRange.trim().equals("\"" + file.etag() + "\"")) {
                rangeHeader = null;
            }
            ByteRange range = ByteRange.parse(rangeHeader, size);
            if (range == ByteRange.UNSATISFIABLE) {
                headers.set("Content-Range", "bytes */" + size);
                throw new ServeError(416, "RangeNotSatisfiable", "the range '" + rangeHeader
                        + "' starts beyond the file's " + size + " bytes", commit);
            }
            long from = range == null ? 0 : range.first();
            long length = range == null ? size : range.length();
            int status = range == null ? 200 : 206;
            if (range != null) {
                headers.set("Content-Range", "bytes " + range.first() + "-" + range.last() + "/" + size);
            }
            call.status = status;
            if (call.isHead()) {
                headers.set("Content-Length", String.valueOf(length));
                call.exchange().sendResponseHeaders(status, -1);
                return;
            }
            call.exchange().sendResponseHeaders(status, length == 0 ? -1 : length);
            if (length > SMALL && call.exchange() instanceof Http1Exchange http) {
                http.transferFrom(channel, from, length, BUFFERS.get());
                call.bytes += length;
            } else {
                stream(channel, from, length, call.exchange().getResponseBody(), call);
            }
        }
    }

    private static FileChannel openOrRefuse(StoreView.FileInfo file, String path, String revision, String commit)
            throws ServeError {
        try {
            return FileChannel.open(file.realPath(), StandardOpenOption.READ, LinkOption.NOFOLLOW_LINKS);
        } catch (IOException ex) {
            throw ServeError.entryNotFound(path, revision, commit);
        }
    }

    /** Copies {@code length} bytes from {@code from} with this thread's buffer; never holds more in memory. */
    private static void stream(FileChannel channel, long from, long length, OutputStream out, Call call)
            throws IOException {
        ByteBuffer buffer = BUFFERS.get();
        byte[] array = buffer.array();
        long position = from;
        long remaining = length;
        while (remaining > 0) {
            buffer.clear().limit((int) Math.min(array.length, remaining));
            int n = channel.read(buffer, position);
            if (n < 0) {
                throw new IOException("the file shrank while it was being sent");
            }
            out.write(array, 0, n);
            position += n;
            remaining -= n;
            call.bytes += n;
        }
        out.flush();
    }
}
