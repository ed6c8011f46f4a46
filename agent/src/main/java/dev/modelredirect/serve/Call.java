package dev.modelredirect.serve;

import com.sun.net.httpserver.Headers;
import com.sun.net.httpserver.HttpExchange;
import dev.modelredirect.json.Json;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;

/**
 * One request and its answer: the decoded path segments and query of an {@link HttpExchange}, helpers to answer
 * JSON, HTML or a refusal, and what was sent (status and body bytes) for the request's log line. Not thread-safe: one
 * exchange, one thread.
 */
final class Call {
    private static final int MAX_BODY = 1 << 20;

    private final HttpExchange exchange;
    private final List<String> segments;
    private Map<String, List<String>> query;
    int status;
    long bytes;

    Call(HttpExchange exchange, List<String> segments) {
        this.exchange = exchange;
        this.segments = segments;
    }

    HttpExchange exchange() {
        return exchange;
    }

    String method() {
        return exchange.getRequestMethod();
    }

    boolean isHead() {
        return "HEAD".equals(exchange.getRequestMethod());
    }

    /** The path's segments, each percent-decoded ({@link RequestPaths#segments}). */
    List<String> segments() {
        return segments;
    }

    /** The query's parameters, decoded; empty when there is none. */
    Map<String, List<String>> query() {
        if (query == null) {
            query = RequestPaths.query(exchange.getRequestURI().getRawQuery());
        }
        return query;
    }

    String requestHeader(String name) {
        return exchange.getRequestHeaders().getFirst(name);
    }

    Headers responseHeaders() {
        return exchange.getResponseHeaders();
    }

    /** Refuses with 405 and an {@code Allow} header unless the method is one of {@code allowed}. */
    void allow(String... allowed) throws ServeError {
        String method = method();
        for (String each : allowed) {
            if (each.equals(method)) {
                return;
            }
        }
        responseHeaders().set("Allow", String.join(", ", allowed));
        throw new ServeError(405, null, "method " + method + " is not allowed here; allowed: "
                + String.join(", ", allowed), null);
    }

    /** The request body, at most 1 MiB (413 beyond). */
    byte[] body() throws IOException, ServeError {
        InputStream in = exchange.getRequestBody();
        byte[] body = in.readNBytes(MAX_BODY + 1);
        if (body.length > MAX_BODY) {
            throw new ServeError(413, null, "the request body is over " + MAX_BODY + " bytes", null);
        }
        return body;
    }

    /**
     * The {@code host:port} the client used, from its {@code Host} header when that is a plain host name or address,
     * else this server's own address; for links in answers.
     */
    String host() {
        String host = requestHeader("Host");
        if (host != null && host.matches("[A-Za-z0-9.\\-:\\[\\]]{1,300}")) {
            return host;
        }
        InetSocketAddress local = exchange.getLocalAddress();
        String address = local.getAddress().getHostAddress();
        return (address.indexOf(':') >= 0 ? "[" + address + "]" : address) + ":" + local.getPort();
    }

    /** {@code https} when this server speaks TLS, else {@code http}. */
    String scheme() {
        boolean tls = exchange instanceof Http1Exchange http ? http.secure()
                : exchange instanceof com.sun.net.httpserver.HttpsExchange;
        return tls ? "https" : "http";
    }

    void sendJson(int code, String json, String commit) throws IOException {
        if (commit != null) {
            responseHeaders().set("X-Repo-Commit", commit);
        }
        send(code, "application/json; charset=utf-8", json.getBytes(StandardCharsets.UTF_8));
    }

    /** Sends a whole body (none for HEAD, with the length it would have). */
    void send(int code, String contentType, byte[] body) throws IOException {
        Headers headers = responseHeaders();
        headers.set("Content-Type", contentType);
        status = code;
        if (isHead()) {
            headers.set("Content-Length", String.valueOf(body.length));
            exchange.sendResponseHeaders(code, -1);
            return;
        }
        exchange.sendResponseHeaders(code, body.length == 0 ? -1 : body.length);
        if (body.length > 0) {
            exchange.getResponseBody().write(body);
            bytes += body.length;
        }
    }

    /** Sends a refusal as the Hub does: status, {@code X-Error-Code}, {@code X-Error-Message}, a JSON body. */
    void sendError(ServeError error) throws IOException {
        Headers headers = responseHeaders();
        for (String name : List.of("ETag", "X-Linked-Etag", "X-Linked-Size", "Accept-Ranges", "Link")) {
            headers.remove(name);
        }
        if (error.status != 416) {
            headers.remove("Content-Range");
            headers.remove("X-Repo-Commit");
        }
        if (error.code != null) {
            headers.set("X-Error-Code", error.code);
        }
        headers.set("X-Error-Message", printable(error.getMessage()));
        if (error.commit != null) {
            headers.set("X-Repo-Commit", error.commit);
        }
        sendJson(error.status, Json.write(Map.of("error", error.getMessage())), null);
    }

    /** Text safe for a header or a log line: printable ASCII, at most 500 characters. */
    static String printable(String text) {
        if (text == null) {
            return "";
        }
        StringBuilder out = new StringBuilder(Math.min(text.length(), 500));
        for (int i = 0; i < text.length() && out.length() < 500; i++) {
            char c = text.charAt(i);
            out.append(c >= 0x20 && c < 0x7f ? c : '?');
        }
        return out.toString();
    }
}
