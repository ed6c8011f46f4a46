package dev.modelredirect.serve;

import com.sun.net.httpserver.Headers;
import com.sun.net.httpserver.HttpExchange;
import dev.modelredirect.files.UnsafePathException;
import dev.modelredirect.store.ZooLayout;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * The DJL model repository layout of the store ({@code <store>/zoo}, see {@link ZooLayout}) over HTTP, so that a
 * {@code serve} is the {@code djl-endpoint} of other machines: {@code GET} or {@code HEAD} of
 * {@code /model/APP/GROUP/...} answers the stored file (index, metadata or artifact) with {@code Range} support, and
 * 404 for anything the store does not hold. Read-only; repeated {@code /} are one, as DJL asks for
 * {@code ARTIFACT//metadata.json}; paths are checked as the store checks them, and temporary files (a name starting
 * with {@code .}) are never served.
 */
final class DjlRepositoryRoute implements Route {
    /** What one answer sent, for the server's log line. */
    record Sent(int status, long bytes) {
    }

    private final Path zoo;

    /** @param storeRoot the store served */
    DjlRepositoryRoute(Path storeRoot) {
        this.zoo = storeRoot.toAbsolutePath().normalize().resolve(ZooLayout.FOLDER);
    }

    /** Whether a raw request path is one of the DJL repository's: under {@code /model/} or {@code /dataset/}. */
    static boolean matches(String rawPath) {
        String path = rawPath == null ? "" : rawPath.replaceAll("/{2,}", "/");
        return path.startsWith("/model/") || path.startsWith("/dataset/");
    }

    @Override
    public boolean answer(Call call) throws IOException, ServeError {
        if (!matches(call.exchange().getRequestURI().getRawPath())) {
            return false;
        }
        Sent sent = answer(call.exchange());
        call.status = sent.status();
        call.bytes = sent.bytes();
        return true;
    }

    /** Answers the exchange with the stored file. */
    Sent answer(HttpExchange exchange) throws IOException, ServeError {
        String method = exchange.getRequestMethod();
        if (!method.equals("GET") && !method.equals("HEAD")) {
            exchange.getResponseHeaders().set("Allow", "GET, HEAD");
            throw new ServeError(405, null, "this server is read-only; the DJL repository answers GET and HEAD",
                    null);
        }
        Path file;
        try {
            String path = ZooLayout.checkedPath(exchange.getRequestURI().getRawPath());
            file = new ZooLayout(zoo).file(path);
            if (path.contains("/.") || !Files.isRegularFile(file)) {
                throw ServeError.notFound("the store has no DJL repository file " + path + "; pull the model "
                        + "into the store (pull djl://GROUP/ARTIFACT) first");
            }
            if (!file.toRealPath().startsWith(zoo.toRealPath())) {
                throw ServeError.notFound("the store has no DJL repository file " + path);
            }
        } catch (UnsafePathException ex) {
            throw ServeError.badRequest(ex.getMessage());
        }
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ)) {
            long size = channel.size();
            Headers headers = exchange.getResponseHeaders();
            headers.set("Accept-Ranges", "bytes");
            headers.set("Content-Type", file.getFileName().toString().endsWith(".json") ? "application/json"
                    : "application/octet-stream");
            String rangeHeader = exchange.getRequestHeaders().getFirst("Range");
            ByteRange range = ByteRange.parse(rangeHeader, size);
            if (range == ByteRange.UNSATISFIABLE) {
                headers.set("Content-Range", "bytes */" + size);
                throw new ServeError(416, "RangeNotSatisfiable", "the range '" + rangeHeader
                        + "' starts beyond the file's " + size + " bytes", null);
            }
            long from = range == null ? 0 : range.first();
            long length = range == null ? size : range.length();
            int status = range == null ? 200 : 206;
            if (range != null) {
                headers.set("Content-Range", "bytes " + range.first() + "-" + range.last() + "/" + size);
            }
            if (method.equals("HEAD")) {
                headers.set("Content-Length", String.valueOf(length));
                exchange.sendResponseHeaders(status, -1);
                return new Sent(status, 0);
            }
            exchange.sendResponseHeaders(status, length == 0 ? -1 : length);
            channel.position(from);
            long sent = 0;
            try (InputStream in = Channels.newInputStream(channel)) {
                OutputStream out = exchange.getResponseBody();
                byte[] buffer = new byte[1 << 16];
                while (sent < length) {
                    int n = in.read(buffer, 0, (int) Math.min(buffer.length, length - sent));
                    if (n < 0) {
                        throw new IOException("the file shrank while it was being sent");
                    }
                    out.write(buffer, 0, n);
                    sent += n;
                }
                out.flush();
            }
            return new Sent(status, sent);
        }
    }
}
