package dev.modelredirect.serve;

import com.sun.net.httpserver.Headers;
import com.sun.net.httpserver.HttpContext;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpPrincipal;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.SocketChannel;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * One request and its response on an {@link Http1Server} connection, behind the JDK's {@link HttpExchange} API (so
 * handlers are the same as for {@code com.sun.net.httpserver}). The body is framed by {@code Content-Length} (a
 * length given to {@link #sendResponseHeaders}; -1 for none), or chunked for length 0 on HTTP/1.1.
 * {@link #transferFrom} sends file bytes with the kernel's zero-copy path on a plain connection. Header values with
 * CR or LF are refused, so a response cannot be split. One thread.
 */
final class Http1Exchange extends HttpExchange {
    private static final byte[] CONTINUE = RequestHead.ascii("HTTP/1.1 100 Continue\r\n\r\n");

    private final Http1Connection connection;
    private final RequestHead head;
    private final Headers responseHeaders = new Headers();
    private final Map<String, Object> attributes = new HashMap<>();
    private final OutputStream out;
    private final BodyIn body;
    private ResponseBody responseBody;
    private int code = -1;
    private boolean keepAlive;
    private boolean closed;

    Http1Exchange(Http1Connection connection, RequestHead head, InputStream in, OutputStream out) {
        this.connection = connection;
        this.head = head;
        this.out = out;
        this.body = new BodyIn(in, head.contentLength, "100-continue".equalsIgnoreCase(
                head.headers.getFirst("Expect")) && head.http11);
        this.keepAlive = head.wantsKeepAlive();
    }

    /** Whether the connection can carry another request after this one. */
    boolean keepAlive() {
        return keepAlive && closed && body.remaining == 0 && (responseBody == null || responseBody.complete());
    }

    /** Whether this is a TLS connection. */
    boolean secure() {
        return connection.secure();
    }

    /** Reads and drops what is left of the request body, up to {@code limit} bytes; whether it all went. */
    boolean drain(long limit) throws IOException {
        if (body.remaining > limit) {
            return false;
        }
        body.skipNBytes(body.remaining);
        return true;
    }

    @Override
    public Headers getRequestHeaders() {
        return head.headers;
    }

    @Override
    public Headers getResponseHeaders() {
        return responseHeaders;
    }

    @Override
    public URI getRequestURI() {
        return head.uri;
    }

    @Override
    public String getRequestMethod() {
        return head.method;
    }

    @Override
    public HttpContext getHttpContext() {
        return null;
    }

    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        try {
            if (code < 0) {
                keepAlive = false; // nothing was answered: the connection is closed instead
                return;
            }
            if (responseBody != null) {
                responseBody.finish();
            }
            out.flush();
        } catch (IOException broken) {
            keepAlive = false;
        }
    }

    @Override
    public InputStream getRequestBody() {
        return body;
    }

    @Override
    public OutputStream getResponseBody() {
        if (responseBody == null) {
            throw new IllegalStateException("sendResponseHeaders first");
        }
        return responseBody;
    }

    @Override
    public void sendResponseHeaders(int status, long length) throws IOException {
        if (code >= 0) {
            throw new IOException("the response headers were sent already");
        }
        if (status < 100 || status > 999) {
            throw new IllegalArgumentException("bad status " + status);
        }
        code = status;
        boolean noBody = head.method.equals("HEAD") || status < 200 || status == 204 || status == 304;
        long bodyLength;
        boolean chunked = false;
        if (noBody) {
            bodyLength = 0;
            if (!head.method.equals("HEAD") && status != 304) {
                responseHeaders.remove("Content-Length");
            }
        } else if (length > 0) {
            bodyLength = length;
            responseHeaders.set("Content-Length", Long.toString(length));
        } else if (length < 0) {
            bodyLength = 0;
            responseHeaders.set("Content-Length", "0");
        } else {
            bodyLength = -1;
            responseHeaders.remove("Content-Length");
            if (head.http11) {
                chunked = true;
                responseHeaders.set("Transfer-Encoding", "chunked");
            } else {
                keepAlive = false; // the end of the body is the end of the connection
            }
        }
        if (connection.stopping()) {
            keepAlive = false;
        }
        responseHeaders.set("Connection", keepAlive ? "keep-alive" : "close");
        StringBuilder text = new StringBuilder(256);
        text.append("HTTP/1.1 ").append(status).append(' ').append(reason(status)).append("\r\n");
        for (Map.Entry<String, List<String>> header : responseHeaders.entrySet()) {
            for (String value : header.getValue()) {
                if (value.indexOf('\r') >= 0 || value.indexOf('\n') >= 0) {
                    throw new IllegalArgumentException("a response header value holds CR or LF: " + header.getKey());
                }
                text.append(header.getKey()).append(": ").append(value).append("\r\n");
            }
        }
        text.append("\r\n");
        out.write(RequestHead.ascii(text.toString()));
        responseBody = new ResponseBody(out, bodyLength, chunked);
        if (bodyLength == 0) {
            out.flush();
        }
    }

    /**
     * Sends {@code count} bytes of {@code file} from {@code position} as (part of) the body: zero-copy
     * ({@link FileChannel#transferTo}) on a plain connection, through the buffered stream on TLS.
     */
    void transferFrom(FileChannel file, long position, long count, ByteBuffer buffer) throws IOException {
        ResponseBody sink = (ResponseBody) getResponseBody();
        sink.reserve(count);
        SocketChannel channel = connection.channel();
        if (channel != null) {
            out.flush();
            long done = 0;
            while (done < count) {
                long n = file.transferTo(position + done, count - done, channel);
                if (n <= 0) {
                    if (position + done >= file.size()) {
                        throw new IOException("the file shrank while it was being sent");
                    }
                    continue;
                }
                done += n;
            }
            sink.sent(count);
            return;
        }
        byte[] array = buffer.array();
        long done = 0;
        while (done < count) {
            buffer.clear().limit((int) Math.min(array.length, count - done));
            int n = file.read(buffer, position + done);
            if (n < 0) {
                throw new IOException("the file shrank while it was being sent");
            }
            out.write(array, 0, n);
            done += n;
        }
        sink.sent(count);
    }

    @Override
    public InetSocketAddress getRemoteAddress() {
        return connection.remoteAddress();
    }

    @Override
    public int getResponseCode() {
        return code;
    }

    @Override
    public InetSocketAddress getLocalAddress() {
        return connection.localAddress();
    }

    @Override
    public String getProtocol() {
        return head.http11 ? "HTTP/1.1" : "HTTP/1.0";
    }

    @Override
    public Object getAttribute(String name) {
        return attributes.get(name);
    }

    @Override
    public void setAttribute(String name, Object value) {
        attributes.put(name, value);
    }

    @Override
    public void setStreams(InputStream i, OutputStream o) {
        throw new UnsupportedOperationException("filters are not supported");
    }

    @Override
    public HttpPrincipal getPrincipal() {
        return null;
    }

    private static String reason(int status) {
        return switch (status) {
            case 100 -> "Continue";
            case 200 -> "OK";
            case 204 -> "No Content";
            case 206 -> "Partial Content";
            case 304 -> "Not Modified";
            case 400 -> "Bad Request";
            case 401 -> "Unauthorized";
            case 403 -> "Forbidden";
            case 404 -> "Not Found";
            case 405 -> "Method Not Allowed";
            case 413 -> "Content Too Large";
            case 416 -> "Range Not Satisfiable";
            case 431 -> "Request Header Fields Too Large";
            case 500 -> "Internal Server Error";
            case 501 -> "Not Implemented";
            case 502 -> "Bad Gateway";
            case 503 -> "Service Unavailable";
            case 505 -> "HTTP Version Not Supported";
            default -> "Status";
        };
    }

    /** The request body: exactly {@code Content-Length} bytes; sends {@code 100 Continue} before the first read. */
    private final class BodyIn extends InputStream {
        private final InputStream in;
        private long remaining;
        private boolean mustContinue;

        BodyIn(InputStream in, long length, boolean expectContinue) {
            this.in = in;
            this.remaining = length;
            this.mustContinue = expectContinue && length > 0;
        }

        private void proceed() throws IOException {
            if (mustContinue) {
                mustContinue = false;
                if (code < 0) {
                    out.write(CONTINUE);
                    out.flush();
                }
            }
        }

        @Override
        public int read() throws IOException {
            byte[] one = new byte[1];
            return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            if (remaining <= 0) {
                return -1;
            }
            proceed();
            int n = in.read(b, off, (int) Math.min(len, remaining));
            if (n < 0) {
                throw new java.io.EOFException("the request body ended early");
            }
            remaining -= n;
            return n;
        }
    }
}
