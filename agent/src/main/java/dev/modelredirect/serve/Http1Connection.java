package dev.modelredirect.serve;

import com.sun.net.httpserver.HttpHandler;
import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.channels.SocketChannel;
import javax.net.ssl.SSLSocket;

/**
 * One client connection of an {@link Http1Server}, on its own thread: reads a request, lets the handler answer it,
 * and reads the next on the same connection while both sides keep it alive (HTTP/1.1 persistent connections; HTTP/1.0
 * with {@code Connection: keep-alive}). A connection idle for {@value #IDLE_MILLIS} ms, or slower than that within
 * a request, is closed.
 */
final class Http1Connection implements Runnable {
    /** How long a connection may be silent: between requests, and within one. */
    static final int IDLE_MILLIS = 20_000;
    /** A request body left unread up to this size is skipped to keep the connection; beyond, it is closed. */
    private static final long DRAIN_LIMIT = 64 << 10;

    private final Http1Server server;
    private final Socket socket;
    private final SocketChannel channel;
    private final HttpHandler handler;

    /** @param channel the plain channel of {@code socket} (for zero-copy sends), or null on TLS */
    Http1Connection(Http1Server server, Socket socket, SocketChannel channel, HttpHandler handler) {
        this.server = server;
        this.socket = socket;
        this.channel = channel;
        this.handler = handler;
    }

    boolean secure() {
        return socket instanceof SSLSocket;
    }

    SocketChannel channel() {
        return channel;
    }

    boolean stopping() {
        return server.stopping();
    }

    InetSocketAddress remoteAddress() {
        return (InetSocketAddress) socket.getRemoteSocketAddress();
    }

    InetSocketAddress localAddress() {
        return (InetSocketAddress) socket.getLocalSocketAddress();
    }

    /** Closes the connection under a running request (the server is stopping). */
    void abort() {
        try {
            socket.close();
        } catch (IOException ignored) {
            // closed
        }
    }

    @Override
    public void run() {
        try (socket) {
            socket.setTcpNoDelay(true);
            socket.setSoTimeout(IDLE_MILLIS);
            if (socket instanceof SSLSocket tls) {
                tls.startHandshake();
            }
            InputStream in = new BufferedInputStream(socket.getInputStream(), 8 << 10);
            OutputStream out = new BufferedOutputStream(socket.getOutputStream(), 16 << 10);
            while (!server.stopping()) {
                RequestHead head;
                try {
                    head = RequestHead.read(in);
                } catch (RequestHead.Malformed bad) {
                    refuse(out, bad);
                    return;
                }
                if (head == null) {
                    return;
                }
                Http1Exchange exchange = new Http1Exchange(this, head, in, out);
                handler.handle(exchange);
                exchange.close();
                if (!"keep-alive".equals(exchange.getResponseHeaders().getFirst("Connection"))
                        || !exchange.drain(DRAIN_LIMIT) || !exchange.keepAlive()) {
                    return;
                }
            }
        } catch (IOException | RuntimeException gone) {
            // the client went away, timed out or failed its TLS handshake: nothing to answer
        } finally {
            server.closed(this);
        }
    }

    private static void refuse(OutputStream out, RequestHead.Malformed bad) throws IOException {
        byte[] body = RequestHead.ascii("{\"error\":\"" + bad.getMessage().replace("\"", "'") + "\"}");
        out.write(RequestHead.ascii("HTTP/1.1 " + bad.status + " Bad Request\r\nContent-Type: application/json\r\n"
                + "Content-Length: " + body.length + "\r\nConnection: close\r\n\r\n"));
        out.write(body);
        out.flush();
    }
}
