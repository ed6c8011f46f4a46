package dev.modelredirect.serve;

import com.sun.net.httpserver.Headers;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;

/**
 * An HTTP/1.x request line and header block, read strictly from a connection (RFC 9112): at most
 * {@value #MAX_HEAD} bytes and {@value #MAX_HEADERS} headers; no line folding; one {@code Content-Length} (several
 * only when equal); a {@code Transfer-Encoding} on a request is refused (this server takes only small bodies with a
 * length, so a body it could misframe is never read). The target is origin-form ({@code /path?query}) or
 * absolute-form.
 */
final class RequestHead {
    static final int MAX_HEAD = 64 << 10;
    static final int MAX_HEADERS = 100;

    /** A request that cannot be read: answered with {@code status}, then the connection is closed. */
    static final class Malformed extends Exception {
        private static final long serialVersionUID = 1L;
        final int status;

        Malformed(int status, String message) {
            super(message, null, false, false);
            this.status = status;
        }
    }

    final String method;
    final URI uri;
    final boolean http11;
    final Headers headers;
    final long contentLength;

    private RequestHead(String method, URI uri, boolean http11, Headers headers, long contentLength) {
        this.method = method;
        this.uri = uri;
        this.http11 = http11;
        this.headers = headers;
        this.contentLength = contentLength;
    }

    /** Whether the client asked to keep the connection open after this request. */
    boolean wantsKeepAlive() {
        String connection = headers.getFirst("Connection");
        String value = connection == null ? "" : connection.toLowerCase(java.util.Locale.ROOT);
        return http11 ? !value.contains("close") : value.contains("keep-alive");
    }

    /**
     * The next request head, or null when the connection ends cleanly before one starts.
     *
     * @throws Malformed when what arrives is not a request this server reads
     * @throws IOException when the connection fails or ends within a request head
     */
    static RequestHead read(InputStream in) throws IOException, Malformed {
        int[] budget = {MAX_HEAD};
        String line;
        do {
            line = line(in, budget, true);
            if (line == null) {
                return null;
            }
        } while (line.isEmpty()); // a client may send empty lines before a request
        int first = line.indexOf(' ');
        int second = first < 0 ? -1 : line.indexOf(' ', first + 1);
        if (first <= 0 || second < 0 || line.indexOf(' ', second + 1) >= 0) {
            throw new Malformed(400, "a request line is METHOD TARGET HTTP/1.1");
        }
        String method = line.substring(0, first);
        String target = line.substring(first + 1, second);
        String version = line.substring(second + 1);
        if (!isToken(method)) {
            throw new Malformed(400, "bad method");
        }
        if (!version.equals("HTTP/1.1") && !version.equals("HTTP/1.0")) {
            throw new Malformed(version.startsWith("HTTP/") ? 505 : 400, "only HTTP/1.0 and HTTP/1.1 are spoken");
        }
        URI uri;
        try {
            uri = new URI(target);
        } catch (URISyntaxException ex) {
            throw new Malformed(400, "bad request target");
        }
        if (!target.startsWith("/") && !(uri.isAbsolute() && uri.getRawPath() != null
                && uri.getRawPath().startsWith("/"))) {
            throw new Malformed(400, "the request target must be a path");
        }
        Headers headers = new Headers();
        int count = 0;
        while (!(line = line(in, budget, false)).isEmpty()) {
            if (++count > MAX_HEADERS) {
                throw new Malformed(431, "too many headers");
            }
            int colon = line.indexOf(':');
            if (colon <= 0 || !isToken(line.substring(0, colon))) {
                throw new Malformed(400, "bad header line");
            }
            headers.add(line.substring(0, colon), line.substring(colon + 1).strip());
        }
        if (headers.containsKey("Transfer-Encoding")) {
            throw new Malformed(501, "request bodies with a Transfer-Encoding are not accepted; send Content-Length");
        }
        long length = 0;
        if (headers.containsKey("Content-Length")) {
            String value = null;
            for (String each : headers.get("Content-Length")) {
                if (value != null && !value.equals(each) || each.isEmpty() || each.length() > 18
                        || !each.chars().allMatch(c -> c >= '0' && c <= '9')) {
                    throw new Malformed(400, "bad Content-Length");
                }
                value = each;
            }
            length = Long.parseLong(value);
        }
        return new RequestHead(method, uri, version.equals("HTTP/1.1"), headers, length);
    }

    /** One line without its CRLF (a bare LF is accepted), as Latin-1; null at a clean end when {@code eofOk}. */
    private static String line(InputStream in, int[] budget, boolean eofOk) throws IOException, Malformed {
        StringBuilder line = new StringBuilder(64);
        for (int c; ; ) {
            c = in.read();
            if (c < 0) {
                if (eofOk && line.length() == 0) {
                    return null;
                }
                throw new java.io.EOFException("the connection ended within a request head");
            }
            if (--budget[0] < 0) {
                throw new Malformed(431, "the request head is over " + MAX_HEAD + " bytes");
            }
            if (c == '\n') {
                int n = line.length();
                if (n > 0 && line.charAt(n - 1) == '\r') {
                    line.setLength(n - 1);
                }
                return line.toString();
            }
            if (c == 0) {
                throw new Malformed(400, "a NUL byte in the request head");
            }
            line.append((char) c);
        }
    }

    private static boolean isToken(String text) {
        if (text.isEmpty()) {
            return false;
        }
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c <= 0x20 || c >= 0x7f || "()<>@,;:\\\"/[]?={}".indexOf(c) >= 0) {
                return false;
            }
        }
        return true;
    }

    static byte[] ascii(String text) {
        return text.getBytes(StandardCharsets.ISO_8859_1);
    }
}
